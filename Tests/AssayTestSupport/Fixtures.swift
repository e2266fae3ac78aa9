public import AssayCrypto
public import AssayLedger
public import AssayModel
import Foundation

/// Deterministic keys and small ledgers for tests.
public enum Fixtures {
    /// A named key from a fixed seed byte (deterministic across runs).
    public static func key(_ name: String, seed: UInt8, witness: Bool = false) -> NamedSigningKey {
        try! NamedSigningKey(name: name, key: SigningKey(seed: [UInt8](repeating: seed, count: 32)),
                             type: witness ? .cosignatureV1 : .ed25519)
    }

    public static let operatorKey = key("test.example/operator", seed: 1)
    public static let supplierKey = key("supplier.example", seed: 2)
    public static let manufacturerKey = key("maker.example", seed: 3)
    public static let strangerKey = key("stranger.example", seed: 4)
    public static let witnessKey = key("witness.example", seed: 5, witness: true)

    /// A fresh temporary directory.
    public static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "assay-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A fixed time: 2026-11-20T10:00:00Z plus `offset` milliseconds.
    public static func time(_ offset: Int64 = 0) -> Int64 { 1_795_168_800_000 + offset }

    /// The envelope bytes of `statement` signed by `key`.
    public static func envelope(_ statementJSON: String, by key: NamedSigningKey) -> [UInt8] {
        Envelope.sign(payload: Array(statementJSON.utf8), with: key).canonicalJSON
    }

    /// A registration of `key` with `roles`, signed by the operator.
    public static func registration(of key: NamedSigningKey, roles: [Role], partyId: String? = nil,
                                    by signer: NamedSigningKey = operatorKey) -> [UInt8] {
        let reg = PartyRegistration(partyId: partyId ?? "urn:assay-test:party:\(key.name)", legalName: key.name, roles: roles,
                                    publicKey: key.verifierKey.description, eventTime: Timestamp(epochMillis: time()))
        return envelope(reg.json, by: signer)
    }

    /// A revocation of `key`'s reference, signed by `signer`.
    public static func revocation(of key: NamedSigningKey, reason: KeyRevocation.Reason = .superseded,
                                  effective: Int64 = time(), by signer: NamedSigningKey = operatorKey) -> [UInt8] {
        let r = KeyRevocation(revokedKey: "\(key.name)+\(key.keyID.hex)", reason: reason,
                              effectiveTime: Timestamp(epochMillis: effective), eventTime: Timestamp(epochMillis: time()))
        return envelope(r.json, by: signer)
    }

    /// A generic event statement about `subject`.
    public static func event(_ n: Int, subject: String? = nil) -> String {
        "{\"type\":\"GenericEvent\",\"subject\":\"\(subject ?? "https://id.gs1.org/01/04012345000016/21/SN\(n)")\",\"action\":\"inspected\",\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
    }

    /// A ledger at `path` (`:memory:` allowed) with the supplier and manufacturer registered
    /// and `events` generic events by the supplier. Times are fixed.
    public static func ledger(at path: String, events: Int = 0) throws -> Ledger {
        let l = try Ledger.create(at: path, origin: "test.example/ledger", operatorKey: operatorKey, now: time())
        l.clock = { time(1000) }
        try l.append([
            .init(label: "reg supplier", bytes: registration(of: supplierKey, roles: [.supplier])),
            .init(label: "reg maker", bytes: registration(of: manufacturerKey, roles: [.manufacturer])),
        ])
        if events > 0 {
            try l.append((0..<events).map { .init(label: "event \($0)", bytes: envelope(event($0), by: supplierKey)) })
        }
        return l
    }
}
