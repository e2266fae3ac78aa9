import AssayCrypto
import AssayModel
import AssayTestSupport
import Foundation
import Testing

/// One validator, two implementations agreeing: every file under `Schemas/examples/` is
/// judged by the Swift decoder (`Statement.decode`) and by the JSON Schemas
/// (`tools/schema_check.py`, which validates against `Schemas/statement.schema.json` with
/// Python's `jsonschema`), and the verdicts must be the same.
///
/// The only files allowed to differ are the invalid examples listed in `beyondSchema`:
/// each breaks a rule JSON Schema cannot state (a check digit, a comparison between two
/// fields, a length counted in UTF-8 bytes). For those the test asserts that the schema
/// accepts the file and that Swift refuses it for exactly the listed field and rule.
@Suite("JSON Schemas and the Swift decoder agree")
struct SchemaAgreementTests {
    // MARK: - The examples

    /// One file under `Schemas/examples/`, named `<Kind>-<what>.json`.
    struct Example: Sendable, CustomTestStringConvertible {
        /// The path below `Schemas/examples/`: `valid/ComponentOrigin-1.json`.
        let relativePath: String

        var url: URL { SchemaPaths.examples.appendingPathComponent(relativePath) }
        /// `valid` or `invalid` (anything else is an error).
        var folder: String { String(relativePath.split(separator: "/").first ?? "") }
        var fileName: String { String(relativePath.split(separator: "/").last ?? "") }
        /// The kind the file name starts with.
        var kindName: String { String(fileName.prefix(while: { $0 != "-" })) }
        var testDescription: String { relativePath }
    }

