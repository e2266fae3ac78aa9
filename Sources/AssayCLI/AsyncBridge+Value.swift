import Dispatch

/// The result of an async body, handed from its task to the waiting thread.
private final class ResultBox<T>: @unchecked Sendable {
    // @unchecked Sendable: written once by the task before `AsyncBridge.run` returns (its
    // semaphore orders the write before the read), read only afterwards.
    var result: Result<T, any Error>?
}

extension AsyncBridge {
    /// Runs `body` to completion on a task of its own, blocking this (synchronous) thread, and
    /// returns its value or rethrows its error.
    static func value<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        try run { box.result = .success(try await body()) }
        return try box.result!.get()
    }
}
