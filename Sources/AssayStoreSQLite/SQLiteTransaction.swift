import AssayCrypto
import AssayLog
import AssayStore

/// Row inserts inside an open `BEGIN IMMEDIATE` transaction of a `SQLiteLedgerStorage`.
/// Only `SQLiteLedgerStorage.write` makes one, holding the storage's lock throughout.
final class SQLiteTransaction: LedgerStorageTransaction {
    let sqlite: SQLiteLedgerStorage
    var db: SQLiteConnection { sqlite.db }

    init(storage: SQLiteLedgerStorage) { sqlite = storage }

    var storage: any LedgerStorage { sqlite }

    func lastRecord() throws(StoreError) -> (seq: UInt64, appendedAtMillis: Int64, chainHash: Digest)? {
        let s = try db.prepare("SELECT seq, appended_at, chain_hash FROM records ORDER BY seq DESC LIMIT 1")
        defer { s.reset() }
        guard try s.step() else { return nil }
        let seq = try SQLiteLedgerStorage.storedCount(s.int64(0), "the last record's sequence number") - 1
        guard let head = s.digest(2) else {
            throw StoreError(.corrupt, "record \(s.int64(0)) has a chain hash that is not 32 bytes; run assay verify")
        }
        return (seq, s.int64(1), head)
    }

    func insert(_ r: StoredRecord, subjects: [String]) throws(StoreError) {
        let ins = try db.prepare("INSERT INTO records(seq, appended_at, kind, signer, envelope, leaf_hash, chain_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        ins.bind(1, Int64(bitPattern: r.seq))
        ins.bind(2, r.appendedAtMillis)
        ins.bind(3, r.kind)
        ins.bind(4, r.signer)
        ins.bind(5, r.envelope)
        ins.bind(6, r.leafHash)
        ins.bind(7, r.chainHash)
        try ins.run()
        guard !subjects.isEmpty else { return }
        let sub = try db.prepare("INSERT OR IGNORE INTO subjects(subject, seq) VALUES (?1, ?2)")
        for subject in subjects {
            sub.bind(1, subject)
            sub.bind(2, Int64(bitPattern: r.seq))
            try sub.run()
        }
    }

    func insert(eventIDs: [String], seq: UInt64) throws(StoreError) {
        guard !eventIDs.isEmpty else { return }
        let ins = try db.prepare("INSERT OR IGNORE INTO event_ids(id, seq) VALUES (?1, ?2)")
        for id in eventIDs {
            ins.bind(1, id)
            ins.bind(2, Int64(bitPattern: seq))
            try ins.run()
        }
    }

    func insertNode(_ id: NodeID, hash: Digest) throws(StoreError) {
        let node = try db.prepare("INSERT INTO nodes(id, hash) VALUES (?1, ?2)")
        node.bind(1, SQLiteLedgerStorage.nodeKey(id))
        node.bind(2, hash)
        try node.run()
    }

    func insert(_ c: StoredCheckpoint) throws(StoreError) {
        let s = try db.prepare("INSERT INTO checkpoints(size, created_at, note) VALUES (?1, ?2, ?3)")
        s.bind(1, Int64(bitPattern: c.size))
        s.bind(2, c.createdAtMillis)
        s.bind(3, c.note)
        try s.run()
    }

    func insert(_ c: StoredCosignature) throws(StoreError) {
        let s = try db.prepare("INSERT INTO cosignatures(size, witness, key_id, body, line, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        s.bind(1, c.size)
        s.bind(2, c.witness)
        s.bind(3, c.keyID)
        s.bind(4, c.body)
        s.bind(5, c.line)
        s.bind(6, c.createdAtMillis)
        try s.run()
    }

    func insertMeta(key: String, value: String) throws(StoreError) {
        let s = try db.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)")
        s.bind(1, key)
        s.bind(2, value)
        try s.run()
    }
}
