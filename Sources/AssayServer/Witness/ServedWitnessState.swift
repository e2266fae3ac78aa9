public import AssayCrypto
public import AssayVerify
import Foundation

/// The witness state a running `assay witness serve` uses: the state directory, held
/// exclusively for as long as the server runs (so no other process — a second server, a
/// `witness cosign` — can use it), with the read-check-write of each request serialised
/// in-process, and only the logs given on the command line witnessed.
public final class ServedWitnessState: WitnessStateStore, @unchecked Sendable {
    // @unchecked Sendable: every member is immutable and Sendable except `lock`, an NSLock,
    // which is safe to use from any thread.
    /// The directory.
    public let directory: WitnessDirectory
    private let hold: WitnessStateHold
    private let origins: Set<String>
    private let lock = NSLock()

    /// Takes the directory's exclusive lock for the life of this value.
    /// - Parameters:
    ///   - directory: the state directory.
    ///   - origins: the origins this server witnesses; any other is answered as unknown, even
    ///     when the directory holds a configuration for it.
    /// - Throws: `WitnessError.stateLocked` when another process holds the directory.
    public init(directory: WitnessDirectory, origins: Set<String>) throws(WitnessError) {
        self.directory = directory
        self.hold = try directory.holdExclusively()
        self.origins = origins
    }

    public func withLock<R>(_ body: () throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    public func logKey(for origin: String) throws(WitnessError) -> VerifierKey? {
        guard origins.contains(origin) else { return nil }
        return try directory.logKey(for: origin)
    }

    public func setLogKey(_ key: VerifierKey, for origin: String) throws(WitnessError) {
        guard origins.contains(origin) else {
            throw WitnessError(.unknownOrigin, "origin \(origin) is not one this server witnesses")
        }
        try directory.setLogKey(key, for: origin)
    }

    public func cosignedCheckpoint(for origin: String) throws(WitnessError) -> String? {
        try directory.cosignedCheckpoint(for: origin)
    }

    public func setCosignedCheckpoint(_ note: String, for origin: String) throws(WitnessError) {
        try directory.setCosignedCheckpoint(note, for: origin)
    }

    public func recordEvidence(_ error: WitnessError, origin: String, timestamp: UInt64) throws(WitnessError) {
        try directory.recordEvidence(error, origin: origin, timestamp: timestamp)
    }
}
