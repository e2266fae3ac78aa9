internal import PostgresNIO
import AssayStore
import Foundation
import Logging

/// One connection to the server, used synchronously: every call sends its query on the
/// connection's event loop and waits for the answer (`EventLoopFuture.wait()`), so it must never
/// be called from an event-loop thread (the ledger is called from its callers' own threads or
/// dispatch threads; NIO refuses a wait on an event loop). The event loop group is this module's
/// own (one thread), shared by every connection of the process and never shut down.
///
/// Not thread-safe: `PostgresLedgerStorage` serialises every use under its lock.
final class PostgresSession {
    /// The event loop group every connection of this process runs on.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    let url: PostgresURL
    /// Whether only a primary will do (a writable open): a standby is skipped.
    let needsPrimary: Bool
    private(set) var connection: PostgresConnection
    let logger: Logger
    nonisolated(unsafe) private static var lastID = 0
    private static let idLock = NSLock()

    private init(url: PostgresURL, needsPrimary: Bool, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.needsPrimary = needsPrimary
        self.connection = connection
        self.logger = logger
    }

    deinit {
        // Closed and waited for: a connection must be closed before it is released.
        if !connection.isClosed { _ = try? connection.close().wait() }
    }

    /// A quiet logger: errors reach the caller as thrown `StoreError`s.
    static func quietLogger() -> Logger {
        var l = Logger(label: "assay.postgres")
        l.logLevel = .critical
        return l
    }

    /// Opens a connection to `url`.
    /// - Throws: `StoreError(.io)` naming the server (never the password) and why.
    /// - Parameter needsPrimary: skip a server that is a standby (in recovery): for writing.
    static func connect(_ url: PostgresURL, needsPrimary: Bool = false) throws(StoreError) -> PostgresSession {
        let logger = quietLogger()
        let connection = try makeConnection(url, needsPrimary: needsPrimary, logger: logger)
        return PostgresSession(url: url, needsPrimary: needsPrimary, connection: connection, logger: logger)
    }

    /// A connection to the first of `url`'s servers that accepts one (and, with `needsPrimary`,
    /// is not in recovery).
    private static func makeConnection(_ url: PostgresURL, needsPrimary: Bool, logger: Logger) throws(StoreError) -> PostgresConnection {
        var reasons: [String] = []
        for endpoint in url.endpoints {
            let c: PostgresConnection
            do { c = try makeConnection(url, endpoint, logger: logger) } catch {
                reasons.append(error.message)
                continue
            }
            guard needsPrimary, url.endpoints.count > 1 else { return c }
            let standby = (try? c.query(PostgresQuery(unsafeSQL: "SELECT pg_is_in_recovery()"), logger: logger).wait())
                .flatMap { $0.first.flatMap { try? $0.decode(Bool.self) } }
            if standby == false { return c }
            _ = try? c.close().wait()
            reasons.append("\(describe(endpoint)) is \(standby == true ? "a standby (in recovery)" : "not answering")")
        }
        if reasons.count == 1 { throw StoreError(.io, reasons[0]) }
        throw StoreError(.io, "cannot connect to a \(needsPrimary ? "primary" : "server") of \(url): " + reasons.joined(separator: "; "))
    }

    static func describe(_ e: PostgresURL.Endpoint) -> String {
        switch e {
        case .tcp(let h, let p): return "\(h):\(p)"
        case .socket: return e.socketPath ?? ""
        }
    }

