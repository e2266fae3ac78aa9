// libFuzzer entry point for every decoder: envelope, statement, signed note / checkpoint,
// proofs, bundle (parsed and verified), policy. tools/fuzz/run.sh compiles it together with the
// sources of AssayCrypto, AssayModel, AssayLog and AssayVerify as one module.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    switch fuzzTarget {
    case "envelope": _ = try? Envelope(json: bytes)
    case "note":
        if let n = try? SignedNote(parsing: bytes) { _ = try? Checkpoint(parsing: n.text) }
    case "proof":
        _ = try? TlogProof(parsing: text)
        _ = try? ConsistencyProofText(parsing: text)
    case "bundle":
        if let b = try? ProductBundle(bytes: bytes), let key = fuzzKey {
            _ = BundleVerifier(logKey: key, auditDate: try! CalendarDate(parsing: "2027-01-01")).verify(b)
        }
    case "policy": _ = try? AuditPolicy(json: bytes)
    case "epcis": _ = try? EPCISDocument(bytes: bytes)
    default: _ = try? Statement.decode(bytes)
    }
    return 0
}

let fuzzTarget: String = {
    guard let p = getenv("ASSAY_FUZZ_TARGET") else { return "statement" }
    return String(cString: p)
}()

let fuzzKey = try? VerifierKey(parsing: "fuzz.example+c9ae1ad1+AchzhUlABn04UoRjQUTCh6+nH/Iqlni/JNfzAZITvNr3")

#if canImport(Glibc)
import Glibc
#endif
