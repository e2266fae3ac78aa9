import Testing

/// The reliability suite: real `assay` processes against real SQLite files.
///
/// - Crash safety (`CrashSafetyTests`): `assay append` is killed with SIGKILL at random
///   moments; after every kill the ledger verifies, every acknowledged entry is present with
///   the leaf hash it was acknowledged with, and no half-written batch is visible.
/// - Power loss (`PowerLossTests`): the database and its WAL are copied mid-write, the way a
///   crashed disk could hold them, and every copy must open, recover and verify.
/// - Concurrent writers (`ConcurrentWriterTests`): four writer processes and three readers on
///   one ledger.
///
/// The suites run one after another (`.serialized`): each one times and kills processes, and
/// sharing two cores with another would only make the timings noisier.
///
/// Knobs (environment variables), all optional:
/// - `ASSAY_BIN`: the `assay` executable when it is not beside the test bundle.
/// - `ASSAY_CRASH_SEED`, `ASSAY_CRASH_KILLS`, `ASSAY_CRASH_WORKERS`: the crash soak's seed
///   (decimal or 0x-hex), kill target (default 300; at least 200 is the requirement) and parallel ledgers (default 2).
/// - `ASSAY_POWERLOSS_SEED`, `ASSAY_CONCURRENCY_SEED`: seeds of the other two suites.
/// - `ASSAY_KEEP_TEST_DIRS=1`: keep the scratch directories for inspection.
@Suite("Reliability", .serialized)
enum Reliability {}
