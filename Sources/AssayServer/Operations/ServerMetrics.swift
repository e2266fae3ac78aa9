import CoreMetrics
import Prometheus
import Synchronization

/// The server's metrics, exposed at `GET /metrics` in the Prometheus text format (0.0.4).
///
/// Everything is recorded through swift-metrics (`Counter`, `Timer`, `Recorder`, `Gauge`) into one
/// Prometheus registry per process (`registry`), which swift-metrics is bootstrapped with on the
/// first `bootstrap()`: any code in the server process that records with swift-metrics (the
/// sequencer, Hummingbird middleware) shows up at `/metrics` too. Names and label names are
/// sanitised to the Prometheus character set (`hb.requests` becomes `hb_requests`).
///
/// The series (described in Schemas/FORMAT.md §16.10):
/// - `assay_http_requests_total{route,method,status}`: requests answered, by route template.
/// - `assay_http_request_duration_seconds{route,method,status}`: histogram of the time to answer.
/// - `assay_submission_requests_total{outcome}`: submission requests by outcome
///   (`accepted` 201, `existing` 200, `refused` 4xx, `failed` 5xx).
/// - `assay_group_entries`: histogram of the entries each checkpoint added (one checkpoint per
///   committed group, so this is the group size), from the checkpoint feed.
/// - `assay_groups_committed`, `assay_entries_appended`: the sequencer's totals since start, read
///   at each scrape (their ratio is the mean group size).
/// - `assay_group_commit_duration_seconds`: histogram of group commit latency, recorded by the
///   sequencer through `recordGroupCommit`.
/// - `assay_tree_size`: the latest stored checkpoint's tree size, read at each scrape and on
///   each published checkpoint.
public enum ServerMetrics {
    /// The Prometheus registry `/metrics` renders.
    static let registry = PrometheusCollectorRegistry()

    /// Metric names.
    public enum Name {
        public static let requests = "assay_http_requests_total"
        public static let requestDuration = "assay_http_request_duration_seconds"
        public static let submissions = "assay_submission_requests_total"
        public static let groupEntries = "assay_group_entries"
        public static let groupCommitDuration = "assay_group_commit_duration_seconds"
        public static let treeSize = "assay_tree_size"
        public static let groupsCommitted = "assay_groups_committed"
        public static let entriesAppended = "assay_entries_appended"
    }

    /// The swift-metrics factory over `registry`, with buckets suited to each series.
    static let factory: PrometheusMetricsFactory = {
        var f = PrometheusMetricsFactory(registry: registry)
        let latency: [Duration] = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                   .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                   .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10)]
        f.defaultDurationHistogramBuckets = latency
        f.valueHistogramBuckets[Name.groupEntries] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
        f.nameAndLabelSanitizer = { name, labels in (sanitize(name), labels.map { (sanitize($0.0), $0.1) }) }
        return f
    }()

    private static let bootstrapped = Mutex(false)

    /// Makes `factory` swift-metrics' global factory, once per process (later calls do nothing),
    /// so metrics recorded anywhere in the server process reach `/metrics`.
    public static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            MetricsSystem.bootstrap(factory)
            done = true
        }
    }

    /// The registry in the Prometheus text exposition format 0.0.4.
    public static func exposition() -> [UInt8] { registry.emitToBuffer() }

    /// Records one answered request.
    /// - Parameters:
    ///   - route: the route template (`/v1/bundles/{product}`), `NotFound` when none matched.
    ///   - method: the HTTP method.
    ///   - status: the status code sent.
    ///   - nanoseconds: the time from receiving the request to answering it.
    public static func recordRequest(route: String, method: String, status: Int, nanoseconds: UInt64) {
        let series = requestSeries(route: route, method: method, status: status)
        series.count.increment()
        series.duration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// The counter and timer of one (route, method, status), made once: making a metric goes
    /// through the registry's lock and label sanitising, too much to pay on every request. The
    /// set is bounded (route templates, the standard methods, status codes).
    private static func requestSeries(route: String, method: String, status: Int) -> (count: CoreMetrics.Counter, duration: CoreMetrics.Timer) {
        let key = RequestSeriesKey(route: route, method: method, status: status)
        if let hit = requestSeriesCache.withLock({ $0[key] }) { return hit }
        let dims = [("route", route), ("method", method), ("status", String(status))]
        let made = (CoreMetrics.Counter(label: Name.requests, dimensions: dims, factory: factory),
                    CoreMetrics.Timer(label: Name.requestDuration, dimensions: dims, factory: factory))
        return requestSeriesCache.withLock { cache in
            if let raced = cache[key] { return raced }
            cache[key] = made
            return made
        }
    }

    private struct RequestSeriesKey: Hashable {
        let route: String, method: String, status: Int
    }

    private static let requestSeriesCache = Mutex<[RequestSeriesKey: (count: CoreMetrics.Counter, duration: CoreMetrics.Timer)]>([:])

    /// The submission counters by outcome, made once.
    private static let submissionCounters: [String: CoreMetrics.Counter] = Dictionary(uniqueKeysWithValues:
        ["accepted", "existing", "refused", "failed"].map { ($0, CoreMetrics.Counter(label: Name.submissions, dimensions: [("outcome", $0)], factory: factory)) })

    /// Records the outcome of one submission request (`POST /v1/entries`, single or batch).
    public static func recordSubmission(status: Int) {
        let outcome = switch status {
        case 201: "accepted"
        case 200...299: "existing"
        case 400...499: "refused"
        default: "failed"
        }
        submissionCounters[outcome]?.increment()
    }

    /// Records how long a group's commit took, from its first submission's arrival to its
    /// checkpoint being signed (for the sequencer to call after each group; the group's size is
    /// recorded from the checkpoint feed).
    public static func recordGroupCommit(nanoseconds: UInt64) {
        groupCommitTimer.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    private static let groupCommitTimer = CoreMetrics.Timer(label: Name.groupCommitDuration, dimensions: [], factory: factory)

    /// Records a new checkpoint: the tree size, and the entries it added since the previous one.
    public static func recordCheckpoint(size: UInt64, added: UInt64?) {
        Gauge(label: Name.treeSize, dimensions: [], factory: factory).record(Double(size))
        if let added, added > 0 {
            Recorder(label: Name.groupEntries, dimensions: [], aggregate: true, factory: factory).record(Double(added))
        }
    }

    /// Records the values read when `/metrics` is scraped.
    static func recordScrape(treeSize: UInt64?, groupsCommitted: Int, entriesAppended: Int) {
        if let treeSize { Gauge(label: Name.treeSize, dimensions: [], factory: factory).record(Double(treeSize)) }
        Gauge(label: Name.groupsCommitted, dimensions: [], factory: factory).record(Double(groupsCommitted))
        Gauge(label: Name.entriesAppended, dimensions: [], factory: factory).record(Double(entriesAppended))
    }

    /// `name` with every character outside `[a-zA-Z0-9_:]` replaced by `_` (and a leading digit prefixed).
    static func sanitize(_ name: String) -> String {
        var out = ""
        for u in name.unicodeScalars {
            let ok = (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "_" || u == ":"
            out.unicodeScalars.append(ok ? u : "_")
        }
        if let f = out.unicodeScalars.first, f >= "0" && f <= "9" { out = "_" + out }
        return out
    }
}
