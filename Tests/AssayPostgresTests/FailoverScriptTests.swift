import AssayTestSupport
import Foundation
import Testing

/// Runs `tools/postgres-failover.sh` (issue 19): a primary with a synchronous standby, a submission
/// load through two `assay serve` processes, kill -9 of the primary's postmaster mid-load,
/// `pg_ctl promote` of the standby. The script checks that every acknowledged entry is on the
/// promoted standby at its seq and that the ledger verifies; this test runs it with the built
/// `assay` and reads its summary, so CI runs the failover on every change.
@Suite("PostgreSQL failover (tools/postgres-failover.sh)", PostgresTestServer.trait)
struct FailoverScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test("kill -9 of the primary mid-load, standby promoted: every acknowledged entry is on it, verify OK, the load goes on")
    func failover() throws {
        guard getuid() == 0 else {
            Issue.record("tools/postgres-failover.sh runs the clusters as the postgres user and needs root (CI runs as root)")
            return
        }
        let assay = try CLIHarness.assayExecutable()
        let r = try CLIHarness.run(executable: "/bin/bash", [Self.root + "/tools/postgres-failover.sh", "--bin", assay, "-n", "450"],
                                   environment: ["ASSAY_FAILOVER_PORTS": "55611 55612"], timeout: 600)
        #expect(r.exitCode == 0, "\(r)")
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("failover OK: 450 entries acknowledged"), "\(r)")
        // "(B before the kill of the primary, A after the standby's promotion, …)": both parts non-empty.
        let numbers = last.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count >= 4 && numbers[1] >= 150 && numbers[2] > 0, "\(last)")
    }
}
