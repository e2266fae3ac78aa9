import Foundation
import NIOCore
import NIOPosix

/// An HTTP/1.1 load generator on one NIO event loop: keep-alive connections, one request in
/// flight on each, requests pre-encoded before timing.
///
/// Two ways of driving it:
/// - closed loop: each connection sends its next request as soon as the previous answer
///   arrived, until the deadline (the most the server does with that many clients);
/// - open loop: requests are due at a fixed rate whatever the server does, and each one's
///   latency runs from the moment it was due, not from when a connection was free to send it
///   (so a stalled server shows in the latency instead of slowing the clients down: no
///   coordinated omission).
enum LoadGenerator {
    enum Pacing: Sendable {
        case closed
        case open(perSecond: Double)
    }

    struct Result: Sendable {
        /// Requests answered with the expected status.
        var completed = 0
        /// Answers with another status, by status.
        var unexpected: [Int: Int] = [:]
        /// From the first request's (due) time to the last answer.
        var seconds = 0.0
        /// Seconds from sending (closed loop) or from being due (open loop) to the answer.
        var latencies: [Double] = []
        /// Whether the requests ran out before the deadline.
        var exhausted = false
        /// A connection failure, if any.
        var failure: String?
        /// CPU seconds the server and this process used during the run (filled in by the caller).
        var serverCPU = 0.0
        var generatorCPU = 0.0

        var rate: Double { Double(completed) / seconds }
        func percentile(_ p: Double) -> Double {
            let s = latencies.sorted()
            return s.isEmpty ? .nan : s[min(s.count - 1, Int(Double(s.count) * p))]
        }
    }

    /// One request's bytes: `POST path` with a JSON body, or `GET path`.
    static func post(_ path: String, json body: [UInt8], host: String) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeString("POST \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
        b.writeBytes(body)
        return b
    }

    static func get(_ path: String, host: String) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeString("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n")
        return b
    }

    /// Sends `requests` (in order; round and round when `cycle`) over `connections`
    /// connections to 127.0.0.1:`port` for `seconds`, and waits for every answer.
    static func run(port: Int, connections: Int, requests: [ByteBuffer], cycle: Bool, expectStatus: Int,
                    seconds: Double, pacing: Pacing) throws -> Result {
        try run(ports: [port], connections: connections, requests: requests, cycle: cycle, expectStatus: expectStatus,
                seconds: seconds, pacing: pacing)
    }

    /// The same, the connections spread over several servers (connection i to `ports[i % ports.count]`).
    static func run(ports: [Int], connections: Int, requests: [ByteBuffer], cycle: Bool, expectStatus: Int,
                    seconds: Double, pacing: Pacing) throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let state = LoadState(loop: loop, requests: requests, cycle: cycle, expectStatus: expectStatus, seconds: seconds, pacing: pacing)
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(state: state))
                }
            }
        var channels: [any Channel] = []
        for i in 0..<connections { channels.append(try bootstrap.connect(host: "127.0.0.1", port: ports[i % ports.count]).wait()) }
        try loop.submit { state.start() }.wait()
        try state.done.futureResult.wait()
        for c in channels { try? c.close().wait() }
        return try loop.submit { state.result }.wait()
    }
}

/// The run's state. @unchecked Sendable: every member is touched only on `loop` (the
/// handlers run there, and the caller reaches it through `loop.submit`).
private final class LoadState: @unchecked Sendable {
    let loop: any EventLoop
    let requests: [ByteBuffer]
    let cycle: Bool
    let expectStatus: Int
    let seconds: Double
    let pacing: LoadGenerator.Pacing
    let done: EventLoopPromise<Void>

    var result = LoadGenerator.Result()
    private var next = 0
    private var t0 = 0.0
    private var deadline = 0.0
    private var lastAnswer = 0.0
    private var idle: [ConnectionHandler] = []
    private var connected: [ConnectionHandler] = []
    private var inFlight = 0
    /// Open loop: the due times of requests not yet sent, oldest first.
    private var due: [Double] = []
    private var dueHead = 0
    private var issued = 0
    private var ticker: RepeatedTask?
    private var stopped = false

    init(loop: any EventLoop, requests: [ByteBuffer], cycle: Bool, expectStatus: Int, seconds: Double, pacing: LoadGenerator.Pacing) {
        self.loop = loop
        self.requests = requests
        self.cycle = cycle
        self.expectStatus = expectStatus
        self.seconds = seconds
        self.pacing = pacing
        done = loop.makePromise()
        result.latencies.reserveCapacity(cycle ? 1 << 16 : requests.count)
    }

    func register(_ c: ConnectionHandler) { connected.append(c) }

