import ArgumentParser
import AssayCrypto
import AssayLog
import AssayModel
import AssayReport
import Foundation

struct PassportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passport",
        abstract: "Write a product's passport page: one self-contained HTML file that a buyer's browser verifies itself, and its QR code.",
        discussion: """
        The bundle is verified first (as verify --bundle does, against the pinned --log-key and witnesses); a bundle \
        whose integrity does not hold gets no page (exit 1). The page embeds the bundle, the pinned keys and a script \
        that checks every signature and proof with the browser's Web Crypto before it shows "verified". \
        --qr FILE writes an SVG QR code of the product's GS1 Digital Link (with --resolver, on that host instead of id.gs1.org).
        """
    )
    @Option(help: "The product bundle (.assay-bundle).") var bundle: String
    @OptionGroup var trust: TrustOptions
    @Option(help: "The log's origin (default: the bundle's; the log key's genesis must name it).") var origin: String?
    @Option(help: "The product (default: the bundle's).") var product: String?
    @Option(help: "Date YYYY-MM-DD the verdicts and the time left are computed for (default: today, UTC).") var at: String?
    @Option(help: "An audit policy, as for verify --bundle.") var policy: String?
    @Option(help: ArgumentHelp("Write the HTML page to this file ('-' for standard output).", valueName: "file")) var out: String?
    @Option(help: ArgumentHelp("Write an SVG QR code of the product's Digital Link to this file.", valueName: "file")) var qr: String?
    @Option(help: ArgumentHelp("The GS1 Digital Link resolver the QR code points to (default https://id.gs1.org).", valueName: "url")) var resolver: String?

    func validate() throws {
        if out == nil && qr == nil { throw ValidationError("give --out FILE (the page), --qr FILE (the QR code), or both") }
        if let r = resolver, !(r.hasPrefix("https://") || r.hasPrefix("http://")) || URL(string: r)?.host == nil {
            throw ValidationError("--resolver must be an http(s) URL, found \(r)")
        }
    }

    func run() throws {
        let bytes = try InputFiles.read(bundle, what: "bundle", maxBytes: ProductBundle.maxBytes)
        let parsed: ProductBundle
        do { parsed = try ProductBundle(bytes: bytes) } catch { throw CLIFailure.input("\(bundle): \(error.description)") }
        let audit = BundleAudit(bundle: bundle, logKey: trust.logKey, witnessKeys: trust.witnessKeys, witnessesNeeded: trust.witnessesNeeded,
                                origin: origin ?? parsed.origin, product: product ?? parsed.product, at: at, policy: policy, policyKey: nil, since: nil)
        let (_, report) = try audit.load()
        let (log, witnesses) = try trust.load()
        if let out {
            let page: String
            do {
                page = try PassportPage(bundleJSON: bytes, report: report, trust: .init(logKey: log, witnessKeys: witnesses, witnessesNeeded: trust.witnessesNeeded)).html()
            } catch {
                if case .notVerified = error { throw CLIFailure.verification("\(bundle): \(error.description)") }
                throw CLIFailure.input(error.description)
            }
            if out == "-" {
                FileHandle.standardOutput.write(Data(page.utf8))
            } else {
                try InputFiles.writeAtomically(Array(page.utf8), to: out)
            }
        }
        if let qr { try writeQR(qr, product: report.product) }
        if out != "-" {
            emit([out.map { "wrote \($0)" }, qr.map { "wrote \($0) (\(Self.digitalLink(report.product, resolver: resolver)))" }]
                .compactMap { $0 }.joined(separator: "; ") + ": \(report.passed ? "PASS" : "FAIL") for \(report.product)")
        }
    }

    /// The product's Digital Link on `resolver` (the canonical form already uses id.gs1.org).
    static func digitalLink(_ product: String, resolver: String?) -> String {
        guard let resolver, product.hasPrefix("https://id.gs1.org/") else { return product }
        let base = resolver.hasSuffix("/") ? String(resolver.dropLast()) : resolver
        return base + product.dropFirst("https://id.gs1.org".count)
    }
}
