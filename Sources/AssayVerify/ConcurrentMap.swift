import Dispatch

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
