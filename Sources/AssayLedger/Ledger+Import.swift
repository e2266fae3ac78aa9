public import AssayCrypto
import AssayModel
public import AssayLog
import AssayVerify

extension Ledger {
    /// Imports an EPCIS 2.0 document (JSON-LD): signs each event with `signer` and appends them
    /// all in one transaction. What is signed is decided before anything is signed: EPCIS events
    /// only (`EPCISDocument.importablePayloads`), never Assay's own kinds, and never with the
    /// operator's key, which signs only genesis, registrations, revocations and checkpoints.
    /// - Parameter label: names the document in messages (`events.jsonld event 3`).
    /// - Throws: `LedgerError(.rejected)` naming the problem; nothing is appended.
    public func importEPCIS(_ document: [UInt8], signer: NamedSigningKey, label: String,
                            progress: ((UInt64) -> Void)? = nil) throws -> [AppendOutcome] {
        let payloads: [[UInt8]]
        do { payloads = try EPCISDocument(bytes: document).importablePayloads() } catch {
            throw LedgerError(.rejected, "\(label): \(error.description)")
        }
        let registry = try currentRegistry()
        let operatorKey = registry.operatorKey?.verifierKey
        if signer.keyReference.description == registry.operatorReference || operatorKey?.publicKey == signer.key.publicKey {
            throw LedgerError(.rejected, "the ledger operator's key signs only genesis, registrations, revocations and checkpoints; import with the key of the party whose events these are")
        }
        let items: [AppendItem] = payloads.enumerated().map { i, payload in
            .init(label: "\(label) event \(i + 1)", bytes: Envelope.sign(payload: payload, with: signer).canonicalJSON)
        }
        return try appendDetailed(items, progress: progress)
    }

    /// Streams the stored records from `seq` on, in order; stop when `body` returns false.
    public func forEachRecord(from seq: UInt64 = 0, _ body: (StoredRecord) throws -> Bool) throws {
        try mapStoreErrors { try store.forEachRecord(from: seq, through: nil, body) }
    }

    /// How many witness cosignatures are stored for the checkpoint of `size`.
    public func cosignatureCount(size: UInt64) throws -> Int {
        try mapStoreErrors { try store.cosignatures(size: size).count }
    }
}
