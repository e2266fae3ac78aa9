import AssayTestSupport
import Foundation
import Testing

/// C. Tampering with the SQLite file directly (the `sqlite3` shell, as anyone with write access
/// to the file could): `assay verify` exits 1 and names the right sequence number every time.
///
/// Every case starts from the shared 8-entry ledger (genesis 0, registrations 1–2, events
/// 3–7) with a checkpoint signed for size 8. Unless a case says otherwise, the append-only
/// triggers are dropped for the edit and re-created exactly afterwards, so the file looks
/// untouched to anything that checks only the schema.
@Suite("tampering with the ledger file is caught by verify")
struct TamperTests {
    enum Tamper: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// One payload byte changed; the stored hashes left as they were.
        case payloadByte
        /// One signature byte changed; the stored hashes left as they were.
        case signatureByte
        /// One payload byte changed and every leaf and chain hash from there recomputed.
        case payloadByteRehashed
        /// One signature byte changed and every leaf and chain hash from there recomputed.
        case signatureByteRehashed
        /// One byte of a stored chain hash changed.
        case chainHash
        /// One byte of a stored leaf hash changed.
        case leafHash
        /// The append time of a record changed (it is part of the hashed record bytes).
        case appendTime
        /// The `kind` column relabelled (the registry is read by kind).
        case kindColumn
        /// The `signer` column pointed at another party.
        case signerColumn
        /// The triggers dropped (and left dropped), a row in the middle deleted.
        case deleteRowTriggersDropped
        /// A row deleted and the later rows renumbered to close the gap.
        case deleteRowAndRenumber
        /// Two rows swapped (their sequence numbers exchanged).
        case swapRows
        /// A copy of the last row appended as a new row (the insert trigger allows seq = max + 1).
        case replayedRow
        /// The last two rows deleted after a checkpoint covering them.
        case truncateAfterCheckpoint
        /// A stored Merkle tree node changed.
        case treeNode
        /// A byte of the stored checkpoint's signature changed.
        case checkpointSignature

        var testDescription: String { rawValue }

        /// The sequence number `verify` must name and the check that must fail.
        var expected: (seq: Int, check: String) {
            switch self {
            case .payloadByte, .signatureByte: (4, "leafHash")
            case .payloadByteRehashed, .signatureByteRehashed: (4, "signature")
            case .chainHash: (5, "chainHash")
            case .leafHash: (6, "leafHash")
            case .appendTime: (5, "leafHash")
            case .kindColumn, .signerColumn: (3, "storedColumns")
            case .deleteRowTriggersDropped: (4, "sequence")
            case .deleteRowAndRenumber: (4, "leafHash")
            case .swapRows: (3, "leafHash")
            case .replayedRow: (8, "leafHash")
            case .truncateAfterCheckpoint: (6, "checkpoint")
            case .treeNode: (3, "merkle")
            case .checkpointSignature: (7, "checkpoint")
            }
        }

