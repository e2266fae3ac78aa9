import AssayCore
import Testing

@Suite("process-wide allocator settings")
struct ProcessMemoryTests {
    @Test("glibc takes the trim threshold that `assay` and the benchmark set at start")
    func trimThreshold() {
        #if os(Linux)
        #expect(ProcessMemory.keepFreedMemory(upTo: 1 << 20))
        #expect(ProcessMemory.keepFreedMemory())
        #else
        #expect(!ProcessMemory.keepFreedMemory())
        #endif
    }
}
