public import AssayCrypto
public import AssayLog
public import AssayModel

/// A stored record as a verifier sees it: every field as stored, nothing trusted. The one
/// record row type (`StoredRecord`, in AssayLog), shared with the storage backends.
public typealias RecordRow = StoredRecord

/// One row of a ledger's subject index, as stored.
public struct SubjectRow: Sendable, Equatable {
    /// The sequence number as stored (a tampered index may hold a negative one).
    public let seq: Int64
    public let subject: String
    /// Whether the row has the declared column types (integer `seq`, text `subject`); a row
    /// that does not can never be found by a subject lookup, or names no record.
    public let welltyped: Bool

    public init(seq: Int64, subject: String, welltyped: Bool = true) {
        self.seq = seq
        self.subject = subject
        self.welltyped = welltyped
    }
}

/// A forward cursor over the subject index ordered by sequence number, then subject.
public protocol SubjectRowCursor: AnyObject {
    /// The next row, or nil at the end.
    func next() throws -> SubjectRow?
}

/// Where a full verification reads a ledger from. AssayVerify never imports the store:
/// anything that can list records, stored tree nodes, checkpoints, the subject index and
/// metadata can be verified.
public protocol LedgerSource {
    /// Streams every record in stored order (by `seq`); stop when `body` returns false.
    func forEachRow(_ body: (RecordRow) throws -> Bool) throws
    /// Streams the stored interior tree nodes of `level` (≥ 1) in index order.
    func storedNodes(level: UInt8) throws -> any IteratorProtocol<(index: UInt64, hash: [UInt8])>
    /// The raw stored id (`level << 56 | index`) of the first stored node, by id, whose level is
    /// not in `levels` (nil: the first node of all); nil when there is none.
    func firstStoredNode(outside levels: ClosedRange<UInt8>?) throws -> Int64?
    /// The stored checkpoint notes with the size each is stored under, as stored (a tampered
    /// row may hold a negative size).
    func checkpointNotes() throws -> [(size: Int64, note: [UInt8])]
    /// Every metadata entry, as stored.
    func metadata() throws -> [(key: String, value: String)]
    /// The subject index, ordered by sequence number then subject, streamed.
    func subjectRows() throws -> any SubjectRowCursor
    /// Problems with the container itself (a missing or altered append-only trigger, a record
    /// row outside the sequence): each one fails verification.
    func containerProblems() throws -> [String]
    /// Streams only the registry records (genesis, registrations, revocations), in order:
    /// read before the main walk so that entries signed after a key's compromise time can
    /// be flagged even though the revocation comes later.
    func forEachRegistryRow(_ body: (RecordRow) throws -> Void) throws
}

/// The outcome of verifying a whole ledger.
public struct LedgerReport: Sendable {
    /// Records walked.
    public var entries: UInt64 = 0
    /// Distinct signing keys registered (operator included).
    public var signers: Int = 0
    /// Chain hash of the last record.
    public var headHash: Digest = .zero
    /// Merkle root recomputed from every leaf.
    public var root: Digest = Merkle.emptyRoot
    /// The ledger origin from genesis.
    public var origin: String?
    /// Stored checkpoints whose signature, root and chain head were checked.
    public var checkpointsChecked: Int = 0
    /// Stored interior tree nodes compared with the recomputed ones.
    public var nodesChecked: UInt64 = 0
    /// The first failure; nil when the ledger verifies.
    public var failure: Finding?
    /// Things worth an auditor's attention that do not break integrity.
    public var warnings: [Finding] = []

    public var ok: Bool { failure == nil }
}

/// Walks a whole ledger: recomputes every leaf and chain hash, checks sequence numbers,
/// times, envelopes, statements, signers and signatures, recomputes the Merkle tree and
/// compares it with the stored nodes and every stored checkpoint. Memory stays
/// O(batch + log n): records are streamed.
public struct LedgerVerifier {
    public var policy: WritePolicy
    /// Records per chunk handed to the background threads.
    public var batchSize: Int
    /// Called after each chunk with the number of entries done.
    public var progress: ((UInt64) -> Void)?

    public init(policy: WritePolicy = .default, batchSize: Int = 256, progress: ((UInt64) -> Void)? = nil) {
        self.policy = policy
        self.batchSize = batchSize
        self.progress = progress
    }

