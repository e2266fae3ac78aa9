public import AssayLedger
public import Logging

/// What a running server shares with its routes: the open ledger, the logger and the feed of
/// checkpoints signed after each committed group.
public struct ServerContext: Sendable {
    /// The open ledger (reads through `ledger.store`; writes go through the sequencer only).
    public let ledger: Ledger
    /// The server's logger (structured, to standard error).
    public let logger: Logger
    /// The server's configuration.
    public let configuration: ServerConfiguration
    /// Checkpoints as the sequencer signs them.
    public let checkpoints: CheckpointFeed
    /// The group committer: the one writer of the ledger while the server runs.
    public let sequencer: Sequencer
}
