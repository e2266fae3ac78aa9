import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// Maps `transform` over the elements on all cores, preserving order. Work is split in
    /// contiguous chunks so each thread touches its own slice of the result.
    public func concurrentMap<T: Sendable>(minimumChunk: Int = 64, _ transform: @Sendable (Element) -> T) -> [T] {
        let n = count
        if n == 0 { return [] }
        let workers = Swift.max(1, Swift.min(ProcessInfoCores.count * 4, (n + minimumChunk - 1) / minimumChunk))
        if workers == 1 { return map(transform) }
        let results = UnsafeMutableBufferPointer<T>.allocate(capacity: n)
        nonisolated(unsafe) let out = results
        let input = self
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = n * w / workers, hi = n * (w + 1) / workers
            for i in lo..<hi { (out.baseAddress! + i).initialize(to: transform(input[i])) }
        }
        let array = Array<T>(results)
        results.deinitialize()
        results.deallocate()
        return array
    }
}

enum ProcessInfoCores {
    static let count: Int = {
        #if os(Linux)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 4
        #endif
    }()
}

#if os(Linux)
import Glibc
#endif

/// Runs `transform` over chunks on background threads while the caller does the work that
/// must happen in order: `submit` chunks in order, and `next` hands back each chunk's results
/// in the same order, waiting until they are ready. The caller's in-order work overlaps the
/// transform of later chunks, and every core stays busy. Used by append and verify: the
/// per-entry work that needs no ledger state (parsing, hashing, signature checks) runs here.
///
/// Concurrency: `OrderedPipeline` is `@unchecked Sendable` so that it can be created inside a
/// `Sendable` ledger, and it is safe because its own mutable state (`slots`, `head`) is touched
/// only by the one thread that owns it: `submit`, `next`, `cancel` and `finish` must be called
/// from that thread alone. Worker closures never capture the pipeline, only a `Slot` and the
/// atomic `Flag`. `next` waits on a semaphore for a worker (a GCD thread, never a Swift
/// concurrency thread) — so the owner must be a thread of its own or a synchronous caller, not
/// an async task (run a long append from async code with `Task.detached` or a dedicated thread).
public final class OrderedPipeline<In: Sendable, Out: Sendable>: @unchecked Sendable {
    /// `@unchecked Sendable`: `out` is written by exactly one worker before `done.signal()` and
    /// read by the owner only after `done.wait()`, which orders the write before the read.
    private final class Slot: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var out: [Out] = []
    }

    private let transform: @Sendable (In) -> Out
    /// Shared with the workers, which must not hold the pipeline itself (its deinit waits for them).
    private final class Flag: Sendable { let value = Atomic<Bool>(false) }
    private let cancelled = Flag()
    private var slots: [Slot] = []
    private var head = 0
    private let group = DispatchGroup()

    public init(_ transform: @escaping @Sendable (In) -> Out) {
        self.transform = transform
    }

    /// Chunks submitted and not yet taken back with `next`.
    public var pending: Int { slots.count - head }

    /// Queues `chunk` for the background threads.
    public func submit(_ chunk: [In]) {
        let slot = Slot()
        slots.append(slot)
        let transform = self.transform, cancelled = self.cancelled
        DispatchQueue.global(qos: .userInitiated).async(group: group) {
            if !cancelled.value.load(ordering: .relaxed) { slot.out = chunk.map(transform) }
            slot.done.signal()
        }
    }

    /// The results of the oldest chunk not yet taken, in input order; nil when none is pending.
    public func next() -> [Out]? {
        guard head < slots.count else { return nil }
        let slot = slots[head]
        slot.done.wait()
        let out = slot.out
        slot.out = []
        head += 1
        if head == slots.count {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 {
            slots.removeFirst(head)
            head = 0
        }
        return out
    }

    /// Chunks not yet started are skipped from now on (their results come back empty): for a
    /// caller that has already failed and only drains.
    public func cancel() { cancelled.value.store(true, ordering: .relaxed) }

    /// Waits for every submitted chunk (also done on deinit, so no worker outlives its inputs).
    public func finish() { group.wait() }

    deinit { group.wait() }
}
