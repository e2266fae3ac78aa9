import AssayCrypto
import AssayModel
import AssayStore
import AssayVerify
import Dispatch
import Foundation

/// Signature results filled in by background workers, chunk by chunk.
private final class SignatureResults: @unchecked Sendable {
    let chunkSize: Int
    let ready: [DispatchSemaphore]
    /// For each entry: the key reference its signature was checked against, and the verdict.
    var checked: [(ref: String, valid: Bool)?]

    init(count: Int, chunkSize: Int) {
        self.chunkSize = chunkSize
        self.ready = (0..<((count + chunkSize - 1) / chunkSize)).map { _ in DispatchSemaphore(value: 0) }
        self.checked = Array(repeating: nil, count: count)
    }
}

extension Ledger {
    /// Entries per pipeline chunk: signatures of chunk k+1 are checked while chunk k is written.
    static let pipelineChunk = 256

    /// The append path. Outside the write lock: parse every envelope and statement (all
    /// cores), resolve each signer against the registry as committed so far, and start checking
    /// signatures (all cores) chunk by chunk. Inside the lock (`BEGIN IMMEDIATE`): bring the
    /// registry up to date, authorise each entry at its real position, and write each chunk as
    /// soon as its signatures are checked — so signature work overlaps the SQLite writes, and
    /// the lock is held only for the writes. An entry whose signer resolves differently inside
    /// the lock (a registration or revocation committed meanwhile) is re-checked there.
    func pipelinedAppend(_ items: [AppendItem], now: Int64?, progress: ((UInt64) -> Void)? = nil) throws -> [StoredRecord] {
        // 1. Parse, and prepare what the write needs (canonical bytes, normalised subjects), on all cores.
        let parsed = items.map(\.bytes).concurrentMap(minimumChunk: 32) { bytes -> Result<(EntryChecker.Parsed, [UInt8], [String]), Registry.Rejection> in
            EntryChecker.parse(bytes, requireCanonical: false).map { ($0, $0.envelope.canonicalJSON, $0.statement.subjects) }
        }
        var entries: [EntryChecker.Parsed] = []
        var prepared: [(canonical: [UInt8], subjects: [String])] = []
        entries.reserveCapacity(items.count)
        prepared.reserveCapacity(items.count)
        let base = try mapStoreErrors { try store.size() }
        for (i, p) in parsed.enumerated() {
            switch p {
            case .success(let (e, canonical, subjects)):
                entries.append(e)
                prepared.append((canonical, subjects))
            case .failure(let r): throw LedgerError(.rejected, "\(items[i].label): \(r.message) (would be seq \(base + UInt64(i)))")
            }
        }
        // 2. Resolve signers against the committed registry (tentatively, outside the lock).
        try mapStoreErrors { try refreshRegistry() }
        var scratch = registry
        let time0 = now ?? clock()
        var keys: [RegisteredKey?] = []
        keys.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() {
            let seq = base + UInt64(i)
            if case .success(let key) = scratch.authorize(seq: seq, statement: e.statement, signerReference: e.envelope.signatures[0].keyID,
                                                           appendedAtMillis: time0) {
                scratch.apply(seq: seq, statement: e.statement, signer: key)
                keys.append(key)
            } else {
                keys.append(nil)
            }
        }
        // 3. Check signatures in the background, chunk by chunk.
        let results = SignatureResults(count: entries.count, chunkSize: Self.pipelineChunk)
        let group = DispatchGroup()
        let work = zip(entries, keys).map { ($0.0.envelope, $0.1) }
        DispatchQueue.global(qos: .userInitiated).async(group: group) {
            for (c, sem) in results.ready.enumerated() {
                let lo = c * results.chunkSize, hi = min(lo + results.chunkSize, work.count)
                let verdicts = Array(work[lo..<hi]).concurrentMap(minimumChunk: 16) { env, key -> (ref: String, valid: Bool)? in
                    guard let key else { return nil }
                    return (key.reference, env.isValidSignature(at: 0, by: key.verifierKey.publicKey))
                }
                for (k, v) in verdicts.enumerated() { results.checked[lo + k] = v }
                sem.signal()
            }
        }
        // Whatever happens below, the workers finish before `work` goes away.
        defer { group.wait() }

        // 4. Under the lock: authorise at the real positions and write, chunk by chunk.
        let (records, reg, lastSeq) = try mapStoreErrors {
            try store.write { tx -> ([StoredRecord], Registry, Int64) in
                try refreshRegistry()
                let time = max(time0, tx.lastAppendedAtMillis)
                var reg = registry
                var out: [StoredRecord] = []
                out.reserveCapacity(entries.count)
                for (c, sem) in results.ready.enumerated() {
                    sem.wait()
                    let lo = c * results.chunkSize, hi = min(lo + results.chunkSize, entries.count)
                    for i in lo..<hi {
                        let e = entries[i]
                        let seq = tx.size
                        let ref = e.envelope.signatures[0].keyID
                        let key: RegisteredKey
                        switch reg.authorize(seq: seq, statement: e.statement, signerReference: ref, appendedAtMillis: time) {
                        case .failure(let r):
                            throw LedgerError(.rejected, "\(items[i].label): \(r.message) (would be seq \(seq))")
                        case .success(let k):
                            key = k
                        }
                        let valid: Bool
                        if let pre = results.checked[i], pre.ref == key.reference {
                            valid = pre.valid
                        } else {
                            valid = e.envelope.isValidSignature(at: 0, by: key.verifierKey.publicKey)
                        }
                        guard valid else {
                            throw LedgerError(.rejected, "\(items[i].label): signature by \(key.reference) does not verify (would be seq \(seq))")
                        }
                        reg.apply(seq: seq, statement: e.statement, signer: key)
                        out.append(try tx.append(envelope: prepared[i].canonical, kind: e.statement.kind.rawValue,
                                                 signer: ref, subjects: prepared[i].subjects, now: time))
                    }
                    progress?(UInt64(hi))
                }
                return (out, reg, Int64(tx.size) - 1)
            }
        }
        // Only a committed batch updates the cached registry.
        registry = reg
        registrySeq = lastSeq
        return records
    }
}