    private static func makeConnection(_ url: PostgresURL, _ endpoint: PostgresURL.Endpoint, logger: Logger) throws(StoreError) -> PostgresConnection {
        var config: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            do {
                switch url.tls {
                case .disable: tls = .disable
                case .prefer, .require:
                    var t = TLSConfiguration.makeClientConfiguration()
                    t.certificateVerification = .none // libpq's prefer and require: encryption, no server check
                    let context = try NIOSSLContext(configuration: t)
                    tls = url.tls == .prefer ? .prefer(context) : .require(context)
                }
            } catch {
                throw StoreError(.io, "cannot set up TLS for \(url): \(error)")
            }
            config = .init(host: host, port: port, username: url.user, password: url.password, database: url.database, tls: tls)
        case .socket:
            config = .init(unixSocketPath: endpoint.socketPath!, username: url.user, password: url.password, database: url.database)
        }
        config.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        let id = idLock.withLock { lastID += 1; return lastID }
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: config, id: id, logger: logger).wait()
        } catch {
            throw StoreError(.io, "cannot connect to \(url)" + (url.endpoints.count > 1 ? " (\(describe(endpoint)))" : "") + ": \(describe(error))")
        }
    }

    /// Replaces a closed connection with a new one (after the server restarted or failed over).
    func reconnectIfClosed() throws(StoreError) {
        guard connection.isClosed else { return }
        connection = try Self.makeConnection(url, needsPrimary: needsPrimary, logger: logger)
    }

    var isClosed: Bool { connection.isClosed }

    /// Closes the connection (the next `reconnectIfClosed` makes a new one).
    func close() {
        if !connection.isClosed { _ = try? connection.close().wait() }
    }

    /// One value bound to a query parameter.
    enum Value {
        case int(Int64)
        case text(String)
        case bytes([UInt8])
        case null
    }

    static func bindings(_ values: [Value]) -> PostgresBindings {
        var b = PostgresBindings(capacity: values.count)
        for v in values {
            switch v {
            case .int(let x): b.append(x)
            case .text(let x): b.append(x)
            case .bytes(let x): b.append(ByteBuffer(bytes: x))
            case .null: b.appendNull()
            }
        }
        return b
    }

    /// Sends one statement (parameters `$1`, `$2` …) without waiting for its answer.
    func send(_ sql: String, _ values: [Value] = []) -> EventLoopFuture<PostgresQueryResult> {
        connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger)
    }

    /// Longest wait for the server's answer to one statement. Past it the connection is closed
    /// (a failed-over or half-dead server can leave a connection that never answers, which would
    /// hold the ledger's writer forever); the next use reconnects. Longer than the lock timeout,
    /// so a writer waiting for the write lock gets that answer first.
    /// `ASSAY_POSTGRES_ANSWER_TIMEOUT` (seconds, at least 1) sets it for a process.
    static let answerTimeoutSeconds: Int64 = {
        if let v = ProcessInfo.processInfo.environment["ASSAY_POSTGRES_ANSWER_TIMEOUT"], let n = Int64(v), n >= 1 { return n }
        return 120
    }()

    /// Waits for a statement sent by `send` (at most `answerTimeoutSeconds`).
    func wait(_ future: EventLoopFuture<PostgresQueryResult>, _ sql: String) throws(StoreError) -> [Row] {
        let connection = self.connection
        let timedOut = TimeoutFlag()
        let timer = connection.eventLoop.scheduleTask(in: .seconds(Self.answerTimeoutSeconds)) {
            timedOut.set()
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
        defer { timer.cancel() }
        do {
            return try future.wait().map { Row($0.makeRandomAccess()) }
        } catch {
            if timedOut.isSet {
                throw StoreError(.io, "\(url): no answer from the server within \(Self.answerTimeoutSeconds) s, so the connection was closed")
            }
            throw Self.storeError(error, url: url)
        }
    }

    /// Runs one statement (parameters `$1`, `$2` …); its rows.
    @discardableResult
    func query(_ sql: String, _ values: [Value] = []) throws(StoreError) -> [Row] {
        try wait(send(sql, values), sql)
    }

    /// The first column of the first row as an integer (nil: no row, or NULL).
    func scalarInt(_ sql: String, _ values: [Value] = []) throws(StoreError) -> Int64? {
        try query(sql, values).first?.optionalInt(0)
    }

    /// The first column of the first row as text (nil: no row, or NULL).
    func scalarText(_ sql: String, _ values: [Value] = []) throws(StoreError) -> String? {
        try query(sql, values).first?.optionalText(0)
    }

    /// A server or connection error as a `StoreError`, with the server's own message.
    static func storeError(_ error: any Error, url: PostgresURL) -> StoreError {
        guard let e = error as? PSQLError else {
            if let s = error as? StoreError { return s }
            return StoreError(.io, "\(url): \(error)")
        }
        let message = describe(e)
        guard let state = e.serverInfo?[.sqlState] else {
            return StoreError(.io, "\(url): \(message)")
        }
        let code: StoreError.Code
        switch state {
        case _ where state.hasPrefix("23"): code = .constraint // integrity: unique, check, foreign key, restrict (the guards)
        case "40001", "40P01", "55P03": code = .busy         // serialization failure, deadlock, lock not available
        case "53100": code = .diskFull
        case "42501", "25006": code = .readOnly               // insufficient privilege, read-only transaction
        case "3F000", "42P01", "42883": code = .notALedger    // no such schema, table or function
        case "XX001", "XX002": code = .corrupt
        default: code = .io
        }
        return StoreError(code, message)
    }

    /// One line: the server's message and SQLSTATE, or what went wrong with the connection.
    static func describe(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return "\(error)" }
        if let info = e.serverInfo, let message = info[.message] {
            var line = message
            if let detail = info[.detail] { line += " (\(detail))" }
            if let state = info[.sqlState] { line += " [SQLSTATE \(state)]" }
            return line
        }
        switch e.code {
        case .connectionError:
            return e.underlying.map { "connection failed: \($0)" } ?? "connection failed"
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return "the connection to the server was lost"
        case .sslUnsupported:
            return "the server does not support TLS (use sslmode=disable or prefer)"
        case .authMechanismRequiresPassword:
            return "the server asks for a password (give it in the URL or PGPASSWORD)"
        default:
            return e.underlying.map { "\(e.code): \($0)" } ?? "\(e.code)"
        }
    }
}

/// One result row, its columns by position.
struct Row {
    let cells: PostgresRandomAccessRow
    init(_ cells: PostgresRandomAccessRow) { self.cells = cells }

    func optionalInt(_ i: Int) -> Int64? {
        if let v = try? cells[i].decode(Int64?.self) { return v }
        if let v = try? cells[i].decode(Int32?.self) { return Int64(v) }
        return nil
    }
    func int(_ i: Int) -> Int64 { optionalInt(i) ?? 0 }
    func optionalText(_ i: Int) -> String? { (try? cells[i].decode(String?.self)) ?? nil }
    func text(_ i: Int) -> String { optionalText(i) ?? "" }
    func bytes(_ i: Int) -> [UInt8] {
        guard let b = (try? cells[i].decode(ByteBuffer?.self)) ?? nil else { return [] }
        return Array(b.readableBytesView)
    }
    func bool(_ i: Int) -> Bool { ((try? cells[i].decode(Bool?.self)) ?? nil) ?? false }
}

/// Set once, from the event loop, when a statement's answer timed out.
private final class TimeoutFlag: @unchecked Sendable {
    // @unchecked Sendable: `value` is read and written only under `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
