import AssayCrypto
import AssayLedger
import AssayModel
import AssayVerify
import Foundation

/// Where an append's time goes, per entry, single-threaded: envelope parse, statement
/// decode, signature verification, canonical re-serialisation and the leaf hash.
enum PhaseBreakdown {
    static func measure(_ items: [Ledger.AppendItem], key: PublicKey) -> [(String, Double)] {
        var out: [(String, Double)] = []
        var t = now()
        let envs = items.map { try! Envelope(json: $0.bytes) }
        out.append(("envelope JSON parse", (now() - t) / Double(items.count)))
        t = now()
        for e in envs { _ = try! Statement.decode(e.payload) }
        out.append(("statement decode + validate", (now() - t) / Double(items.count)))
        t = now()
        for e in envs { precondition(e.signedBytes.count > 0) }
        out.append(("PAE construction", (now() - t) / Double(items.count)))
        t = now()
        var ok = 0
        for e in envs where e.isValidSignature(at: 0, by: key) { ok += 1 }
        out.append(("signature verify (single key)", (now() - t) / Double(items.count)))
        t = now()
        for e in envs { _ = e.canonicalJSON }
        out.append(("canonical envelope bytes", (now() - t) / Double(items.count)))
        return out
    }
}
