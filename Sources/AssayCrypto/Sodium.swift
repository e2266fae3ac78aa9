internal import CAssaySodium

/// One-time libsodium initialisation. Every entry point of this module that calls
/// libsodium goes through `Sodium.ready` first.
enum Sodium {
    /// Evaluated once, thread-safely, by the Swift runtime (global lazy initialisation).
    static let ready: Bool = {
        let rc = sodium_init()
        precondition(rc >= 0, "libsodium failed to initialise")
        return true
    }()

    @inline(__always)
    static func ensure() { _ = ready }
}