    func start() {
        t0 = now()
        deadline = t0 + seconds
        idle = connected
        switch pacing {
        case .closed:
            for c in idle { _ = sendNext(on: c, dueAt: nil) }
            idle.removeAll()
            finishIfDone()
        case .open:
            ticker = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .microseconds(500)) { [self] _ in tick() }
        }
    }

    /// Sends the next request on `c` (due at `dueAt`, or now); false when none is left.
    private func sendNext(on c: ConnectionHandler, dueAt: Double?) -> Bool {
        guard !stopped else { return false }
        if next >= requests.count {
            guard cycle, !requests.isEmpty else { result.exhausted = true; stopped = true; return false }
            next = 0
        }
        let start = dueAt ?? now()
        if dueAt == nil, start >= deadline { stopped = true; return false }
        c.send(requests[next], startedAt: start)
        next += 1
        inFlight += 1
        return true
    }

    /// Open loop: makes the requests due by now due, and sends them on idle connections.
    private func tick() {
        guard case .open(let rate) = pacing else { return }
        let t = now()
        let until = min(t, deadline)
        let dueCount = Int((until - t0) * rate)
        while issued < dueCount {
            due.append(t0 + Double(issued) / rate)
            issued += 1
        }
        if t >= deadline {
            ticker?.cancel()
            ticker = nil
        }
        while dueHead < due.count, let c = idle.popLast() {
            if sendNext(on: c, dueAt: due[dueHead]) { dueHead += 1 } else { idle.append(c); break }
        }
        finishIfDone()
    }

    func answered(_ c: ConnectionHandler, status: Int, startedAt: Double) {
        let t = now()
        inFlight -= 1
        lastAnswer = t
        if status == expectStatus {
            result.completed += 1
            result.latencies.append(t - startedAt)
        } else {
            result.unexpected[status, default: 0] += 1
        }
        switch pacing {
        case .closed:
            _ = sendNext(on: c, dueAt: nil)
        case .open:
            if dueHead < due.count, sendNext(on: c, dueAt: due[dueHead]) { dueHead += 1 } else { idle.append(c) }
        }
        finishIfDone()
    }

    func failed(_ message: String) {
        if result.failure == nil { result.failure = message }
        stopped = true
        ticker?.cancel()
        ticker = nil
        inFlight = 0
        finish()
    }

    private func finishIfDone() {
        guard inFlight == 0 else { return }
        switch pacing {
        case .closed: guard stopped else { return }
        case .open: guard ticker == nil, dueHead >= due.count || stopped else { return }
        }
        finish()
    }

    private(set) var finished = false
    private func finish() {
        guard !finished else { return }
        finished = true
        result.seconds = max(lastAnswer, t0) - t0
        done.succeed(())
    }
}

/// One keep-alive connection: writes a request, reads its answer (status line, headers with
/// Content-Length, body), reports it. @unchecked Sendable: touched only on its channel's loop,
/// which is `LoadState.loop`.
private final class ConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: LoadState
    private var context: ChannelHandlerContext?
    private var buffer = ByteBuffer()
    private var startedAt = 0.0

    init(state: LoadState) { self.state = state }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        state.register(self)
    }

    func send(_ request: ByteBuffer, startedAt: Double) {
        self.startedAt = startedAt
        context?.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        while let status = takeResponse() {
            state.answered(self, status: status, startedAt: startedAt)
        }
    }

    /// Removes one complete response from the buffer: its status, or nil if incomplete. Reads
    /// the bytes in place (no strings): the generator shares the machine with the server, so
    /// what it spends per answer is taken from the server.
    private func takeResponse() -> Int? {
        let view = buffer.readableBytesView
        guard let end = Self.headerEnd(view) else { return nil }
        let s = view.startIndex
        // "HTTP/1.1 NNN"
        guard end >= 12, Self.matches(view, at: s, "HTTP/1.1 "),
              let d0 = Self.digit(view[s + 9]), let d1 = Self.digit(view[s + 10]), let d2 = Self.digit(view[s + 11]) else {
            state.failed("malformed status line: \(String(decoding: view[s..<(s + min(end, 80))], as: UTF8.self))")
            return nil
        }
        let status = d0 * 100 + d1 * 10 + d2
        var length = 0
        // Each header line starts after a CRLF; only Content-Length and Transfer-Encoding matter.
        var i = s
        while i < s + end {
            guard view[i] == 13, view[i + 1] == 10 else { i += 1; continue }
            let line = i + 2
            if Self.matches(view, at: line, "content-length:") {
                var j = line + 15, n = 0
                while view[j] == 32 || view[j] == 9 { j += 1 }
                while let d = Self.digit(view[j]) { n = n * 10 + d; j += 1 }
                length = n
            } else if Self.matches(view, at: line, "transfer-encoding:") {
                state.failed("the load generator reads Content-Length bodies only, got Transfer-Encoding")
                return nil
            }
            i = line
        }
        guard view.count >= end + 4 + length else { return nil }
        buffer.moveReaderIndex(forwardBy: end + 4 + length)
        buffer.discardReadBytes()
        return status
    }

    private static func digit(_ b: UInt8) -> Int? { b >= 48 && b <= 57 ? Int(b - 48) : nil }

    /// Whether `view` holds `ascii` at `at`, ignoring the case of letters.
    private static func matches(_ view: ByteBufferView, at: Int, _ ascii: StaticString) -> Bool {
        guard at + ascii.utf8CodeUnitCount <= view.endIndex else { return false }
        return ascii.withUTF8Buffer { want in
            for k in 0..<want.count {
                let b = view[at + k]
                let w = want[k]
                if (b >= 65 && b <= 90 ? b | 0x20 : b) != (w >= 65 && w <= 90 ? w | 0x20 : w) { return false }
            }
            return true
        }
    }

    /// The offset of "\r\n\r\n" in `view`.
    private static func headerEnd(_ view: ByteBufferView) -> Int? {
        var i = view.startIndex
        let last = view.endIndex - 3
        while i < last {
            if view[i] == 13, view[i + 1] == 10, view[i + 2] == 13, view[i + 3] == 10 { return i - view.startIndex }
            i += 1
        }
        return nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.failedIfRunning("the server closed a connection")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        state.failed("connection error: \(error)")
        context.close(promise: nil)
    }
}

extension LoadState {
    /// A connection closing is a failure while the run is going, and expected after it.
    func failedIfRunning(_ message: String) {
        if !finished { failed(message) }
    }
}
