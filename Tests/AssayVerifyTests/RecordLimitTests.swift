import AssayCrypto
import AssayLedger
import AssayLog
import AssayStore
import AssayTestSupport
import AssayVerify
import Testing

/// Every record must fit a C2SP tlog-tiles entry bundle, whose entries carry a big-endian
/// uint16 length: at most 65,535 bytes, so a canonical envelope of at most 65,518. The ledger
/// refuses a larger one at append (nothing is written) and `verify` fails a ledger that holds one.
@Suite("Record size limit (tlog-tiles entry bundles)")
struct RecordLimitTests {
    typealias F = Fixtures

    /// A generic event by the supplier whose statement carries `pad` bytes of padding.
    static func padded(_ pad: Int) -> [UInt8] {
        let statement = "{\"type\":\"GenericEvent\",\"subject\":\"https://id.gs1.org/01/04012345000016/21/BIG\",\"action\":\"inspected\","
            + "\"data\":{\"pad\":\"\(String(repeating: "a", count: pad))\"},\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
        return F.envelope(statement, by: F.supplierKey)
    }

    /// The largest padding whose envelope still fits, and the envelopes just inside and just over.
    static func boundary() -> (fits: [UInt8], over: [UInt8]) {
        // The envelope grows with the padding: binary search for the last one that fits.
        var lo = 0, hi = LedgerRecord.maxEnvelopeBytes
        while lo + 1 < hi {
            let mid = (lo + hi) / 2
            if padded(mid).count <= LedgerRecord.maxEnvelopeBytes { lo = mid } else { hi = mid }
        }
        return (padded(lo), padded(lo + 1))
    }

    @Test("the largest envelope that fits is appended and verifies; one byte of statement more is refused, naming the limit, and nothing is written")
    func appendBoundary() throws {
        let (fits, over) = Self.boundary()
        #expect(fits.count <= LedgerRecord.maxEnvelopeBytes && fits.count > LedgerRecord.maxEnvelopeBytes - 4)
        #expect(over.count > LedgerRecord.maxEnvelopeBytes)
        let l = try F.ledger(at: ":memory:")
        let before = try l.size()
        do {
            try l.append([.init(label: "big.dsse.json", bytes: over)])
            Issue.record("an envelope over the record limit was appended")
        } catch let e as LedgerError {
            #expect(e.code == .rejected)
            #expect(e.message.hasPrefix("big.dsse.json: envelope is \(over.count) bytes in canonical form, over the limit of 65518"), "\(e.message)")
            #expect(e.message.contains("tlog-tiles") && !e.message.contains("\n"))
        }
        #expect(try l.size() == before)
        let record = try l.append([.init(label: "fits.dsse.json", bytes: fits)])[0]
        #expect(record.record.recordBytes.count <= 65_535)
        _ = try l.signCheckpoint(with: F.operatorKey)
        #expect(try l.verify().ok)
    }

    @Test("an envelope sent in a longer layout counts by its canonical bytes")
    func canonicalCounts() throws {
        let (fits, _) = Self.boundary()
        // The same envelope with white space after every comma: longer as sent, the same stored.
        let spaced = Array(String(decoding: fits, as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
        #expect(spaced.count > LedgerRecord.maxEnvelopeBytes)
        let l = try F.ledger(at: ":memory:")
        let record = try l.append([.init(label: "spaced", bytes: spaced)])[0]
        #expect(record.envelope == fits)
    }

    @Test("verify fails a ledger holding a record too long for an entry bundle (written behind the append checks)")
    func verifyRefusesOversizeRecord() throws {
        let (_, over) = Self.boundary()
        let l = try F.ledger(at: ":memory:", events: 1)
        let seq = try l.size()
        // What an older build could have written: a record that passes every other check.
        try l.store.write { tx in
            _ = try tx.append(envelope: over, kind: "GenericEvent", signer: F.supplierKey.keyReference.description,
                              subjects: ["https://id.gs1.org/01/04012345000016/21/BIG"], now: F.time(2000))
        }
        let report = try l.verify()
        #expect(report.failure?.seq == seq)
        #expect(report.failure?.check == .envelope)
        #expect(report.failure?.message.contains("tlog-tiles") == true, "\(String(describing: report.failure))")
    }
}
