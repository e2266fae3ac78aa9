import Foundation

/// Runs blocking work on dedicated threads (not the two-thread cooperative pool, which
/// several blocked writers and readers would starve) and waits for all of it.
enum ThreadGroup {
    /// Runs every body on its own thread; returns when all have returned.
    static func run(_ bodies: [@Sendable () -> Void]) {
        let done = DispatchSemaphore(value: 0)
        for body in bodies {
            let thread = Thread {
                body()
                done.signal()
            }
            thread.start()
        }
        for _ in bodies { done.wait() }
    }
}
