import AssayStore
import AssayStorePostgres
import Testing

/// `--ledger postgres://…` parsing (no server needed).
@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    let env = ["PGUSER": "envuser"]

    @Test("TCP: user, password, host, port, database; the password never in the description")
    func tcp() throws {
        let u = try PostgresURL("postgres://alice:s3cr%40t@db.example:6543/ledger", environment: [:])
        #expect(u.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(u.user == "alice" && u.password == "s3cr@t" && u.database == "ledger" && u.tls == .prefer)
        #expect(u.description == "postgres://alice@db.example:6543/ledger")
        #expect(!u.description.contains("s3cr"))
        let again = try PostgresURL(u.connectionString(user: u.user, password: u.password, database: u.database), environment: [:])
        #expect(again == u)
    }

    @Test("Unix socket: postgres:///db?host=/dir, and a %2F host")
    func socket() throws {
        let u = try PostgresURL("postgres:///assay?host=/var/run/postgresql", environment: env)
        #expect(u.endpoint == .socket(directory: "/var/run/postgresql", port: 5432))
        #expect(u.endpoint.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(u.user == "envuser" && u.database == "assay" && u.tls == .disable)
        let v = try PostgresURL("postgresql://bob@%2Ftmp%2Fpg:55432/x", environment: [:])
        #expect(v.endpoint == .socket(directory: "/tmp/pg", port: 55432))
        #expect(v.endpoint.socketPath == "/tmp/pg/.s.PGSQL.55432")
        let w = try PostgresURL("postgres://bob@/x?host=/tmp/pg&port=55432&sslmode=disable", environment: [:])
        #expect(w == v)
        #expect(try PostgresURL(w.connectionString(user: "bob", password: "p", database: "x"), environment: [:]).endpoint == v.endpoint)
    }

    @Test("refuses what it cannot honour, naming the part, never the password", arguments: [
        ("postgres://u:pw@h/db?sslmode=verify-full", "sslmode"),
        ("postgres://u:pw@h/db?application_name=x", "unknown parameter application_name"),
        ("postgres://u:pw@h:0/db", "port 0"),
        ("postgres://u:pw@h/a/b", "one database name"),
        ("postgres://u:pw@h/db?connect_timeout=-1", "connect_timeout"),
        ("postgres://u:pw@/db?host=/s&sslmode=require", "Unix socket"),
    ])
    func refusals(_ text: String, _ fragment: String) {
        do {
            _ = try PostgresURL(text, environment: [:])
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(!error.message.contains("pw"), "the password leaked: \(error.message)")
        }
    }

    @Test("several servers: host=a,b&port=p,q, tried in order; one port for all; mismatched counts refused")
    func severalHosts() throws {
        let u = try PostgresURL("postgres://u@/db?host=10.0.0.1,10.0.0.2&port=5432,5433", environment: [:])
        #expect(u.endpoints == [.tcp(host: "10.0.0.1", port: 5432), .tcp(host: "10.0.0.2", port: 5433)])
        #expect(u.description == "postgres://u@/db?host=10.0.0.1,10.0.0.2&port=5432,5433")
        #expect(try PostgresURL(u.description, environment: [:]).endpoints == u.endpoints)
        let v = try PostgresURL("postgres://u@/db?host=/s1,/s2&port=6000", environment: [:])
        #expect(v.endpoints == [.socket(directory: "/s1", port: 6000), .socket(directory: "/s2", port: 6000)])
        #expect(throws: StoreError.self) { _ = try PostgresURL("postgres://u@/db?host=a,b,c&port=1,2", environment: [:]) }
        #expect(throws: StoreError.self) { _ = try PostgresURL("postgres://u@/db?host=a,,c", environment: [:]) }
    }

    @Test("only postgres:// and postgresql:// are URLs; every other --ledger value is a file")
    func scheme() {
        #expect(PostgresURL.isPostgresURL("postgres://x"))
        #expect(PostgresURL.isPostgresURL("postgresql:///x"))
        #expect(!PostgresURL.isPostgresURL("ledger.assay"))
        #expect(!PostgresURL.isPostgresURL("./postgres://x"))
    }
}
