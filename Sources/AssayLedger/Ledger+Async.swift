import Dispatch

extension Ledger {
    /// Appends from async code without blocking Swift's cooperative thread pool: the append's
    /// pipeline waits for its worker threads, so the whole call runs on a dispatch thread of its
    /// own and the calling task is resumed with the outcome. Same checks and guarantees as
    /// `appendDetailed` (one transaction; nothing written on a rejection).
    public func appendAsync(_ items: [AppendItem], now: Int64? = nil) async throws -> [AppendOutcome] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.appendDetailed(items, now: now) })
            }
        }
    }
}