        func apply(to ws: Workspace) throws {
            let db = LedgerSQL(path: ws.ledger)
            let rows = try db.rows()
            func flipped(_ b: [UInt8], at i: Int = 7) -> [UInt8] {
                var c = b
                c[i] ^= 0x01
                return c
            }
            let blob = LedgerSQL.blob
            switch self {
            case .payloadByte:
                let env = try EnvelopeParts(rows[4].envelope).alteringPayload().canonical
                try db.tamper("UPDATE records SET envelope = \(blob(env)) WHERE seq = 4;")
            case .signatureByte:
                let env = try EnvelopeParts(rows[4].envelope).flippingSignatureBit().canonical
                try db.tamper("UPDATE records SET envelope = \(blob(env)) WHERE seq = 4;")
            case .payloadByteRehashed:
                let env = try EnvelopeParts(rows[4].envelope).alteringPayload().canonical
                try db.tamper(db.rehashSQL(rows: rows, replacing: 4, with: env).sql)
            case .signatureByteRehashed:
                let env = try EnvelopeParts(rows[4].envelope).flippingSignatureBit().canonical
                try db.tamper(db.rehashSQL(rows: rows, replacing: 4, with: env).sql)
            case .chainHash:
                try db.tamper("UPDATE records SET chain_hash = \(blob(flipped(rows[5].chainHash))) WHERE seq = 5;")
            case .leafHash:
                try db.tamper("UPDATE records SET leaf_hash = \(blob(flipped(rows[6].leafHash))) WHERE seq = 6;")
            case .appendTime:
                try db.tamper("UPDATE records SET appended_at = appended_at + 1 WHERE seq = 5;")
            case .kindColumn:
                try db.tamper("UPDATE records SET kind = 'PartyRegistration' WHERE seq = 3;")
            case .signerColumn:
                try db.tamper("UPDATE records SET signer = '\(ws.ref(.manufacturer))' WHERE seq = 3;")
            case .deleteRowTriggersDropped:
                try db.tamper("DELETE FROM records WHERE seq = 4;", restoreTriggers: false)
            case .deleteRowAndRenumber:
                try db.tamper("DELETE FROM records WHERE seq = 4; UPDATE records SET seq = seq - 1 WHERE seq > 4;")
            case .swapRows:
                try db.tamper("UPDATE records SET seq = 1000 WHERE seq = 3; UPDATE records SET seq = 3 WHERE seq = 4; UPDATE records SET seq = 4 WHERE seq = 1000;")
            case .replayedRow:
                try db.exec("INSERT INTO records SELECT 8, appended_at, kind, signer, envelope, leaf_hash, chain_hash FROM records WHERE seq = 7;")
            case .truncateAfterCheckpoint:
                try db.tamper("DELETE FROM records WHERE seq >= 6;")
            case .treeNode:
                try db.tamper("UPDATE nodes SET hash = \(blob([UInt8](repeating: 0xAB, count: 32))) WHERE id = \(Int64(1) << 56 | 1);")
            case .checkpointSignature:
                let note = try ws.text(ws.file("cp8.txt"))
                var bytes = Array(note.utf8)
                // Change one base64 character of the signature line (after the key id).
                let at = bytes.count - 10
                bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                try db.tamper("UPDATE checkpoints SET note = \(blob(bytes)) WHERE size = 8;")
            }
        }
    }

    @Test("verify exits 1 and names the sequence number", arguments: Tamper.allCases)
    func verifyNamesTheSequenceNumber(_ tamper: Tamper) throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        try ws.checkpoint(as: "cp8.txt")
        expectSuccess(try assay("verify", "--ledger", ws.ledger))
        try tamper.apply(to: ws)

        let (seq, check) = tamper.expected
        let r = try assay("verify", "--ledger", ws.ledger)
        #expect(r.exitedNormally, "\(r)")
        #expect(r.exitCode == 1, "verify must exit 1\n\(r)")
        #expect(r.stdout.hasPrefix("FAILED: seq \(seq): "), "the report must name seq \(seq)\n\(r)")
        #expect(r.stdoutLines.count == 1, "\(r)")
        #expect(r.stderrLines.last?.hasPrefix("assay: verification failed at seq \(seq): ") == true, "\(r)")

        let json = try assay("verify", "--ledger", ws.ledger, "--json")
        #expect(json.exitCode == 1, "\(json)")
        let report = try VerifyReport(json)
        #expect(!report.ok)
        #expect(report.failureSeq == seq, "\(json)")
        #expect(report.failureCheck == check, "\(json)")

        if tamper == .deleteRowTriggersDropped {
            #expect(r.stderr.contains("trigger"), "the missing append-only triggers must be reported\n\(r)")
            #expect(report.warnings.contains { $0.contains("records_append_only_delete") }, "\(json)")
        } else {
            #expect(report.warnings.isEmpty, "the triggers were restored: no schema warning expected\n\(json)")
        }
    }

    @Test("the stored hashes give expected and found values for a rewritten chain hash")
    func chainHashEvidence() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let db = LedgerSQL(path: ws.ledger)
        let rows = try db.rows()
        var bad = rows[5].chainHash
        bad[0] ^= 0xFF
        try db.tamper("UPDATE records SET chain_hash = \(LedgerSQL.blob(bad)) WHERE seq = 5;")
        let report = try VerifyReport(try assay("verify", "--ledger", ws.ledger, "--json"))
        #expect(report.failureSeq == 5)
        #expect(report.expected == HexCodec.string(rows[5].chainHash), "expected: the chain hash recomputed from the records")
        #expect(report.found == HexCodec.string(bad), "found: the stored value")
    }

    /// Edits the append-only triggers must refuse while they are in place.
    static let refusedEdits: [(sql: String, message: String)] = [
        ("UPDATE records SET kind = 'GenericEvent' WHERE seq = 1;", "records are append-only"),
        ("UPDATE records SET envelope = X'00' WHERE seq = 4;", "records are append-only"),
        ("DELETE FROM records WHERE seq = 7;", "records are append-only"),
        ("DELETE FROM records;", "records are append-only"),
        ("INSERT INTO records VALUES (20, 0, 'GenericEvent', 's', X'00', zeroblob(32), zeroblob(32));", "next sequence number"),
        ("INSERT INTO records VALUES (3, 0, 'GenericEvent', 's', X'00', zeroblob(32), zeroblob(32));", "next sequence number"),
        ("UPDATE nodes SET hash = zeroblob(32);", "tree nodes are append-only"),
        ("DELETE FROM nodes;", "tree nodes are append-only"),
        ("UPDATE checkpoints SET note = X'00';", "checkpoints are append-only"),
        ("DELETE FROM checkpoints;", "checkpoints are append-only"),
        ("DELETE FROM subjects;", "subject index is append-only"),
        ("UPDATE meta SET value = 'evil.example/ledger' WHERE key = 'origin';", "write-once"),
        ("DELETE FROM meta;", "write-once"),
    ]

    @Test("the triggers refuse UPDATE and DELETE (and out-of-order INSERT) when not dropped",
          arguments: refusedEdits.map(\.sql))
    func triggersRefuse(_ sql: String) throws {
        let message = Self.refusedEdits.first { $0.sql == sql }!.message
        let ws = try Workspace.base()
        defer { ws.remove() }
        try ws.checkpoint(as: "cp8.txt")
        let before = try LedgerSnapshot.take(ws.ledger)
        let r = try CLIHarness.sqlite3(ws.ledger, sql)
        #expect(r.exitCode != 0, "sqlite3 must fail\n\(r)")
        #expect(r.stderr.contains(message), "\(r)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the ledger changed")
        expectSuccess(try assay("verify", "--ledger", ws.ledger))
    }
}
