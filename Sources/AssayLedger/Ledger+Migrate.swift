public import AssayCrypto
import AssayLog
import AssayStore
import AssayStorePostgres
import AssayStoreSQLite
import AssayVerify
import Foundation

/// What `Ledger.migrate` copied, and the verified state of the copy.
public struct MigrationSummary: Sendable, Equatable {
    /// Where the ledger came from and went to, as the storages name them (no password).
    public let from: String, to: String
    /// Records copied (the target's size).
    public let records: UInt64
    /// Checkpoints and cosignatures copied.
    public let checkpoints: Int, cosignatures: Int
    /// Subject and event index rows copied.
    public let subjectRows: UInt64, eventIndexRows: UInt64
    /// The Merkle root of the whole ledger, the same on both sides.
    public let root: Digest
    /// The chain hash of the last record, the same on both sides.
    public let head: Digest
}

extension Ledger {
    /// Records per write transaction of a migration.
    static let migrationBatch = 2_000

    /// Copies the ledger at `source` (a file or a `postgres://` URL) to `target`, which must not
    /// hold a ledger (a file that does not exist; an empty PostgreSQL ledger schema), entry for
    /// entry: metadata, then every record through the target's own append path (which
    /// recomputes its leaf hash, chain hash and tree nodes, each compared with the source's),
    /// with its subject and event index rows as stored, then every checkpoint and cosignature
    /// as stored. Then `target` is verified in full (nothing copied is trusted) and its root,
    /// head and checkpoints compared with the source's.
    ///
    /// - Throws: `LedgerError(.storage)` when either side cannot be opened or the target is not
    ///   empty; `.inconsistent` when a recomputed hash differs from the source's or the copy
    ///   does not verify. A failed copy into a file removes the file; a PostgreSQL target keeps
    ///   what was written (it is append-only): drop the database and set it up again.
    public static func migrate(from source: String, to target: String, progress: ((UInt64) -> Void)? = nil) throws -> MigrationSummary {
        let from: any LedgerStorage
        do { from = try openStorage(at: source, readOnly: true) } catch { throw storage(error) }
        if !PostgresURL.isPostgresURL(target) && FileManager.default.fileExists(atPath: target) {
            throw LedgerError(.storage, "\(target) already exists; migrate copies into a new ledger only")
        }
        let to: any LedgerStorage
        do {
            if PostgresURL.isPostgresURL(target) {
                to = try PostgresLedgerStorage.create(try PostgresURL(target))
            } else {
                to = try SQLiteLedgerStorage.create(at: target)
            }
        } catch { throw storage(error) }
        do {
            return try copy(from, to, progress: progress)
        } catch {
            if !PostgresURL.isPostgresURL(target) { SQLiteLedgerStorage.removeFiles(at: target) }
            throw error
        }
    }

    static func mapMigrationErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError { throw LedgerError(.storage, e.message) }
    }

    static func copy(_ from: any LedgerStorage, _ to: any LedgerStorage, progress: ((UInt64) -> Void)?) throws -> MigrationSummary {
        // One snapshot of the source throughout.
        try mapMigrationErrors { try from.read {
            let size = try from.size()
            guard try from.rowCount() == size else {
                throw LedgerError(.inconsistent, "\(from.location) has \(try from.rowCount()) record rows for \(size) sequence numbers; run assay verify")
            }
            let metadata = try from.allMetadata()
            guard !metadata.isEmpty, size > 0 else { throw LedgerError(.storage, "\(from.location) holds no ledger") }
            var subjectRows: UInt64 = 0, eventRows: UInt64 = 0
            let events = try from.eventIndexCursor()
            var pendingEvent = try events?.next()
            var start: UInt64 = 0
            while start < size {
                let end = min(size, start + UInt64(migrationBatch))
                var subjects: [UInt64: [String]] = [:]
                try from.forEachSubjectEntry(from: start, below: end) { seq, subject, _, _ in
                    subjects[seq, default: []].append(subject)
                    subjectRows += 1
                }
                var eventIDs: [UInt64: [String]] = [:]
                while let e = pendingEvent, e.seq < Int64(end) {
                    guard e.seq >= Int64(start) else {
                        throw LedgerError(.inconsistent, "\(from.location): an event index row names seq \(e.seq), out of order or without a record; run assay verify")
                    }
                    eventIDs[UInt64(e.seq), default: []].append(e.subject)
                    eventRows += 1
                    pendingEvent = try events?.next()
                }
                try mapMigrationErrors {
                    try to.write { tx in
                        if start == 0 { for m in metadata { try tx.setMeta(m.key, m.value) } }
                        try from.forEachRecord(from: start, through: end - 1) { r in
                            guard tx.size == r.seq else {
                                throw LedgerError(.inconsistent, "\(from.location): record \(r.seq) follows \(tx.size) records; run assay verify")
                            }
                            let copy = try tx.append(envelope: r.envelope, kind: r.kind, signer: r.signer, subjects: subjects[r.seq] ?? [],
                                                     eventIDs: eventIDs[r.seq] ?? [], now: r.appendedAtMillis)
                            guard copy.appendedAtMillis == r.appendedAtMillis, copy.leafHash == r.leafHash, copy.chainHash == r.chainHash else {
                                throw LedgerError(.inconsistent, "seq \(r.seq): the copy's leaf or chain hash differs from the stored one (\(from.location) does not verify; run assay verify)")
                            }
                            return true
                        }
                    }
                }
                start = end
                progress?(start)
            }
            if let e = pendingEvent {
                throw LedgerError(.inconsistent, "\(from.location): an event index row names seq \(e.seq), beyond the last record; run assay verify")
            }
            let checkpoints = try from.checkpoints()
            let cosignatures = try from.cosignatureRows()
            try mapMigrationErrors {
                try to.write { tx in
                    for c in checkpoints { try tx.addCheckpoint(size: c.size, note: c.note, now: c.createdAtMillis) }
                    for c in cosignatures { try tx.addCosignature(c) }
                }
            }
            // Nothing copied is trusted: the target is verified from its records up.
            let copied = Ledger(storage: to)
            let report = try copied.verify()
            if let f = report.failure {
                throw LedgerError(.inconsistent, "the copy at \(to.location) does not verify: \(f.seq.map { "seq \($0)" } ?? "ledger level"): \(f.message)")
            }
            let root = try Merkle.root(size: size, source: from)
            guard report.entries == size, report.root == root, try to.checkpoints() == checkpoints, try to.cosignatureRows() == cosignatures else {
                throw LedgerError(.inconsistent, "the copy at \(to.location) verifies but differs from \(from.location) (size, root, checkpoints or cosignatures)")
            }
            return MigrationSummary(from: from.location, to: to.location, records: size, checkpoints: checkpoints.count,
                                    cosignatures: cosignatures.count, subjectRows: subjectRows, eventIndexRows: eventRows,
                                    root: root, head: report.headHash)
        } }
    }
}
