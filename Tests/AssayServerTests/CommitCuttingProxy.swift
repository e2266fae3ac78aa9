import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay between a client and a PostgreSQL server on 127.0.0.1 that can lose a connection
/// at the worst moments of a write transaction (`Cut`): once armed, the next transaction through
/// it loses its connection there.
///
/// It reads the protocol only as far as it must: the statements `INSERT INTO …` and `COMMIT` in
/// the client's Parse messages and the server's CommandComplete tag `COMMIT\0` in the answer.
final class CommitCuttingProxy: Sendable {
    enum Cut: Int, CustomStringConvertible {
        /// The first INSERT is not forwarded: the transaction never reaches its COMMIT.
        case midTransaction
        /// The COMMIT is not forwarded: the server rolls the transaction back.
        case beforeCommit
        /// The COMMIT is forwarded and answered (the transaction is committed); the answer is lost.
        case afterCommit

        var description: String {
            switch self {
            case .midTransaction: "in the middle of the transaction"
            case .beforeCommit: "with the COMMIT unsent"
            case .afterCommit: "after the server committed, its answer unsent"
            }
        }
    }

    let port: Int
    private let listener: Int32
    /// The armed cut's raw value, or -1.
    private let armed = Atomic<Int>(-1)
    private let cuts = Atomic<Int>(0)
    private let upstreamPort: Int

    /// Listens on 127.0.0.1 (a free port) and relays to 127.0.0.1:`upstreamPort`.
    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("proxy: socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw TestFailure("proxy: bind/listen: errno \(errno)") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        listener = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// The next transaction through the relay loses its connection at `cut`.
    func arm(_ cut: Cut) { armed.store(cut.rawValue, ordering: .sequentiallyConsistent) }

    /// How many connections were cut.
    var cutCount: Int { cuts.load(ordering: .sequentiallyConsistent) }

    /// Stops taking connections (relayed ones end with their peers).
    func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    private static func loopback(port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        return a
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = Self.loopback(port: upstreamPort)
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard ok == 0 else { close(client); close(server); continue }
            let link = Link(client: client, server: server)
            Thread { [self] in relay(link, fromClient: true) }.start()
            Thread { [self] in relay(link, fromClient: false) }.start()
        }
    }

    /// One relayed connection: its two sockets, and whether its COMMIT is to be cut.
    private final class Link: Sendable {
        let client: Int32
        let server: Int32
        let cutNextCommitAnswer = Atomic<Bool>(false)
        let closed = Atomic<Bool>(false)
        init(client: Int32, server: Int32) { self.client = client; self.server = server }

        func closeBoth() {
            guard !closed.exchange(true, ordering: .sequentiallyConsistent) else { return }
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(server, Int32(SHUT_RDWR))
        }
    }

    private func relay(_ link: Link, fromClient: Bool) {
        let from = fromClient ? link.client : link.server, to = fromClient ? link.server : link.client
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer {
            link.closeBoth()
            close(from)
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            let chunk = buffer[0..<n]
            if fromClient, let cut = Cut(rawValue: armed.load(ordering: .sequentiallyConsistent)) {
                // A Parse message carries the statement's name (empty: a NUL) and then its text:
                // "\0COMMIT\0" is the COMMIT statement, not "BEGIN … READ COMMITTED".
                let trigger = cut == .midTransaction ? "INSERT INTO" : "\0COMMIT\0"
                if Self.contains(chunk, trigger),
                   armed.compareExchange(expected: cut.rawValue, desired: -1, ordering: .sequentiallyConsistent).exchanged {
                    if cut == .afterCommit {
                        link.cutNextCommitAnswer.store(true, ordering: .sequentiallyConsistent)
                    } else {
                        cuts.add(1, ordering: .sequentiallyConsistent)
                        return // not forwarded
                    }
                }
            } else if !fromClient, link.cutNextCommitAnswer.load(ordering: .sequentiallyConsistent), Self.contains(chunk, "COMMIT\0") {
                // The server committed; the client never hears it.
                cuts.add(1, ordering: .sequentiallyConsistent)
                return
            }
            var sent = 0
            while sent < n {
                let w = chunk.withUnsafeBytes { write(to, $0.baseAddress! + sent, n - sent) }
                if w <= 0 { return }
                sent += w
            }
        }
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard haystack.count >= n.count else { return false }
        var i = haystack.startIndex
        while i + n.count <= haystack.endIndex {
            if haystack[i] == n[0], haystack[i..<(i + n.count)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }
}
