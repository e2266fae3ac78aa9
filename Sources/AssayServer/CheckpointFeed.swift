public import AssayLog
import Synchronization

/// Publishes each checkpoint the sequencer signs after a committed group, to any number of
/// subscribers (for example the witness pusher). A slow subscriber only ever sees the newest
/// checkpoint it has not taken yet (older ones are dropped for it, never for the log).
public final class CheckpointFeed: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<SignedNote>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    public init() {}

    /// A stream of the checkpoints signed from now on; it ends when the server stops.
    public func subscribe() -> AsyncStream<SignedNote> {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<SignedNote>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    /// Hands `note` to every subscriber.
    public func publish(_ note: SignedNote) {
        for c in subscribers.withLock({ Array($0.values) }) { c.yield(note) }
    }

    /// Ends every subscriber's stream.
    public func finish() {
        for c in subscribers.withLock({ s in defer { s.removeAll() }; return Array(s.values) }) { c.finish() }
    }
}
