/// A failure with its exit code: 1 when verification failed, 2 for usage or input errors.
struct CLIFailure: Error {
    let message: String
    let exitCode: Int32

    static func input(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 2) }
    static func verification(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 1) }
}
