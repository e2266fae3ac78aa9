import AssayCrypto
import AssayLog
import AssayModel

/// What the background threads compute for one stored record: everything that needs no
/// ledger state (leaf hash, parsed envelope and statement, a signature checked ahead, the
/// statement's subjects).
struct PreparedRecord: Sendable {
    let row: RecordRow
    let leaf: Digest
    let parsed: Result<EntryChecker.Parsed, Registry.Rejection>
    let signature: EntryChecker.SignatureCheck?
    /// `Statement.subjects` of the parsed statement: exactly what the store indexes the
    /// record under at append.
    let subjects: [String]
    /// The keys of the statement's index subjects (`IndexSubject.of`), hashed here, off the walk.
    let indexKeys: [Digest]
    /// The event index rows the record must have (`EventIndex.ids`), computed here, off the walk.
    let eventIDs: [String]

    /// Prepares `row`, checking its signature against the key its reference names in `keys`.
    init(_ row: RecordRow, keys: [String: PublicKey]) {
        self.row = row
        leaf = LedgerRecord(seq: row.seq, appendedAtMillis: row.appendedAtMillis, envelope: row.envelope).leafHash
        parsed = EntryChecker.parse(row.envelope, requireCanonical: true)
        if case .success(let e) = parsed {
            signature = EntryChecker.SignatureCheck(e.envelope, keys: keys)
            subjects = e.statement.subjects
            let defining = IndexSubject.definingKinds.contains(e.statement.kind)
            indexKeys = subjects.map { SubjectIndex.key($0, type: .identifier) }
                + (defining ? subjects.map { SubjectIndex.key($0, type: .defining) } : [])
                + IndexSubject.keyReferences(of: e.statement).map { SubjectIndex.key($0, type: .keyReference) }
            eventIDs = EventIndex.ids(of: e.statement, payload: e.envelope.payload)
        } else {
            signature = nil
            subjects = []
            indexKeys = []
            eventIDs = []
        }
    }
}

/// A checkpoint to hold the walk against: stored in the ledger, or given from outside.
struct PendingCheckpoint {
    let size: UInt64
    let note: [UInt8]
    let external: Bool
}

/// The in-order part of a ledger walk as an explicit state machine (in the swift-nio style):
/// the driver (`LedgerVerifier`) feeds it events — each prepared record in stored order, then
/// the end of the records — and acts on the `Action` each returns. All the walk's state lives
/// here; the only I/O is through the two comparators it is handed, which read the stored tree
/// nodes and the subject index forward as the walk advances.
struct LedgerWalk {
    enum State {
        /// Expecting the record with sequence number `expectedSeq`.
        case walking
        /// A check failed; every later event is ignored.
        case failed(Finding)
    }

    enum Action {
        /// Go on: feed the next record.
        case proceed
        /// Stop reading: the walk has failed.
        case stop(Finding)
    }

    private(set) var state: State = .walking
    private(set) var report = LedgerReport()
    private(set) var registry: Registry
    /// The registry replayed from the registry entries read ahead: it knows every key's
    /// compromise time before the walk reaches the revocation (FORMAT.md §8).
    private let ahead: Registry
    private var range = CompactRange()
    private var chain = Digest.zero
    private var expectedSeq: UInt64 = 0
    private var lastTime: Int64 = .min
    private let checkpoints: [PendingCheckpoint]
    private var nextCheckpoint = 0
    /// The stored tree nodes and subject index to compare with the records; nil for a source
    /// that has none (a log read through its tiles, whose hashes `TilesReader` checked).
    private var tree: StoredTreeComparator?
    private var subjects: SubjectIndexComparator?
    /// Whether the source stores derived data (kind and signer columns, metadata) to check.
    private let derived: Bool
    /// The EPCIS event index, when the container has one.
    private var events: SubjectIndexComparator?
    /// The subject index recomputed from the records (FORMAT.md §13).
    private var index: SubjectIndexCheck
    /// The size of the first checkpoint checked that commits to the subject index: every
    /// later one must too.
    private var firstIndexed: UInt64? = nil

    init(policy: WritePolicy, ahead: Registry, checkpoints: [PendingCheckpoint], tree: StoredTreeComparator?, subjects: SubjectIndexComparator?,
         events: SubjectIndexComparator?, index: SubjectIndexCheck) {
        derived = tree != nil
        self.events = events
        self.index = index
        registry = Registry(policy: policy)
        self.ahead = ahead
        self.checkpoints = checkpoints.sorted { $0.size < $1.size }
        self.tree = tree
        self.subjects = subjects
        // A checkpoint for size 0 is meaningless.
        if let zero = self.checkpoints.first, zero.size == 0 {
            state = .failed(Finding(.checkpoint, seq: nil, "a checkpoint is stored for tree size 0"))
        }
    }

    /// Event: the next stored record.
    mutating func record(_ p: PreparedRecord) throws -> Action {
        guard case .walking = state else { return stopAction }
        if let f = try check(p) {
            state = .failed(f)
            return .stop(f)
        }
        return .proceed
    }

