import ArgumentParser
import AssayCrypto
import AssayLog

/// Options naming the log key and a witness policy.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("log-key"), help: "The log operator's verifier key (file or string).")
    var logKey: String

    @Option(name: .customLong("witness-key"), help: "A trusted witness's verifier key (repeatable).")
    var witnessKeys: [String] = []

    @Option(name: .customLong("witnesses-needed"), help: "How many of the witness keys must have cosigned.")
    var witnessesNeeded: Int = 0

    func load() throws -> (VerifierKey, [VerifierKey]) {
        try Self.load(logKey: logKey, witnessKeys: witnessKeys, witnessesNeeded: witnessesNeeded)
    }

    /// Reads the log key and the witness keys, refusing a malformed key or an impossible count
    /// (a well-formed key of the wrong log fails later, as a verification failure).
    static func load(logKey: String, witnessKeys: [String], witnessesNeeded: Int) throws -> (VerifierKey, [VerifierKey]) {
        let log = try InputFiles.verifierKey(logKey)
        let witnesses = try witnessKeys.map { try InputFiles.verifierKey($0) }
        guard witnessesNeeded >= 0, witnessesNeeded <= witnesses.count else {
            throw CLIFailure.input("--witnesses-needed \(witnessesNeeded) but \(witnesses.count) --witness-key given")
        }
        return (log, witnesses)
    }

    func open(_ note: String, what: String) throws -> SignedCheckpoint {
        let (log, witnesses) = try load()
        do {
            return try SignedCheckpoint(parsing: Array(note.utf8), logKey: log, witnesses: witnesses, witnessesNeeded: witnessesNeeded)
        } catch {
            throw CLIFailure.verification("\(what): \(error.message)")
        }
    }
}
