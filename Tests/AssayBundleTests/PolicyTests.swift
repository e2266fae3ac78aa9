import AssayCrypto
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

@Suite("Audit policies")
struct PolicyTests {
    static func parse(_ json: String) throws(ModelError) -> AuditPolicy { try AuditPolicy(json: Array(json.utf8)) }

    @Test("a policy with only its type is the default policy")
    func minimalIsDefault() throws {
        #expect(try Self.parse(#"{"type":"AuditPolicy"}"#) == .default)
        #expect(try Self.parse(#"{"type":"AuditPolicy","name":null,"writePolicy":null}"#) == .default, "null counts as absent")
    }

    @Test("every member is read")
    func fullPolicy() throws {
        let p = try Self.parse("""
        {"type":"AuditPolicy","name":"trust-mark-2030","minimumSupportYears":8,"requireSpareParts":false,
         "requireFirmwareDigest":true,"requireSoftwareBOM":false,
         "requiredPrinciples":["integrity","provenance","hardware-software-security"],
         "writePolicy":{"ComponentOrigin":["supplier","manufacturer"],"EndOfLife":["recycler"]}}
        """)
        #expect(p.name == "trust-mark-2030")
        #expect(p.minimumSupportYears == 8)
        #expect(!p.requireSpareParts && p.requireFirmwareDigest && !p.requireSoftwareBOM)
        #expect(p.requiredPrinciples == [.integrity, .provenance, .security])
        #expect(p.writePolicy.allowed[.componentOrigin] == [.supplier, .manufacturer])
        #expect(p.writePolicy.allowed[.endOfLife] == [.recycler])
        // Kinds left out keep the default roles.
        #expect(p.writePolicy.allowed[.manufacturingStep] == WritePolicy.default.allowed[.manufacturingStep])
        #expect(p.writePolicy.allowed[.partyRegistration] == [.operator])
    }

