import Dispatch

/// Runs blocking ledger reads (SQLite calls that may wait for the writer) on dispatch
/// threads, so that Swift's cooperative pool — two threads on a two-core machine — never waits
/// for storage.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "assay.server.reads", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            queue.async { c.resume(with: Result { try body() }) }
        }
    }
}