    /// What the background threads compute for one stored record: everything that needs no
    /// ledger state.
    struct Prepared: Sendable {
        let row: RecordRow
        let leaf: Digest
        let parsed: Result<EntryChecker.Parsed, Registry.Rejection>
        let signature: EntryChecker.SignatureCheck?
        /// `Statement.subjects` of the parsed statement: exactly what the store indexes the
        /// record under at append.
        let subjects: [String]
    }

    /// The metadata a ledger holds, exactly (`format` and `origin`), given its genesis origin.
    public static func expectedMetadata(origin: String) -> [(key: String, value: String)] {
        [("format", "assay-ledger"), ("origin", origin)]
    }

    /// Verifies `source`. Throws only for I/O; what is wrong comes back in the report.
    ///
    /// Records stream through an `OrderedPipeline`: background threads recompute each leaf
    /// hash, parse the envelope and statement, and check the signature against the key its
    /// reference names in the registry entries (read ahead); this thread reads the records
    /// and, in order, checks sequence, hashes, time, authorisation, tree and checkpoints. A
    /// signature checked ahead against a key other than the one authorisation resolves is
    /// checked again in order, so the read-ahead can only save work, never change a verdict.
    public func verify(_ source: some LedgerSource, externalCheckpoints: [[UInt8]] = []) throws -> LedgerReport {
        var report = LedgerReport()
        var registry = Registry(policy: policy)
        var range = CompactRange()
        var chain = Digest.zero
        var expectedSeq: UInt64 = 0
        var lastTime: Int64 = .min
        var failure: Finding? = nil
        var nodeCursors: [UInt8: any IteratorProtocol<(index: UInt64, hash: [UInt8])>] = [:]
        var checkpoints: [(size: UInt64, note: [UInt8], external: Bool)] = []
        for row in try source.checkpointNotes() {
            guard row.size >= 0 else {
                report.failure = Finding(.checkpoint, seq: nil, "a checkpoint row is stored under tree size \(row.size), which is negative")
                return report
            }
            checkpoints.append((UInt64(row.size), row.note, false))
        }
        // Checkpoints from outside (an auditor's, a witness's): same checks, keyed by the size they claim.
        for note in externalCheckpoints {
            let c: Checkpoint
            do {
                c = try Checkpoint(parsing: try SignedNote(parsing: note).text, extensions: .assayLedger)
            } catch {
                report.failure = Finding(.checkpoint, seq: nil, "a given checkpoint is not a well-formed Assay checkpoint note: \(error.message)")
                return report
            }
            checkpoints.append((c.size, note, true))
        }
        checkpoints.sort { $0.size < $1.size }
        var cpIndex = 0
        var compromised: [String: (effective: Int64, revokedAt: UInt64)] = [:]

        // Read now, reported after the walk: a finding that names a record is more useful than
        // the missing trigger that let the edit through.
        let containerProblems = try source.containerProblems()
        let subjectCursor = try source.subjectRows()
        var pendingSubject = try subjectCursor.next()
        var indexed: [String] = []

        // The registry entries, read ahead: compromise revocations (so that entries signed
        // after a key's compromise time can be flagged though the revocation comes later), and
        // the keys that signatures can be checked against in the background. They are verified
        // in the main walk like any entry.
        var keysAhead: [String: PublicKey] = [:]
        try source.forEachRegistryRow { row in
            guard let env = try? Envelope(json: row.envelope), let st = try? Statement.decode(env.payload) else { return }
            var key: String? = nil
            switch st {
            case .keyRevocation(let r) where r.reason == .compromise:
                // The earliest compromise time wins (FORMAT.md §8), as in `Registry.compromise`;
                // a revocation the registry refuses fails the walk at its own seq anyway.
                if compromised[r.revokedKey].map({ r.effectiveTime.epochMillis < $0.effective }) ?? true {
                    compromised[r.revokedKey] = (r.effectiveTime.epochMillis, row.seq)
                }
            case .ledgerGenesis(let g): key = g.operatorKey
            case .partyRegistration(let p): key = p.publicKey
            default: break
            }
            if let key, let vk = try? VerifierKey(parsing: key), keysAhead[vk.reference] == nil {
                keysAhead[vk.reference] = vk.publicKey
            }
        }

        func checkCheckpoints(atSize size: UInt64, chain: Digest) {
            while failure == nil, cpIndex < checkpoints.count, checkpoints[cpIndex].size <= size {
                let cp = checkpoints[cpIndex]
                cpIndex += 1
                if cp.size < size { continue } // size 0 handled before the walk
                failure = checkCheckpoint(cp, size: size, root: range.root, chain: chain, registry: registry)
                if failure == nil { report.checkpointsChecked += 1 }
            }
        }

        func appendLeaf(_ leaf: Digest, seq: UInt64) throws -> Finding? {
            var mismatch: Finding? = nil
            try range.append(leaf) { id, hash in
                guard mismatch == nil else { return }
                if nodeCursors[id.level] == nil { nodeCursors[id.level] = try source.storedNodes(level: id.level) }
                guard let stored = nodeCursors[id.level]!.next() else {
                    mismatch = Finding(.merkle, seq: seq, "tree node \(id) is missing from the ledger")
                    return
                }
                report.nodesChecked += 1
                if stored.index != id.index || !hash.matches(stored.hash) {
                    mismatch = Finding(.merkle, seq: seq, "stored tree node \(id) does not match the records",
                                       expected: hash.hex, found: stored.index == id.index ? Hex.encode(stored.hash) : "node (\(id.level), \(stored.index))")
                }
            }
            return mismatch
        }

        /// Compares the subject index rows for `seq` (the cursor's next rows) with `expected`.
        func checkSubjects(seq: UInt64, expected: [String]) throws -> Finding? {
            indexed.removeAll(keepingCapacity: true)
            while let row = pendingSubject {
                if let bad = misfiledSubject(row, below: seq) { return bad }
                guard row.seq == Int64(seq) else { break }
                indexed.append(row.subject)
                pendingSubject = try subjectCursor.next()
            }
            if indexed.count == expected.count && (expected.count <= 1 ? indexed == expected : Set(indexed) == Set(expected)) {
                return nil
            }
            let stored = Set(indexed)
            if let missing = expected.first(where: { !stored.contains($0) }) {
                return Finding(.storedColumns, seq: seq, "the subject index has no row for \(missing) at this record: a product export would leave the record out",
                               expected: expected.joined(separator: " "), found: indexed.isEmpty ? "no rows" : indexed.joined(separator: " "))
            }
            let want = Set(expected)
            let extra = indexed.first { !want.contains($0) } ?? ""
            return Finding(.storedColumns, seq: seq, "the subject index row for \(extra) is not a subject of this record",
                           expected: expected.isEmpty ? "no rows" : expected.joined(separator: " "), found: indexed.joined(separator: " "))
        }

        /// A subject row that can belong to no record reached so far: wrongly typed, or for a
        /// sequence number below `seq` (every row of an earlier record was consumed already).
        func misfiledSubject(_ row: SubjectRow, below seq: UInt64) -> Finding? {
            if !row.welltyped {
                return Finding(.storedColumns, seq: row.seq >= 0 ? UInt64(row.seq) : nil,
                               "the subject index row (\(row.subject.prefix(200)), seq \(row.seq)) is not stored as (text, integer): no lookup can find it")
            }
            if row.seq < 0 || UInt64(row.seq) < seq {
                return Finding(.storedColumns, seq: row.seq >= 0 ? UInt64(row.seq) : nil,
                               "the subject index row (\(row.subject.prefix(200)), seq \(row.seq)) names a record that does not exist")
            }
            return nil
        }

        /// Every check of one record that depends on the records before it; the first failure.
        func check(_ p: Prepared) throws -> Finding? {
            let row = p.row
            if row.seq != expectedSeq {
                let msg = row.seq > expectedSeq ? "record \(expectedSeq) is missing (next stored record is \(row.seq))"
                                                : "record \(row.seq) is stored out of order or twice"
                return Finding(.sequence, seq: expectedSeq, msg, expected: "\(expectedSeq)", found: "\(row.seq)")
            }
            if p.leaf != row.leafHash {
                return Finding(.leafHash, seq: row.seq, "stored leaf hash does not match the record", expected: p.leaf.hex, found: row.leafHash.hex)
            }
            let next = LedgerRecord.chainHash(previous: chain, leaf: p.leaf)
            if next != row.chainHash {
                return Finding(.chainHash, seq: row.seq, "stored chain hash does not link to the previous record", expected: next.hex, found: row.chainHash.hex)
            }
            if row.appendedAtMillis < lastTime {
                return Finding(.time, seq: row.seq, "record time goes backwards", expected: "≥ \(Timestamp(epochMillis: lastTime).text)", found: Timestamp(epochMillis: row.appendedAtMillis).text)
            }
            lastTime = row.appendedAtMillis
            chain = next
            expectedSeq += 1
            // Envelope, statement, signer and signature.
            let e: EntryChecker.Parsed
            switch p.parsed {
            case .failure(let r): return Finding(r.check, seq: row.seq, r.message)
            case .success(let parsed): e = parsed
            }
            let ref = e.envelope.signatures[0].keyID
            let key: RegisteredKey
            switch registry.authorize(seq: row.seq, statement: e.statement, signerReference: ref, appendedAtMillis: row.appendedAtMillis) {
            case .failure(let r): return Finding(r.check, seq: row.seq, r.message)
            case .success(let k): key = k
            }
            guard EntryChecker.signatureValid(e.envelope, by: key, precheck: p.signature) else {
                return Finding(.signature, seq: row.seq, "signature by \(key.reference) does not verify")
            }
            registry.apply(seq: row.seq, statement: e.statement, signer: key)
            // Stored derived columns, compromise flags, tree and checkpoints.
            if row.kind != e.statement.kind.rawValue || row.signer != ref {
                return Finding(.storedColumns, seq: row.seq, "stored kind/signer columns do not match the signed envelope",
                               expected: "\(e.statement.kind.rawValue) by \(ref)", found: "\(row.kind) by \(row.signer)")
            }
            if let f = try checkSubjects(seq: row.seq, expected: p.subjects) { return f }
            if let c = compromised[key.reference], row.appendedAtMillis >= c.effective, row.seq < c.revokedAt {
                report.warnings.append(Finding(.compromise, seq: row.seq, "signed by \(key.reference) after its compromise time (revoked at seq \(c.revokedAt))"))
            }
            if let m = try appendLeaf(p.leaf, seq: row.seq) { return m }
            report.entries = row.seq + 1
            checkCheckpoints(atSize: row.seq + 1, chain: next)
            return failure
        }

        // A checkpoint for size 0 is meaningless; flag it.
        if let zero = checkpoints.first, zero.size == 0 {
            failure = Finding(.checkpoint, seq: nil, "a checkpoint is stored for tree size 0")
        }

        let keys = keysAhead
        let pipeline = OrderedPipeline<RecordRow, Prepared> { row in
            let leaf = LedgerRecord(seq: row.seq, appendedAtMillis: row.appendedAtMillis, envelope: row.envelope).leafHash
            let parsed = EntryChecker.parse(row.envelope, requireCanonical: true)
            var signature: EntryChecker.SignatureCheck? = nil
            var subjects: [String] = []
            if case .success(let e) = parsed {
                signature = EntryChecker.SignatureCheck(e.envelope, keys: keys)
                subjects = e.statement.subjects
            }
            return Prepared(row: row, leaf: leaf, parsed: parsed, signature: signature, subjects: subjects)
        }
        defer {
            pipeline.cancel()
            pipeline.finish()
        }
        // Chunks in flight: enough to keep every core busy while this thread checks.
        let depth = 2 * ProcessInfoCores.count + 2
        func consumeOne() throws {
            guard let chunk = pipeline.next() else { return }
            guard failure == nil else { return }
            for p in chunk {
                if let f = try check(p) {
                    failure = f
                    pipeline.cancel()
                    break
                }
            }
            progress?(report.entries)
        }
        var chunk: [RecordRow] = []
        chunk.reserveCapacity(batchSize)
        try source.forEachRow { row in
            chunk.append(row)
            if chunk.count >= batchSize {
                pipeline.submit(chunk)
                chunk.removeAll(keepingCapacity: true)
                while pipeline.pending > depth { try consumeOne() }
            }
            return failure == nil
        }
        if failure == nil, !chunk.isEmpty { pipeline.submit(chunk) }
        while pipeline.pending > 0 { try consumeOne() }
        if let s = failure?.seq { report.entries = min(report.entries, s) }

        if failure == nil, cpIndex < checkpoints.count {
            let cp = checkpoints[cpIndex]
            failure = Finding(.checkpoint, seq: report.entries,
                              "a signed checkpoint covers \(cp.size) records but the ledger holds only \(report.entries): records were removed",
                              expected: "\(cp.size) records", found: "\(report.entries)")
        }
        if failure == nil {
            // Nodes stored beyond what the records produce: past the end of a level the tree
            // reaches, or on a level it never reaches (above its top, level 0, a negative id).
            for (level, cursor) in nodeCursors.sorted(by: { $0.key < $1.key }) {
                var c = cursor
                if let extra = c.next() {
                    failure = Finding(.merkle, seq: nil, "stored tree node (\(level), \(extra.index)) is beyond the tree of \(report.entries) records")
                    break
                }
            }
        }
        if failure == nil {
            // A tree of n ≥ 2 leaves stores levels 1 … ⌊log2 n⌋, every one of which has a cursor.
            let top = nodeCursors.keys.max()
            if let id = try source.firstStoredNode(outside: top.map { 1...$0 }) {
                let place = id >= 0 ? "(\(id >> 56), \(id & ((1 << 56) - 1)))" : "with id \(id)"
                failure = Finding(.merkle, seq: nil, "stored tree node \(place) is not a node of the tree of \(report.entries) records",
                                  expected: top.map { "levels 1–\($0)" } ?? "no stored nodes", found: "node id \(id)")
            }
        }
        if failure == nil, let row = pendingSubject {
            // Rows left over after the last record: for records that do not exist.
            failure = misfiledSubject(row, below: report.entries)
                ?? Finding(.storedColumns, seq: UInt64(row.seq), "the subject index row (\(row.subject.prefix(200)), seq \(row.seq)) names a record that does not exist",
                           expected: "sequence numbers below \(report.entries)", found: "\(row.seq)")
        }
        if failure == nil, report.entries == 0 {
            failure = Finding(.sequence, seq: 0, "the ledger is empty: it has no genesis entry")
        }
        if failure == nil {
            failure = checkMetadata(try source.metadata(), origin: registry.origin ?? "")
        }
        if let first = containerProblems.first {
            if failure == nil { failure = Finding(.schema, seq: nil, first) } else { report.warnings.append(Finding(.schema, seq: nil, first)) }
            for problem in containerProblems.dropFirst() { report.warnings.append(Finding(.schema, seq: nil, problem)) }
        }
        report.failure = failure
        report.headHash = chain
        report.root = range.root
        report.origin = registry.origin
        report.signers = registry.keyCount
        return report
    }