    /// Every file under `Schemas/examples/`, sorted; empty if the folder cannot be read (the
    /// count test then fails).
    static let examples: [Example] = {
        let root = SchemaPaths.examples
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var out: [Example] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let relative = url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)
            out.append(Example(relativePath: String(relative)))
        }
        return out.sorted { $0.relativePath < $1.relativePath }
    }()

    /// A rule the Swift decoder enforces that JSON Schema cannot express.
    struct BeyondSchemaRule: Sendable {
        /// Why JSON Schema cannot say it.
        let reason: String
        /// The field Swift must name (`ModelError.field`).
        let field: String
        /// A fragment Swift's message must hold.
        let message: String
    }

    /// The invalid examples the schema accepts and Swift refuses, each with its reason. A file
    /// listed here that the schema refuses, or that Swift refuses for another field or rule,
    /// fails the test: the list must say exactly why each difference exists.
    static let beyondSchema: [String: BeyondSchemaRule] = [
        "invalid/ComponentOrigin-cas-check-digit.json": BeyondSchemaRule(
            reason: "the CAS Registry Number check digit (weighted digit sum mod 10) is arithmetic, not a pattern",
            field: "ilmd.assay:materials[1].substancesOfConcern[0].casNumber",
            message: "CAS number 7439-92-2 has check digit 2, expected 1"),
        "invalid/ComponentOrigin-gtin-check-digit.json": BeyondSchemaRule(
            reason: "the GS1 mod-10 check digit of a GTIN inside a Digital Link is arithmetic, not a pattern",
            field: "quantityList[0].epcClass",
            message: "GTIN 04012345000024 has check digit 4, expected 3"),
        "invalid/LifecycleCommitment-model-gtin-check-digit.json": BeyondSchemaRule(
            reason: "the GS1 mod-10 check digit of the model's GTIN is arithmetic, not a pattern",
            field: "scope.model",
            message: "GTIN 4012345000055 has check digit 5, expected 4"),
        "invalid/LifecycleCommitment-support-end-before-market.json": BeyondSchemaRule(
            reason: "securitySupportEnd after placedOnMarket compares two fields; JSON Schema has no comparison between values",
            field: "securitySupportEnd",
            message: "must be after placedOnMarket"),
        "invalid/PassportData-ec-number-check-digit.json": BeyondSchemaRule(
            reason: "the EC number check digit (digits weighted 1 to 6, mod 11) is arithmetic, not a pattern",
            field: "data.substancesOfConcern[0].ecNumber",
            message: "EC number 231-158-1 has check digit 1, expected 0"),
        "invalid/PassportData-gtin-not-subject.json": BeyondSchemaRule(
            reason: "productPassport.gtin must be the subject's GTIN: a comparison between two fields",
            field: "data.gtin",
            message: "is not the subject's GTIN 04012345000122"),
        "invalid/PassportData-substance-cas-check-digit.json": BeyondSchemaRule(
            reason: "the CAS Registry Number check digit (weighted digit sum mod 10) is arithmetic, not a pattern",
            field: "data.substancesOfConcern[0].casNumber",
            message: "CAS number 7440-48-5 has check digit 5, expected 4"),
        "invalid/PassportData-successor-of-itself.json": BeyondSchemaRule(
            reason: "successorOf must differ from the subject: a comparison between two fields",
            field: "data.successorOf",
            message: "a battery cannot succeed itself"),
        "invalid/PartyRegistration-facility-gln-check-digit.json": BeyondSchemaRule(
            reason: "the GS1 mod-10 check digit of a GLN is arithmetic, not a pattern",
            field: "facilities[0]",
            message: "GLN 5901234000025 has check digit 5, expected 4"),
        "invalid/PartyRegistration-valid-until-before-from.json": BeyondSchemaRule(
            reason: "validUntil after validFrom compares two times; JSON Schema has no comparison between values",
            field: "validUntil",
            message: "must be after validFrom"),
        "invalid/ProductAssembly-gtin-check-digit.json": BeyondSchemaRule(
            reason: "the GS1 mod-10 check digit of assay:gtin is arithmetic, not a pattern",
            field: "assay:gtin",
            message: "GTIN 04012345000048 has check digit 8, expected 7"),
        "invalid/SupplyChainEvent-sscc-check-digit.json": BeyondSchemaRule(
            reason: "the GS1 mod-10 check digit of an SSCC inside a Digital Link is arithmetic, not a pattern",
            field: "parentID",
            message: "SSCC 340123450000000179 has check digit 9, expected 8"),
    ]

    // MARK: - Tests

    @Test("every example gets the same verdict from Swift and from the schema", arguments: SchemaAgreementTests.examples)
    func sameVerdict(_ example: Example) throws {
        #expect(["valid", "invalid"].contains(example.folder),
                "\(example.relativePath): examples belong in Schemas/examples/valid/ or Schemas/examples/invalid/")
        #expect(StatementKind(rawValue: example.kindName) != nil,
                "\(example.relativePath): the file name must start with a statement kind and a hyphen (<Kind>-<what>.json)")

        let swift = swiftVerdict(try [UInt8](Data(contentsOf: example.url)))
        switch example.folder {
        case "valid":
            if case .invalid(let error) = swift {
                Issue.record("\(example.relativePath): Swift refuses a valid example: \(error)")
            }
            if case .valid(let kind) = swift {
                #expect(kind == example.kindName, "\(example.relativePath): Swift reads it as \(kind)")
            }
        default:
            if case .valid(let kind) = swift {
                Issue.record("\(example.relativePath): Swift accepts an invalid example (as \(kind))")
            }
        }

        // The schema's side needs python3 with jsonschema; `schemaToolIsAvailable` fails
        // with the reason when it is missing.
        guard case .success(let verdicts) = SchemaCheck.examples else { return }
        guard let schema = verdicts[example.url.path] else {
            Issue.record("\(example.relativePath): tools/schema_check.py printed no verdict for it")
            return
        }
        switch (example.folder, schema) {
        case ("valid", .valid(let kind)):
            #expect(kind == example.kindName, "\(example.relativePath): the schema reads it as \(kind)")
        case ("valid", .invalid(let why)):
            Issue.record("\(example.relativePath): the schema refuses a valid example: \(why)")
        case ("invalid", .valid) where Self.beyondSchema[example.relativePath] == nil:
            Issue.record("\(example.relativePath): the schema accepts an invalid example")
        default:
            break
        }

        if let rule = Self.beyondSchema[example.relativePath] {
            // A difference by design: the schema accepts, Swift refuses for the listed rule.
            guard case .valid = schema else {
                Issue.record("""
                    \(example.relativePath) is listed as beyond-schema (\(rule.reason)) but the schema refuses it \
                    (\(schema)): remove it from SchemaAgreementTests.beyondSchema
                    """)
                return
            }
            guard case .invalid(let error) = swift else { return }
            #expect(error.field == rule.field, "\(example.relativePath): Swift names \(error.field), the list says \(rule.field)")
            #expect(error.message.contains(rule.message),
                    "\(example.relativePath): Swift says \"\(error.message)\", the list expects \"\(rule.message)\"")
            return
        }
        switch (swift, schema) {
        case (.valid, .valid), (.invalid, .invalid):
            break
        case (.valid(let kind), .invalid(let why)):
            Issue.record("\(example.relativePath): Swift accepts it (\(kind)), the schema refuses it: \(why)")
        case (.invalid(let error), .valid):
            Issue.record("""
                \(example.relativePath): Swift refuses it (\(error)), the schema accepts it. If the rule is beyond \
                JSON Schema, list the file in SchemaAgreementTests.beyondSchema with the reason
                """)
        }
    }

    @Test("every kind has at least 3 valid and 5 invalid examples", arguments: StatementKind.allCases)
    func exampleCounts(_ kind: StatementKind) {
        let mine = Self.examples.filter { $0.kindName == kind.rawValue }
        let valid = mine.filter { $0.folder == "valid" }.count
        let invalid = mine.filter { $0.folder == "invalid" }.count
        #expect(valid >= 3, "\(kind.rawValue): \(valid) valid examples in \(SchemaPaths.examples.path)/valid, at least 3 needed")
        #expect(invalid >= 5, "\(kind.rawValue): \(invalid) invalid examples in \(SchemaPaths.examples.path)/invalid, at least 5 needed")
    }

    @Test("python3 with jsonschema runs tools/schema_check.py")
    func schemaToolIsAvailable() {
        if case .failure(let failure) = SchemaCheck.examples {
            Issue.record(Comment(rawValue: failure.description))
        }
    }

    @Test("every beyond-schema entry names an invalid example")
    func beyondSchemaEntriesExist() {
        let names = Set(Self.examples.map(\.relativePath))
        for (path, rule) in Self.beyondSchema.sorted(by: { $0.key < $1.key }) {
            #expect(path.hasPrefix("invalid/"), "\(path): only invalid examples can be beyond the schema")
            #expect(names.contains(path), "\(path) (\(rule.reason)) is listed as beyond-schema but does not exist")
        }
    }

    @Test("`assay statement new` prints the <Kind>-1.json examples", arguments: StatementKind.allCases)
    func templatesMatchFirstExamples(_ kind: StatementKind) throws {
        let template = try #require(StatementTemplates.byKind[kind.rawValue], "no template for \(kind.rawValue)")
        let file = SchemaPaths.examples.appendingPathComponent("valid/\(kind.rawValue)-1.json")
        let example = try JSONValue.parse([UInt8](Data(contentsOf: file)))
        #expect(try JSONValue.parse(Array(template.utf8)) == example,
                "StatementTemplates.byKind[\"\(kind.rawValue)\"] differs from Schemas/examples/valid/\(kind.rawValue)-1.json")
    }

    @Test("statements and envelopes Assay writes validate against the schemas")
    func assayOutputValidates() throws {
        let dir = URL(fileURLWithPath: Fixtures.tempDir(), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let time = Timestamp(epochMillis: Fixtures.time())
        let written: [(String, String)] = [
            ("genesis", LedgerGenesis(origin: "test.example/ledger", operatorKey: Fixtures.operatorKey.verifierKey.description,
                                      operatorName: "Test Operator", eventTime: time).json),
            ("registration", PartyRegistration(partyId: "https://id.gs1.org/417/4012345000009", legalName: "Supplier",
                                               roles: [.supplier, .manufacturer],
                                               publicKey: Fixtures.supplierKey.verifierKey.description,
                                               facilities: ["urn:epc:id:sgln:4012345.00001.0"], eventTime: time).json),
            ("revocation", KeyRevocation(revokedKey: "supplier.example+\(Fixtures.supplierKey.keyID.hex)", reason: .compromise,
                                         effectiveTime: time, eventTime: time).json),
        ]
        var statements: [String] = []
        for (name, json) in written {
            _ = try Statement.decode(Array(json.utf8))
            let url = dir.appendingPathComponent("\(name).json")
            try Data(json.utf8).write(to: url)
            statements.append(url.path)
        }
        var envelopes: [String] = []
        for example in Self.examples where example.folder == "valid" {
            let payload = try [UInt8](Data(contentsOf: example.url))
            let envelope = Envelope.sign(payload: payload, with: Fixtures.manufacturerKey)
            let url = dir.appendingPathComponent("envelope-\(example.fileName)")
            try Data(envelope.canonicalJSON).write(to: url)
            envelopes.append(url.path)
        }
        #expect(!envelopes.isEmpty)
        for (files, schema) in [(statements, "statement.schema.json"), (envelopes, "envelope.schema.json")] {
            let verdicts: [String: SchemaCheck.Verdict]
            switch SchemaCheck.run(files, schema: schema) {
            case .success(let v): verdicts = v
            case .failure(let failure):
                Issue.record(Comment(rawValue: failure.description))
                return
            }
            for file in files {
                let name = URL(fileURLWithPath: file).lastPathComponent
                switch verdicts[file] {
                case .valid?: break
                case .invalid(let why)?: Issue.record("\(name) against \(schema): invalid: \(why)")
                case nil: Issue.record("\(name) against \(schema): tools/schema_check.py printed no verdict")
                }
            }
        }
    }

    @Test("the EPCIS 2.0 standard's example events get the same verdict from Swift and from the schema")
    func epcisStandardExamples() throws {
        // Every event of every example document in shared/vectors/epcis/examples, standing alone
        // with its document's @context, as `assay import epcis` splits them.
        let dir = URL(fileURLWithPath: Fixtures.tempDir(), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var events: [(path: String, label: String, swift: SwiftVerdict)] = []
        for file in try Vectors.files(under: "epcis/examples", ext: "jsonld") {
            let document = try EPCISDocument(bytes: try Vectors.bytes(file))
            for (index, event) in document.events.enumerated() {
                let json = event.serialized
                let url = dir.appendingPathComponent("event-\(events.count).json")
                try Data(json.utf8).write(to: url)
                events.append((url.path, "\(file) event \(index)", swiftVerdict(Array(json.utf8))))
            }
        }
        #expect(events.count >= 20, "only \(events.count) events in \(Vectors.directory.path)/epcis/examples")
        guard case .success(let verdicts) = SchemaCheck.run(events.map(\.path), schema: "statement.schema.json") else { return }
        for event in events {
            switch (event.swift, verdicts[event.path]) {
            case (.valid(let a), .valid(let b)?):
                #expect(a == b, "\(event.label): Swift reads it as \(a), the schema as \(b)")
            case (.invalid, .invalid?):
                break
            case (.invalid(let error), .valid?) where error.message.contains("check digit"):
                break // beyond JSON Schema
            case (let swift, let schema):
                Issue.record("\(event.label): Swift says \(swift), the schema says \(schema.map { "\($0)" } ?? "nothing")")
            }
        }
    }

    @Test("null counts as an absent optional member, in Swift and in the schemas alike")
    func nullMembers() throws {
        // (example, member set to null, whether the statement stays valid). An optional member
        // that is null reads as absent; a required member that is null is missing; an assay:
        // extension member must not be null.
        let cases: [(example: String, member: String, valid: Bool)] = [
            ("SupplyChainEvent-1", "disposition", true), ("SupplyChainEvent-1", "destinationList", true),
            ("Correction-1", "eventID", true), ("LedgerGenesis-1", "operatorName", true),
            ("KeyRevocation-1", "replacementKey", true), ("ManufacturingStep-1", "bizLocation", true),
            ("PartyRegistration-1", "validUntil", true), ("LifecycleCommitment-1", "dismantlingInformation", true),
            // Nulling these turns the event into one that leaves out a fact Assay's principles need
            // (a first assembly without a date of manufacture, an origin without a facility): EPCIS
            // 2.0 accepts it, so Assay does too, and judges the missing fact at audit time.
            ("GenericEvent-1", "data", true), ("SupplyChainEvent-2", "bizStep", true),
            ("Correction-2", "errorDeclaration", true), ("ComponentOrigin-1", "bizLocation", true),
            // Required by EPCIS 2.0 itself: null is missing.
            ("SupplyChainEvent-1", "action", false), ("ComponentOrigin-1", "eventTimeZoneOffset", false),
            ("ProductAssembly-1", "parentID", false), ("LedgerGenesis-1", "eventTime", false),
            ("ProductAssembly-1", "assay:gtin", false), ("EndOfLife-1", "assay:endOfLifeStatus", false),
        ]
        let dir = URL(fileURLWithPath: Fixtures.tempDir(), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [(path: String, label: String, valid: Bool, swift: SwiftVerdict)] = []
        for (index, c) in cases.enumerated() {
            let file = SchemaPaths.examples.appendingPathComponent("valid/\(c.example).json")
            guard case .object(var fields) = try JSONValue.parse([UInt8](Data(contentsOf: file))) else {
                Issue.record("\(c.example) is not an object")
                continue
            }
            #expect(fields[c.member] != nil, "\(c.example) has no member \(c.member)")
            fields[c.member] = .null
            let json = JSONValue.object(fields).serialized
            let url = dir.appendingPathComponent("null-\(index).json")
            try Data(json.utf8).write(to: url)
            files.append((url.path, "\(c.example) with \"\(c.member)\": null", c.valid, swiftVerdict(Array(json.utf8))))
        }
        for f in files {
            switch f.swift {
            case .valid where !f.valid: Issue.record("\(f.label): Swift accepts it")
            case .invalid(let e) where f.valid: Issue.record("\(f.label): Swift refuses it: \(e)")
            default: break
            }
        }
        guard case .success(let verdicts) = SchemaCheck.run(files.map(\.path), schema: "statement.schema.json") else { return }
        for f in files {
            switch verdicts[f.path] {
            case .valid? where !f.valid: Issue.record("\(f.label): the schema accepts it")
            case .invalid(let why)? where f.valid: Issue.record("\(f.label): the schema refuses it: \(why)")
            case nil: Issue.record("\(f.label): tools/schema_check.py printed no verdict")
            default: break
            }
        }
    }

    // MARK: - Helpers

    enum SwiftVerdict: CustomStringConvertible {
        case valid(String)
        case invalid(ModelError)

        var description: String {
            switch self {
            case .valid(let kind): "valid (\(kind))"
            case .invalid(let error): "invalid: \(error)"
            }
        }
    }

    func swiftVerdict(_ bytes: [UInt8]) -> SwiftVerdict {
        do {
            return .valid(try Statement.decode(bytes).kind.rawValue)
        } catch {
            return .invalid(error)
        }
    }
}

/// Where the package's schemas, examples and tool are, found from this file's path:
/// `<root>/Tests/AssaySchemaTests/SchemaAgreementTests.swift`.
enum SchemaPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // AssaySchemaTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // package root
    static let schemas = packageRoot.appendingPathComponent("Schemas", isDirectory: true)
    static let examples = schemas.appendingPathComponent("examples", isDirectory: true)
    static let tool = packageRoot.appendingPathComponent("tools/schema_check.py")
}

/// Runs `tools/schema_check.py` (the JSON Schema side) as a subprocess.
enum SchemaCheck {
    /// The schema's verdict on one file.
    enum Verdict: Sendable, CustomStringConvertible {
        /// Valid, as the statement kind the schema matched (`-` when it matched none).
        case valid(String)
        /// Invalid, with the tool's message.
        case invalid(String)

        var description: String {
            switch self {
            case .valid(let kind): "valid (\(kind))"
            case .invalid(let why): "invalid: \(why)"
            }
        }
    }

    /// Why the schema side could not run.
    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// The verdicts on every example, from one run of the tool over all of them.
    static let examples: Result<[String: Verdict], Failure> =
        run(SchemaAgreementTests.examples.map(\.url.path), schema: "statement.schema.json")

    /// A python3 that can import jsonschema: `$ASSAY_PYTHON`, then `python3` on the PATH, then
    /// `/usr/bin/python3` (where Debian's python3-jsonschema installs).
    static let python: Result<String, Failure> = {
        var candidates: [String] = []
        if let p = ProcessInfo.processInfo.environment["ASSAY_PYTHON"], !p.isEmpty { candidates.append(p) }
        candidates += ["python3", "/usr/bin/python3"]
        var tried: [String] = []
        for candidate in candidates {
            switch execute(candidate, ["-c", "import jsonschema, jsonschema.validators; jsonschema.Draft202012Validator"]) {
            case .success(let r) where r.status == 0: return .success(candidate)
            case .success(let r): tried.append("\(candidate): \(r.stderr.split(separator: "\n").last ?? "exit \(r.status)")")
            case .failure(let e): tried.append("\(candidate): \(e)")
            }
        }
        return .failure(Failure(description: """
            no python3 with the jsonschema package (4.10 or later) was found, so the schema side of the agreement test \
            cannot run: install python3-jsonschema (apt-get install python3-jsonschema) or pip install jsonschema, \
            or set ASSAY_PYTHON to such an interpreter. Tried: \(tried.joined(separator: "; "))
            """))
    }()

    /// Validates `files` against `Schemas/<schema>` in one run of the tool.
    static func run(_ files: [String], schema: String) -> Result<[String: Verdict], Failure> {
        let python: String
        switch Self.python {
        case .success(let p): python = p
        case .failure(let f): return .failure(f)
        }
        let result: (status: Int32, stdout: String, stderr: String)
        switch execute(python, [SchemaPaths.tool.path, "--kind", "--schema", schema] + files) {
        case .success(let r): result = r
        case .failure(let f): return .failure(f)
        }
        guard result.status == 0 else {
            return .failure(Failure(description: "tools/schema_check.py exited with \(result.status): \(result.stderr)"))
        }
        var verdicts: [String: Verdict] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { continue }
            switch parts[1] {
            case "valid": verdicts[parts[0]] = .valid(parts.count > 2 ? parts[2] : "-")
            case "invalid": verdicts[parts[0]] = .invalid(parts.count > 2 ? parts[2] : "")
            default: return .failure(Failure(description: "tools/schema_check.py printed an unexpected line: \(line)"))
            }
        }
        return .success(verdicts)
    }

    /// Runs `program` (a path, or a name looked up on the PATH) with `arguments`.
    static func execute(_ program: String, _ arguments: [String]) -> Result<(status: Int32, stdout: String, stderr: String), Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.currentDirectoryURL = SchemaPaths.packageRoot
        let stdout = Pipe()
        // stderr goes to a file so that neither pipe can fill up while the other is read.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("schema-check-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        do {
            let stderr = try FileHandle(forWritingTo: errorFile)
            defer { try? stderr.close() }
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch {
            return .failure(Failure(description: "cannot run \(program): \(error)"))
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let err = (try? Data(contentsOf: errorFile)) ?? Data()
        return .success((process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self)))
    }
}
