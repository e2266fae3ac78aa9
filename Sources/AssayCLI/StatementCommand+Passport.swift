import AssayCore
import ArgumentParser
import AssayModel
import AssayVerify
import Foundation

extension StatementCommand {
    /// `assay statement passport`: a PassportData statement from an aspect's data file.
    struct Passport: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a PassportData statement (one part of a product passport) from its data file.",
            discussion: """
            The data file holds the aspect's JSON object: a Battery Pass v1.2.0 part with its published member \
            names, the battery's condition or status, or the ESPR product passport fields (see Schemas/PassportData.schema.json). \
            It may be UTF-8, or UTF-16 with a byte-order mark as the Battery Pass examples are published. The statement \
            is checked as `assay statement check` checks it and printed as one line of JSON (numbers exactly as the \
            file writes them); sign it with `assay sign` and append the envelope with `assay append`. Who may sign \
            each aspect is judged at append: static aspects the manufacturer or authorised representative with \
            authority over the GTIN, batteryCondition whoever measured it, status whoever changed it. \
            Aspects: \(PassportData.Aspect.allCases.map(\.rawValue).joined(separator: ", ")).
            """
        )

        @Option(help: "The passport aspect the data is.") var aspect: String
        @Option(help: "The product item, batch or model (GS1 Digital Link or EPC URN).") var subject: String
        @Option(help: ArgumentHelp("The aspect's JSON data file ('-' for standard input).", valueName: "file")) var data: String
        @Option(help: ArgumentHelp("When the fact was established: an RFC 3339 date-time with offset (default: now, UTC).", valueName: "time"))
        var time: String?
        @Option(help: ArgumentHelp("Write the statement here instead of standard output.", valueName: "file")) var out: String?

        func run() throws {
            guard let a = PassportData.Aspect(rawValue: aspect) else {
                throw CLIFailure.input("unknown aspect \"\(aspect)\" (aspects: \(PassportData.Aspect.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let raw = try InputFiles.read(data, what: "data", maxBytes: EntryChecker.maxEnvelopeBytes)
            let text = try Self.utf8(raw, path: data)
            let eventTime: Timestamp
            if let time {
                do { eventTime = try Timestamp(parsing: time, field: "--time") } catch { throw CLIFailure.input("--time: \(error.message)") }
            } else {
                eventTime = Timestamp(epochMillis: Int64(Date().timeIntervalSince1970 * 1000))
            }
            let statement: [UInt8]
            do {
                statement = try PassportData.statement(subject: subject, aspect: a, data: text, eventTime: eventTime)
            } catch {
                throw CLIFailure.input("\(data): \(error.description)")
            }
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: Data(statement + [0x0A])) else {
                    throw CLIFailure.input("cannot write \(out)")
                }
                return
            }
            emit(String(decoding: statement, as: UTF8.self))
        }

        /// The file's JSON as UTF-8: UTF-16 (LE or BE) and UTF-8 with a byte-order mark are
        /// decoded, the mark dropped.
        static func utf8(_ raw: [UInt8], path: String) throws -> [UInt8] {
            func utf16(_ body: ArraySlice<UInt8>, littleEndian: Bool) throws -> [UInt8] {
                guard body.count % 2 == 0 else { throw CLIFailure.input("data \(path) is not valid UTF-16: odd number of bytes") }
                var units: [UInt16] = []
                var i = body.startIndex
                while i < body.endIndex {
                    let x = UInt16(body[i]), y = UInt16(body[i + 1])
                    units.append(littleEndian ? x | y << 8 : x << 8 | y)
                    i += 2
                }
                guard let s = String(validating: units, as: UTF16.self) else { throw CLIFailure.input("data \(path) is not valid UTF-16") }
                return Array(s.utf8)
            }
            if raw.starts(with: [0xFF, 0xFE]) { return try utf16(raw.dropFirst(2), littleEndian: true) }
            if raw.starts(with: [0xFE, 0xFF]) { return try utf16(raw.dropFirst(2), littleEndian: false) }
            if raw.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(raw.dropFirst(3)) }
            return raw
        }
    }
}