    /// The metadata must be exactly `expectedMetadata(origin:)`: no key missing, none extra,
    /// every value as expected.
    func checkMetadata(_ stored: [(key: String, value: String)], origin: String) -> Finding? {
        let expected = Self.expectedMetadata(origin: origin)
        for (key, value) in expected {
            let rows = stored.filter { $0.key == key }
            guard let row = rows.first else {
                return Finding(.schema, seq: nil, "ledger metadata has no \(key) entry", expected: "\(key) = \(value)", found: "no \(key)")
            }
            if row.value != value {
                let what = key == "origin" ? "ledger metadata origin does not match the genesis entry" : "ledger metadata \(key) is not \(value)"
                return Finding(.schema, seq: key == "origin" ? 0 : nil, what, expected: value, found: row.value)
            }
        }
        if let extra = stored.first(where: { row in !expected.contains { $0.key == row.key } }) {
            return Finding(.schema, seq: nil, "ledger metadata holds an unexpected entry \(extra.key.prefix(100))",
                           expected: expected.map(\.key).joined(separator: ", "), found: expected.map(\.key).joined(separator: ", ") + ", " + extra.key.prefix(100))
        }
        return nil
    }

    func checkCheckpoint(_ cp: (size: UInt64, note: [UInt8], external: Bool), size: UInt64, root: Digest, chain: Digest, registry: Registry) -> Finding? {
        let which = cp.external ? "given checkpoint" : "stored checkpoint"
        guard let opRef = registry.operatorReference, let op = registry.keys[opRef] else {
            return Finding(.checkpoint, seq: size - 1, "checkpoint for size \(size) but no operator key")
        }
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(parsing: cp.note, logKey: op.verifierKey, origin: registry.origin, extensions: .assayLedger)
        } catch {
            return Finding(.checkpoint, seq: size - 1, "\(which) for size \(size) does not verify: \(error.message)")
        }
        let c = signed.checkpoint
        guard c.size == size else {
            return Finding(.checkpoint, seq: size - 1, "\(which) stored under size \(size) says size \(c.size)")
        }
        guard c.rootHash == root.bytes else {
            return Finding(.checkpoint, seq: size - 1, "\(which) root for size \(size) does not match the recomputed tree: the log was rewritten or forked",
                           expected: Hex.encode(c.rootHash), found: root.hex)
        }
        // The strict parse guarantees the chain-head line is there and well formed.
        guard let head = c.chainHead else {
            return Finding(.checkpoint, seq: size - 1, "\(which) for size \(size) has no assay-chain-head line")
        }
        guard head == chain else {
            return Finding(.checkpoint, seq: size - 1, "\(which) chain head for size \(size) does not match the records",
                           expected: head.hex, found: chain.hex)
        }
        return nil
    }
}
