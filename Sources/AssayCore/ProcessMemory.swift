#if os(Linux)
import CAssayLibc
#endif

/// Process-wide settings of the C library's allocator.
public enum ProcessMemory {
    /// How much free memory at the top of an allocator heap is kept rather than handed back.
    public static let defaultTrimThreshold = 64 << 20

    /// Lets glibc keep up to `bytes` of freed memory at the top of each heap instead of giving
    /// it back to the kernel as soon as 128 KiB gather there.
    ///
    /// Why: with glibc's default, a thread heap whose top grows past the threshold is shrunk
    /// with `madvise` on a later `free`, and every such call flushes the TLB of every core the
    /// process runs on (an inter-processor interrupt, dear on a virtual machine). SQLite's
    /// statement journals and a server's request buffers allocate and free such blocks all the
    /// time: in `assay serve` under load a fifth of the group-commit thread's CPU went to
    /// these shrinks, and the benchmark's service figures rose 10–20% without them. The memory
    /// stays with the process up to `bytes` per heap and is reused by its next allocations.
    /// Call it once at start, before threads allocate. Has no effect outside glibc.
    /// - Returns: whether the allocator took the setting.
    @discardableResult
    public static func keepFreedMemory(upTo bytes: Int = defaultTrimThreshold) -> Bool {
        #if os(Linux)
        return mallopt(M_TRIM_THRESHOLD, Int32(clamping: bytes)) == 1
        #else
        return false
        #endif
    }
}
