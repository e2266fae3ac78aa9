@testable public import AssayStorePostgres
import AssayStore
import Foundation
public import Testing

/// A PostgreSQL server for the PostgreSQL tests, from `ASSAY_TEST_POSTGRES_URL` (a superuser's
/// URL: `tools/ci/postgres.sh` starts a server and prints it).
///
/// When the variable is unset, the PostgreSQL tests fail saying so, in CI (`CI` set) always, and
/// elsewhere unless `ASSAY_SKIP_POSTGRES=1`, which turns them off (they are then listed as
/// skipped, with the reason): never a silent skip.
public enum PostgresTestServer {
    /// The variable naming the superuser URL.
    public static let urlVariable = "ASSAY_TEST_POSTGRES_URL"
    /// The variable that turns the PostgreSQL tests off outside CI.
    public static let skipVariable = "ASSAY_SKIP_POSTGRES"

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The superuser URL, or nil.
    public static var adminURL: String? { environment[urlVariable].flatMap { $0.isEmpty ? nil : $0 } }

    /// Whether the PostgreSQL tests run (false only with `ASSAY_SKIP_POSTGRES=1`, outside CI,
    /// with no server named).
    public static var enabled: Bool {
        adminURL != nil || environment["CI"].map { !$0.isEmpty } == true || environment[skipVariable] != "1"
    }

    /// The trait every PostgreSQL suite carries.
    public static var trait: ConditionTrait {
        .enabled(if: enabled, "\(urlVariable) is unset and \(skipVariable)=1 (outside CI): PostgreSQL tests off")
    }

    /// The superuser URL, parsed.
    /// - Throws: a message saying how to get a server, when the variable is unset.
    public static func admin() throws -> PostgresURL {
        guard let text = adminURL else {
            throw PostgresTestUnavailable("""
                no PostgreSQL server for the PostgreSQL tests: \(urlVariable) is unset. Start one with \
                `eval "$(bash tools/ci/postgres.sh)"` (as root on Debian), or set \(skipVariable)=1 to turn these tests off (not in CI)
                """)
        }
        return try PostgresURL(text)
    }

    /// The test roles' password (they are made by the tests, on a test server).
    static let rolePassword = "assay-test"
    /// The role that owns each test ledger's schema.
    public static let ownerRole = "assay_test_owner"
    /// The role Assay writes as in the tests: SELECT and INSERT only.
    public static let writerRole = "assay_test_writer"

    /// The template database holding the current schema, made once per schema text.
    static let template: Result<String, any Error> = Result { try makeTemplate() }

    static func makeTemplate() throws -> String {
        let admin = try admin()
        let statements = PostgresSchema.setupStatements(writerRole: "\"\(writerRole)\"")
        let digest: String = TestSHA256.hex(Array(statements.joined(separator: ";").utf8))
        let name = "assay_test_template_" + String(digest.prefix(12))
        let session = try PostgresSession.connect(admin)
        for role in [ownerRole, writerRole] {
            if try session.scalarInt("SELECT count(*) FROM pg_roles WHERE rolname = $1", [.text(role)]) == 0 {
                try ignoring("already exists") { () throws(StoreError) in try session.query("CREATE ROLE \(role) LOGIN PASSWORD '\(rolePassword)'") }
            }
        }
        if try session.scalarInt("SELECT count(*) FROM pg_database WHERE datname = $1", [.text(name)]) == 1 { return name }
        // Built under a temporary name and renamed, so that a concurrent test process never
        // copies a half-made template.
        let building = name + "_\(getpid())"
        try session.query("DROP DATABASE IF EXISTS \(building)")
        try session.query("CREATE DATABASE \(building) OWNER \(ownerRole)")
        do {
            let inDB = try PostgresSession.connect(try PostgresURL(admin.connectionString(user: admin.user, password: admin.password, database: building)))
            try inDB.query("SET ROLE \(ownerRole)")
            try inDB.query("BEGIN")
            for s in statements { try inDB.query(s) }
            try inDB.query("COMMIT")
            try inDB.connection.close().wait()
        }
        // Another test process may have made the same template meanwhile: then this copy goes.
        if try !ignoring("already exists", { () throws(StoreError) in try session.query("ALTER DATABASE \(building) RENAME TO \(name)") }) {
            try session.query("DROP DATABASE IF EXISTS \(building)")
        }
        return name
    }

    nonisolated(unsafe) static var counter = 0
    static let counterLock = NSLock()

    /// Runs `body`; false when it failed with a message containing `fragment`, which is not rethrown.
    @discardableResult
    static func ignoring(_ fragment: String, _ body: () throws(StoreError) -> Void) throws(StoreError) -> Bool {
        let outcome: StoreError?
        do { try body(); outcome = nil } catch { outcome = error }
        guard let outcome else { return true }
        if outcome.message.contains(fragment) { return false }
        throw outcome
    }

    /// Creates `name` from `template`; false when the template is busy (and this is not the last attempt).
    static func createDatabase(_ session: PostgresSession, name: String, template: String, lastAttempt: Bool) throws -> Bool {
        if lastAttempt {
            try session.query("CREATE DATABASE \(name) TEMPLATE \(template) OWNER \(ownerRole)")
            return true
        }
        return try ignoring("being accessed by other users") { () throws(StoreError) in
            try session.query("CREATE DATABASE \(name) TEMPLATE \(template) OWNER \(ownerRole)")
        }
    }

    /// A new database holding an empty ledger schema (a copy of the template), owned by the test
    /// owner role, with the test writer role granted SELECT and INSERT.
    public static func freshDatabase() throws -> PostgresTestDatabase {
        let admin = try admin()
        let template = try template.get()
        let n = counterLock.withLock { counter += 1; return counter }
        let name = "assay_t_\(getpid())_\(n)_\(UInt32.random(in: 0...UInt32.max))"
        let session = try PostgresSession.connect(admin)
        // Another test process copying the template at the same moment makes CREATE DATABASE
        // fail ("being accessed by other users"): wait and try again.
        var attempt = 0
        while try !createDatabase(session, name: name, template: template, lastAttempt: attempt == 50) {
            attempt += 1
            usleep(100_000)
        }
        return PostgresTestDatabase(admin: admin, name: name)
    }
}

/// Why the PostgreSQL tests cannot run.
public struct PostgresTestUnavailable: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// One test database: URLs for the writer, the owner and the superuser; dropped by `drop()`.
public final class PostgresTestDatabase: @unchecked Sendable {
    let admin: PostgresURL
    /// The database's name.
    public let name: String

    init(admin: PostgresURL, name: String) {
        self.admin = admin
        self.name = name
    }

    /// The URL Assay writes through (SELECT and INSERT only).
    public var writerURL: String {
        admin.connectionString(user: PostgresTestServer.writerRole, password: PostgresTestServer.rolePassword, database: name)
    }
    /// The schema owner's URL.
    public var ownerURL: String {
        admin.connectionString(user: PostgresTestServer.ownerRole, password: PostgresTestServer.rolePassword, database: name)
    }
    /// The superuser's URL for this database.
    public var superuserURL: String { admin.connectionString(user: admin.user, password: admin.password, database: name) }

    /// Drops the database (closing every connection to it first).
    public func drop() {
        guard let session = try? PostgresSession.connect(admin) else { return }
        _ = try? session.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        _ = try? session.connection.close().wait()
    }
}