    /// Event: no more records. Runs the checks that need the whole walk; returns the report.
    mutating func endOfRecords(source: some LedgerSource, containerProblems: [String]) throws -> LedgerReport {
        var failure = failureOrNil
        if let s = failure?.seq { report.entries = min(report.entries, s) }
        if failure == nil, nextCheckpoint < checkpoints.count {
            let cp = checkpoints[nextCheckpoint]
            failure = Finding(.checkpoint, seq: report.entries,
                              "a signed checkpoint covers \(cp.size) records but the ledger holds only \(report.entries): records were removed",
                              expected: "\(cp.size) records", found: "\(report.entries)")
        }
        if failure == nil { failure = try tree?.leftovers(entries: report.entries, source: source) }
        if failure == nil { failure = subjects?.leftovers(entries: report.entries) }
        if failure == nil { failure = events?.leftovers(entries: report.entries) }
        if failure == nil { failure = try index.finish() }
        if failure == nil, report.entries == 0 {
            failure = Finding(.sequence, seq: 0, "the ledger is empty: it has no genesis entry")
        }
        if failure == nil, derived {
            failure = Self.checkMetadata(try source.metadata(), origin: registry.origin ?? "")
        }
        if let first = containerProblems.first {
            if failure == nil { failure = Finding(.schema, seq: nil, first) } else { report.warnings.append(Finding(.schema, seq: nil, first)) }
            for problem in containerProblems.dropFirst() { report.warnings.append(Finding(.schema, seq: nil, problem)) }
        }
        if let failure { state = .failed(failure) }
        report.failure = failure
        report.headHash = chain
        report.root = range.root
        report.origin = registry.origin
        report.signers = registry.keyCount
        report.nodesChecked = tree?.checked ?? 0
        return report
    }

    private var failureOrNil: Finding? {
        if case .failed(let f) = state { return f }
        return nil
    }

    private var stopAction: Action {
        if case .failed(let f) = state { return .stop(f) }
        return .proceed
    }

    /// Every check of one record that depends on the records before it; the first failure.
    private mutating func check(_ p: PreparedRecord) throws -> Finding? {
        let row = p.row
        if let f = checkPosition(p) { return f }
        let next = LedgerRecord.chainHash(previous: chain, leaf: p.leaf)
        lastTime = row.appendedAtMillis
        chain = next
        expectedSeq += 1
        // Envelope, statement, signer and signature: the one entry path.
        let entry: CheckedEntry
        switch p.parsed.flatMap({ EntryChecker.admit($0, seq: row.seq, appendedAtMillis: row.appendedAtMillis, registry: &registry, precheck: p.signature) }) {
        case .failure(let r): return Finding(r.check, seq: row.seq, r.message)
        case .success(let e): entry = e
        }
        // Stored derived columns, the subject index, compromise flags, tree and checkpoints.
        let ref = entry.signer.reference
        if derived, row.kind != entry.statement.kind.rawValue || row.signer != entry.envelope.signatures[0].keyID {
            return Finding(.storedColumns, seq: row.seq, "stored kind/signer columns do not match the signed envelope",
                           expected: "\(entry.statement.kind.rawValue) by \(entry.envelope.signatures[0].keyID)", found: "\(row.kind) by \(row.signer)")
        }
        if let f = try subjects?.check(seq: row.seq, expected: p.subjects) { return f }
        if let f = try events?.check(seq: row.seq, expected: p.eventIDs) { return f }
        if let at = ahead.compromise(of: entry.signer, seq: row.seq, appendedAtMillis: row.appendedAtMillis) {
            report.warnings.append(Finding(.compromise, seq: row.seq, "signed by \(ref) after its compromise time (revoked at seq \(at))"))
        }
        if tree != nil {
            if let m = try tree!.append(p.leaf, seq: row.seq, into: &range) { return m }
        } else {
            range.append(p.leaf)
        }
        try index.add(leaf: p.leaf, keys: p.indexKeys)
        report.entries = row.seq + 1
        return checkCheckpoints(atSize: row.seq + 1)
    }

    /// Sequence, stored leaf and chain hashes, record time.
    private func checkPosition(_ p: PreparedRecord) -> Finding? {
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
        return nil
    }

    /// Checks every checkpoint for `size` against the tree and chain as they are now.
    private mutating func checkCheckpoints(atSize size: UInt64) -> Finding? {
        while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size <= size {
            let cp = checkpoints[nextCheckpoint]
            nextCheckpoint += 1
            if cp.size < size { continue } // size 0 is refused at init
            if let f = Self.checkCheckpoint(cp, size: size, root: range.root, chain: chain, registry: registry) { return f }
            if let f = checkIndex(cp, size: size) { return f }
            report.checkpointsChecked += 1
        }
        return nil
    }

    /// The checkpoint's subject index root against the index recomputed from the records; once
    /// one checkpoint commits to the index, every later one must (FORMAT.md §5, §13).
    private mutating func checkIndex(_ cp: PendingCheckpoint, size: UInt64) -> Finding? {
        let which = cp.external ? "given checkpoint" : "stored checkpoint"
        // The strict parse in `checkCheckpoint` passed: the line, when present, is well formed.
        guard let note = try? SignedNote(parsing: cp.note), let c = try? Checkpoint(parsing: note.text) else { return nil }
        guard let committed = c.subjectIndex else {
            if let first = firstIndexed {
                return Finding(.checkpoint, seq: size - 1, "\(which) for size \(size) has no assay-subject-index line, but the checkpoint for size \(first) already committed to the subject index: a log may not stop committing to it")
            }
            return nil
        }
        if firstIndexed == nil { firstIndexed = size }
        return index.checkpoint(size: size, committed: committed, which: which)
    }

    /// The metadata must be exactly `LedgerVerifier.expectedMetadata(origin:)`: no key missing,
    /// none extra, every value as expected.
    static func checkMetadata(_ stored: [(key: String, value: String)], origin: String) -> Finding? {
        let expected = LedgerVerifier.expectedMetadata(origin: origin)
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

    /// One checkpoint at its size: the operator's signature and origin, the strict Assay
    /// layout (FORMAT.md §5), the size, the root and the chain head.
    static func checkCheckpoint(_ cp: PendingCheckpoint, size: UInt64, root: Digest, chain: Digest, registry: Registry) -> Finding? {
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
