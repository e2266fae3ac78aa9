import Dispatch

/// Runs async work from a synchronous command (the command tree is synchronous): the work runs
/// as a detached task on Swift's cooperative pool while the calling thread — the main thread,
/// never a pool thread — waits for it.
enum AsyncBridge {
    /// Runs `body` to completion and rethrows its error.
    static func run(_ body: @escaping @Sendable () async throws -> Void) throws {
        final class Box: @unchecked Sendable {
            // @unchecked Sendable: written once by the task before `done.signal()`, read only
            // after `done.wait()`, which orders the write before the read.
            var result: Result<Void, any Error> = .success(())
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { try await body() } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        try box.result.get()
    }
}
