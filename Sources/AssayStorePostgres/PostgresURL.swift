public import AssayStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a PostgreSQL ledger is: a connection URL, in libpq's URI form (a subset).
///
/// - `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (also `postgresql://`) over TCP;
/// - `postgres:///DATABASE?host=/var/run/postgresql` over the Unix socket in that directory
///   (`.s.PGSQL.PORT`), as is a host that starts with `/` or `%2F`.
///
/// Query parameters: `host`, `port`, `user`, `password`, `sslmode` (`disable`, `prefer`,
/// `require`; default `prefer` over TCP, `disable` over a socket), `connect_timeout` (seconds).
/// Any other parameter is refused. Defaults as libpq's: the user is `PGUSER`, else the
/// operating-system user; the password `PGPASSWORD`; the host `PGHOST`, else the socket directory
/// `/var/run/postgresql`; the port `PGPORT`, else 5432; the database the user's name.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How to reach the server.
    public enum Endpoint: Sendable, Equatable {
        /// TCP to a host name or address and a port.
        case tcp(host: String, port: Int)
        /// The Unix socket `.s.PGSQL.<port>` in a directory.
        case socket(directory: String, port: Int)

        /// The socket file's path (nil over TCP).
        public var socketPath: String? {
            if case .socket(let d, let p) = self { return (d.hasSuffix("/") ? d : d + "/") + ".s.PGSQL.\(p)" }
            return nil
        }
    }

    /// TLS use, as libpq's `sslmode`.
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    /// Every server to try, in order (several with `host=a,b&port=p,q`): a writable open uses
    /// the first that accepts a connection and is not a standby, a read-only open the first that
    /// accepts one (libpq's `target_session_attrs=read-write` and `any`).
    public let endpoints: [Endpoint]
    /// The first server.
    public var endpoint: Endpoint { endpoints[0] }
    public let user: String
    /// Never printed (`description` leaves it out).
    public let password: String?
    public let database: String
    public let tls: TLSMode
    /// Seconds to wait for a connection.
    public let connectTimeout: Int

    /// Whether `text` is a PostgreSQL URL (`postgres://` or `postgresql://`): every other
    /// `--ledger` value is a file path.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL without its password: what messages and `location` show.
    public var description: String {
        if endpoints.count > 1 {
            let hosts = endpoints.map { e -> String in
                switch e { case .tcp(let h, _): return h; case .socket(let d, _): return d }
            }
            let ports = endpoints.map { e -> String in
                switch e { case .tcp(_, let p), .socket(_, let p): return String(p) }
            }
            return "postgres://\(Self.encode(user))@/\(Self.encode(database))?host=\(hosts.joined(separator: ","))&port=\(ports.joined(separator: ","))"
        }
        switch endpoint {
        case .tcp(let h, let p):
            let host = h.contains(":") ? "[\(h)]" : h
            return "postgres://\(Self.encode(user))@\(host):\(p)/\(Self.encode(database))"
        case .socket(let d, let p):
            return "postgres://\(Self.encode(user))@/\(Self.encode(database))?host=\(d)" + (p == 5432 ? "" : "&port=\(p)")
        }
    }

    /// This server's URL for another user and database, password included (for tools and tests
    /// that hand a URL on; never print it).
    public func connectionString(user: String, password: String?, database: String) -> String {
        let credentials = Self.encode(user) + (password.map { ":" + Self.encode($0) } ?? "")
        var query: [String] = []
        if tls != (endpoint.socketPath == nil ? .prefer : .disable) { query.append("sslmode=\(tls.rawValue)") }
        switch endpoint {
        case .tcp(let h, let p):
            let host = h.contains(":") ? "[\(h)]" : h
            return "postgres://\(credentials)@\(host):\(p)/\(Self.encode(database))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        case .socket(let d, let p):
            query = ["host=\(Self.encode(d))", "port=\(p)"] + query
            return "postgres://\(credentials)@/\(Self.encode(database))?" + query.joined(separator: "&")
        }
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }

    /// Parses a URL, taking defaults from `environment` (PGUSER, PGPASSWORD, PGHOST, PGPORT).
    /// - Throws: `StoreError(.notFound)` naming the part that is wrong, in one line.
    public init(_ text: String) throws(StoreError) {
        try self.init(text, environment: ProcessInfo.processInfo.environment)
    }

    /// Parses a URL, taking defaults from `environment` instead of the process's.
    public init(_ text: String, environment: [String: String]) throws(StoreError) {
        func bad(_ why: String) -> StoreError { StoreError(.notFound, "--ledger \(Self.redacted(text)): \(why)") }
        guard Self.isPostgresURL(text) else { throw bad("not a postgres:// URL") }
        guard let c = URLComponents(string: text) else { throw bad("not a valid URL") }
        var params: [String: String] = [:]
        for item in c.queryItems ?? [] {
            guard ["host", "port", "user", "password", "sslmode", "connect_timeout", "dbname"].contains(item.name) else {
                throw bad("unknown parameter \(item.name) (known: host, port, user, password, sslmode, connect_timeout, dbname)")
            }
            guard params[item.name] == nil else { throw bad("parameter \(item.name) given twice") }
            params[item.name] = item.value ?? ""
        }
        let user = params["user"] ?? c.user.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? Self.osUser()
        guard !user.isEmpty else { throw bad("no user (give postgres://USER@… or set PGUSER)") }
        self.user = user
        password = params["password"] ?? c.password ?? environment["PGPASSWORD"]
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !path.contains("/") else { throw bad("the path must be one database name") }
        database = params["dbname"] ?? (path.isEmpty ? user : path)
        let portText = params["port"] ?? c.port.map(String.init) ?? environment["PGPORT"] ?? "5432"
        let hostText = params["host"] ?? c.host.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGHOST"] ?? "/var/run/postgresql"
        let hosts = hostText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var ports: [Int] = []
        for p in portText.split(separator: ",", omittingEmptySubsequences: false) {
            guard let port = Int(p), (1...65535).contains(port) else { throw bad("port \(p) is not a number from 1 to 65535") }
            ports.append(port)
        }
        guard ports.count == 1 || ports.count == hosts.count else { throw bad("\(hosts.count) hosts but \(ports.count) ports") }
        endpoints = hosts.enumerated().map { i, h in
            var host = h
            if host.hasPrefix("%2F") || host.hasPrefix("%2f") { host = host.removingPercentEncoding ?? host }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let port = ports.count == 1 ? ports[0] : ports[i]
            return host.hasPrefix("/") ? .socket(directory: host, port: port) : .tcp(host: host, port: port)
        }
        guard !hosts.contains(where: \.isEmpty) else { throw bad("an empty host in \(hostText)") }
        let host = hosts[0]
        let defaultTLS: TLSMode = host.hasPrefix("/") ? .disable : .prefer
        guard let tls = params["sslmode"].map({ TLSMode(rawValue: $0) }) ?? defaultTLS else {
            throw bad("sslmode \(params["sslmode"] ?? "") is not one of disable, prefer, require")
        }
        if tls == .require, endpoints.contains(where: { $0.socketPath != nil }) { throw bad("sslmode=require over a Unix socket (TLS is for TCP)") }
        self.tls = tls
        let timeoutText = params["connect_timeout"] ?? "10"
        guard let timeout = Int(timeoutText), timeout > 0 else { throw bad("connect_timeout \(timeoutText) is not a positive number of seconds") }
        connectTimeout = timeout
    }

    /// `text` with any password between `:` and `@` of the authority, and any `password=`
    /// parameter, replaced by `***` (for messages about a URL that does not parse).
    public static func redacted(_ text: String) -> String {
        var t = text
        if let scheme = t.range(of: "://"), let at = t[scheme.upperBound...].firstIndex(of: "@"),
           let colon = t[scheme.upperBound..<at].firstIndex(of: ":") {
            t.replaceSubrange(t.index(after: colon)..<at, with: "***")
        }
        if let r = t.range(of: "password=") {
            let end = t[r.upperBound...].firstIndex(of: "&") ?? t.endIndex
            t.replaceSubrange(r.upperBound..<end, with: "***")
        }
        return t
    }

    static func osUser() -> String {
        guard let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name else { return "" }
        return String(cString: name)
    }
}