    static let invalid: [(String, String)] = [
        (#"{}"#, "type"),
        (#"{"type":"Policy"}"#, "type"),
        (#"{"type":"AuditPolicy","minimumSupportYears":5.5}"#, "minimumSupportYears"),
        (#"{"type":"AuditPolicy","minimumSupportYears":-1}"#, "minimumSupportYears"),
        (#"{"type":"AuditPolicy","minimumSupportYears":101}"#, "minimumSupportYears"),
        (#"{"type":"AuditPolicy","minimumSupportYears":"5"}"#, "minimumSupportYears"),
        (#"{"type":"AuditPolicy","requireSpareParts":"yes"}"#, "requireSpareParts"),
        (#"{"type":"AuditPolicy","requiredPrinciples":["integrity","safety"]}"#, "requiredPrinciples[1]"),
        (#"{"type":"AuditPolicy","writePolicy":{"Origin":["supplier"]}}"#, "writePolicy.Origin"),
        (#"{"type":"AuditPolicy","writePolicy":{"ComponentOrigin":["vendor"]}}"#, "writePolicy.ComponentOrigin[0]"),
        (#"{"type":"AuditPolicy","writePolicy":{"ComponentOrigin":"supplier"}}"#, "writePolicy.ComponentOrigin"),
        (#"{"type":"AuditPolicy","minimumSupportYear":5}"#, "minimumSupportYear"),
        (#"{"type":"AuditPolicy","name":"a","name":"b"}"#, "name"),
        (#"{"type":"AuditPolicy","extends":"battery-passport"}"#, "extends"),
        (#"{"type":"AuditPolicy","requiredFacts":[{"name":"x","article":"Art. 1","principle":"integrity","anyOf":[{"path":"a"}]}]}"#, "requiredFacts[0].principle"),
        (#"{"type":"AuditPolicy","requiredFacts":[{"name":"x","article":"Art. 1","principle":"lifecycle","anyOf":[]}]}"#, "requiredFacts[0].anyOf"),
        (#"{"type":"AuditPolicy","requiredFacts":[{"name":"x","article":"Art. 1","principle":"lifecycle","anyOf":[{"path":"a[0].b"}]}]}"#, "requiredFacts[0].anyOf[0].path"),
        (#"{"type":"AuditPolicy","requiredFacts":[{"name":"x","article":"Art. 1","principle":"lifecycle","anyOf":[{"kind":"Origin","path":"a"}]}]}"#, "requiredFacts[0].anyOf[0].kind"),
        (#"{"type":"AuditPolicy","requiredFacts":[{"name":"","article":"Art. 1","principle":"lifecycle","anyOf":[{"path":"a"}]}]}"#, "requiredFacts[0].name"),
        (#"{"type":"AuditPolicy","requiredFacts":[{"name":"x","principle":"lifecycle","anyOf":[{"path":"a"}]}]}"#, "requiredFacts[0].article"),
        (#"{"type":"AuditPolicy","requiredFacts":[{"name":"x","article":"A","principle":"lifecycle","anyOf":[{"path":"a","values":"b"}]}]}"#, "requiredFacts[0].anyOf[0].values"),
    ]

    @Test("invalid policies are refused, naming the field", arguments: invalid)
    func invalidPolicy(_ json: String, field: String) {
        let error = #expect(throws: ModelError.self) { try Self.parse(json) }
        #expect(error?.field == field, "\(String(describing: error))")
    }

    @Test("the policy schema accepts exactly what the policy parser accepts",
          .enabled(if: PythonJSONSchema.available, "needs python3 with the jsonschema package"))
    func schemaMatchesParser() throws {
        let valid = [
            #"{"type":"AuditPolicy"}"#,
            #"{"type":"AuditPolicy","name":null,"minimumSupportYears":null,"requiredPrinciples":null,"writePolicy":null}"#,
            #"{"type":"AuditPolicy","name":"","minimumSupportYears":0}"#,
            #"{"type":"AuditPolicy","minimumSupportYears":100,"requiredPrinciples":[]}"#,
            #"{"type":"AuditPolicy","minimumSupportYears":5.0}"#,
            #"{"type":"AuditPolicy","requiredPrinciples":["privacy-data-governance","interoperability","integrity","integrity"]}"#,
            #"{"type":"AuditPolicy","writePolicy":{}}"#,
            #"{"type":"AuditPolicy","writePolicy":{"SupplyChainEvent":[],"LedgerGenesis":["operator"],"Correction":["auditor","auditor"]}}"#,
            #"{"type":"AuditPolicy","name":"x","minimumSupportYears":7,"requireSpareParts":true,"requireFirmwareDigest":false,"requireSoftwareBOM":true}"#,
            #"{"type":"AuditPolicy","extends":"cra-psti","requiredFacts":null}"#,
            #"{"type":"AuditPolicy","extends":null,"requiredFacts":[]}"#,
            #"{"type":"AuditPolicy","requiredFacts":[{"name":"carbon footprint","article":"Art. 7(1)","principle":"provenance","anyOf":[{"kind":"LifecycleCommitment","aspect":"carbonFootprint","path":"data.batteryCarbonFootprint","value":"12.5"},{"path":"ilmd.assay:firmware"}]}]}"#,
        ]
        let invalid = Self.invalid.map(\.0).filter { !$0.contains(#""name":"a","name":"b""#) } // duplicate names: a rule of the JSON text, not the schema
            + [#"[]"#, #"{"type":null}"#, #"{"type":"AuditPolicy","requiredPrinciples":"integrity"}"#,
               #"{"type":"AuditPolicy","writePolicy":{"ComponentOrigin":null}}"#, #"{"type":"AuditPolicy","requireSoftwareBOM":1}"#]
        for d in valid { #expect(throws: Never.self, "\(d)") { _ = try Self.parse(d) } }
        for d in invalid { #expect(throws: ModelError.self, "\(d)") { _ = try Self.parse(d) } }
        let verdicts = try PythonJSONSchema.validate(valid + invalid, schema: "policy.schema.json")
        #expect(verdicts == valid.map { _ in true } + invalid.map { _ in false },
                "schema disagrees on: \(zip(valid + invalid, verdicts).filter { ($0.1) != valid.contains($0.0) }.map(\.0))")
    }
}
