// libFuzzer entry point for the statement decoder (AssayModel is pure Swift, so it is
// compiled together with this file by tools/fuzz/run.sh with -sanitize=fuzzer).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatement(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch fuzzTarget {
    case "epcis": _ = try? EPCISDocument(bytes: bytes)
    case "json": _ = try? JSONValue.parse(bytes)
    default: _ = try? Statement.decode(bytes)
    }
    return 0
}

let fuzzTarget: String = {
    guard let p = getenv("ASSAY_FUZZ_TARGET") else { return "statement" }
    return String(cString: p)
}()

#if canImport(Glibc)
import Glibc
#endif
