import ArgumentParser
import AssayCore
import AssayModel
import Foundation

extension StatementCommand {
    /// `assay statement commitment`: a `LifecycleCommitment` from options, checked exactly as
    /// the ledger will read it, printed as one line of JSON to sign (`assay sign`) and append.
    struct Commitment: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a lifecycle commitment (JSON) from options, checked, ready to sign.",
            discussion: """
                Prints one LifecycleCommitment statement as compact JSON on standard output. Every value is checked as \
                the ledger will check it; a bad value is refused in one line naming the option and the statement field. \
                The CRA and PSTI declared fields (--expected-use-time, --security-update-mechanism, --sbom-url and \
                --sbom-digest, --vulnerability-disclosure-policy, --manufacturer-contact) are optional; at audit the \
                support end must not be before the placed-on-market date plus the expected use time (CRA Art. 13(8)).
                """
        )

        @Option(help: "The product model: a GTIN or a product-class Digital Link (https://id.gs1.org/01/{GTIN}).") var model: String
        @Option(name: .customLong("serial-from"), help: "First serial of a range within the model (with --serial-to).") var serialFrom: String?
        @Option(name: .customLong("serial-to"), help: "Last serial of the range (with --serial-from).") var serialTo: String?
        @Option(name: .customLong("placed-on-market"), help: ArgumentHelp("When the model was first placed on the market.", valueName: "date"))
        var placedOnMarket: String
        @Option(name: .customLong("support-end"), help: ArgumentHelp("The date security updates end (an end date, not a duration).", valueName: "date"))
        var supportEnd: String
        @Option(name: .customLong("vulnerability-contact"), help: "Where to report vulnerabilities: a URI (https:…, mailto:…).")
        var vulnerabilityContact: String
        @Option(name: .customLong("response-days"), help: "Days within which vulnerability reports are answered.") var responseDays: Int
        @Option(name: .customLong("backend-end"), help: ArgumentHelp("Until when any backend service the product needs runs.", valueName: "date"))
        var backendEnd: String?
        @Option(name: .customLong("repair-url"), help: "Where the repair information is (http(s)).") var repairURL: String
        @Option(name: .customLong("repair-digest"), help: "The repair information's digest (sha256:…).") var repairDigest: String
        @Option(name: .customLong("spare-part"), help: ArgumentHelp(
            "A spare part as PART,YYYY-MM-DD,DAYS: part number, available until, delivery days (repeatable).", valueName: "part"))
        var spareParts: [String] = []
        @Option(name: .customLong("take-back-channel"), help: "How the product is taken back.") var takeBackChannel: String
        @Option(name: .customLong("recycling-scheme"), help: "The recycling (WEEE) scheme.") var recyclingScheme: String
        @Option(name: .customLong("dismantling-url"), help: "Where the dismantling information is (with --dismantling-digest).")
        var dismantlingURL: String?
        @Option(name: .customLong("dismantling-digest"), help: "The dismantling information's digest.") var dismantlingDigest: String?
        @Option(help: "What happens to support and services if the manufacturer fails.") var insolvency: String
        @Option(name: .customLong("expected-use-time"), help: ArgumentHelp(
            "How long the product is expected to be in use: an ISO 8601 duration of years and months (P7Y, P5Y6M).", valueName: "duration"))
        var expectedUseTime: String?
        @Option(name: .customLong("security-update-mechanism"), help: "How security updates reach the product (over the air, by app …).")
        var securityUpdateMechanism: String?
        @Option(name: .customLong("sbom-url"), help: "Where the software bill of materials is (http(s); with --sbom-digest).") var sbomURL: String?
        @Option(name: .customLong("sbom-digest"), help: "The software bill of materials' digest (sha256:…).") var sbomDigest: String?
        @Option(name: .customLong("vulnerability-disclosure-policy"), help: "Where the vulnerability disclosure policy is published (http(s)).")
        var vulnerabilityDisclosurePolicy: String?
        @Option(name: .customLong("manufacturer-contact"), help: "How to reach the manufacturer: a URI (https:…, mailto:…, tel:…).")
        var manufacturerContact: String?
        @Option(name: .customLong("event-time"), help: ArgumentHelp("When the commitment is made (RFC 3339); default: now.", valueName: "time"))
        var eventTime: String?
        @Flag(help: "Print the statement as JSON (it always is: the flag is accepted for a consistent CLI).") var json = false

        /// Which option sets each statement field, for errors.
        static let optionByField: [(field: String, option: String)] = [
            ("scope.model", "--model"), ("scope.serialFrom", "--serial-from"), ("scope.serialTo", "--serial-to"),
            ("placedOnMarket", "--placed-on-market"), ("securitySupportEnd", "--support-end"),
            ("vulnerabilityContact", "--vulnerability-contact"), ("vulnerabilityResponseDays", "--response-days"),
            ("backendServiceMinimumEnd", "--backend-end"), ("repairInformation.url", "--repair-url"),
            ("repairInformation.digest", "--repair-digest"), ("takeBack.channel", "--take-back-channel"),
            ("takeBack.recyclingScheme", "--recycling-scheme"), ("dismantlingInformation.url", "--dismantling-url"),
            ("dismantlingInformation.digest", "--dismantling-digest"), ("insolvencyContinuity", "--insolvency"),
            ("expectedUseTime", "--expected-use-time"), ("securityUpdateMechanism", "--security-update-mechanism"),
            ("sbom.url", "--sbom-url"), ("sbom.digest", "--sbom-digest"),
            ("vulnerabilityDisclosurePolicy", "--vulnerability-disclosure-policy"), ("manufacturerContact", "--manufacturer-contact"),
            ("eventTime", "--event-time"),
        ]

        /// The option that sets `field` (`spareParts[1].deliveryDays` → `--spare-part 2`).
        static func option(for field: String) -> String? {
            if field.hasPrefix("spareParts["), let close = field.firstIndex(of: "]"), let i = Int(field[field.index(field.startIndex, offsetBy: 11)..<close]) {
                return "--spare-part \(i + 1)"
            }
            return optionByField.first { $0.field == field }?.option
        }

        /// Both options of a pair, or neither.
        static func pair(_ a: (String, String?), _ b: (String, String?)) throws -> LifecycleCommitment.Document? {
            switch (a.1, b.1) {
            case (nil, nil): return nil
            case (let url?, let digest?): return .init(url: url, digest: digest)
            case (nil, _): throw CLIFailure.input("\(b.0) needs \(a.0)")
            case (_, nil): throw CLIFailure.input("\(a.0) needs \(b.0)")
            }
        }

        func run() throws {
            var parts: [LifecycleCommitment.SparePart] = []
            for (i, p) in spareParts.enumerated() {
                let fields = p.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count >= 3, let days = Int(fields[fields.count - 1].trimmingCharacters(in: .whitespaces)) else {
                    throw CLIFailure.input("--spare-part \(i + 1): \"\(Terminal.field(p))\" is not PART,YYYY-MM-DD,DAYS (delivery days a whole number)")
                }
                parts.append(.init(partNumber: fields.dropLast(2).joined(separator: ","),
                                   availableUntil: fields[fields.count - 2].trimmingCharacters(in: .whitespaces), deliveryDays: days))
            }
            let time: Timestamp
            if let eventTime {
                time = try Timestamp(parsing: eventTime, field: "--event-time")
            } else {
                time = Timestamp(epochMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
            }
            let use: YearMonthDuration?
            do {
                use = try expectedUseTime.map { s throws(ModelError) in try YearMonthDuration(parsing: s) }
            } catch {
                throw CLIFailure.input("--expected-use-time (expectedUseTime): \(error.message)")
            }
            let commitment = LifecycleCommitment(
                model: model, serialFrom: serialFrom, serialTo: serialTo, placedOnMarket: placedOnMarket, securitySupportEnd: supportEnd,
                vulnerabilityContact: vulnerabilityContact, vulnerabilityResponseDays: responseDays, backendServiceMinimumEnd: backendEnd,
                repairInformation: .init(url: repairURL, digest: repairDigest), spareParts: parts,
                takeBack: .init(channel: takeBackChannel, recyclingScheme: recyclingScheme),
                dismantlingInformation: try Self.pair(("--dismantling-url", dismantlingURL), ("--dismantling-digest", dismantlingDigest)),
                insolvencyContinuity: insolvency, expectedUseTime: use, securityUpdateMechanism: securityUpdateMechanism,
                sbom: try Self.pair(("--sbom-url", sbomURL), ("--sbom-digest", sbomDigest)),
                vulnerabilityDisclosurePolicy: vulnerabilityDisclosurePolicy, manufacturerContact: manufacturerContact, eventTime: time)
            let text = commitment.json
            do {
                _ = try Statement.decode(Array(text.utf8))
            } catch {
                let option = Self.option(for: error.field).map { "\($0) (\(error.field))" } ?? error.field
                throw CLIFailure.input("\(option): \(error.message)")
            }
            emit(text)
        }
    }
}
