import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP connection to the server for the hostile-client tests: it can come from another
/// loopback address (`127.0.0.2`: another client to a per-address rate limit), send arbitrary
/// bytes as slowly as a test wants, and tell a response from a closed connection.
final class RawConnection {
    private var fd: Int32 = -1

    /// What came back.
    enum Outcome: CustomStringConvertible {
        /// The bytes the server sent before closing or going quiet (the head and body of a response).
        case response(status: Int, headers: [String: String], body: String)
        /// The server closed the connection without a response.
        case closed
        /// Nothing within the wait.
        case silent

        var description: String {
            switch self {
            case .response(let s, let h, let b): "HTTP \(s) \(h["content-type"] ?? "") \(b.prefix(300))"
            case .closed: "connection closed without a response"
            case .silent: "no answer"
            }
        }

        var status: Int? { if case .response(let s, _, _) = self { s } else { nil } }
    }

    /// Connects to `127.0.0.1:port` from `source` (any loopback address).
    init(port: Int, from source: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket(): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let b = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard b == 0 else { throw TestFailure("bind \(source): \(String(cString: strerror(errno)))") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard r == 0 else { throw TestFailure("connect: \(String(cString: strerror(errno)))") }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Sends `bytes`; false when the server has already closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return false }
            off += n
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Whether something (data or the end of the stream) can be read within `seconds`.
    func readable(within seconds: Double) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, Int32(seconds * 1000)) > 0
    }

    /// Reads until the server closes the connection or is quiet for `quiet` seconds (at most
    /// `limit` seconds in all), and says what came back.
    func outcome(quiet: Double = 1.5, limit: Double = 30) -> Outcome {
        var bytes: [UInt8] = []
        var closed = false
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline, readable(within: bytes.isEmpty ? min(limit, deadline.timeIntervalSinceNow) : quiet) {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { closed = true; break }
            bytes += chunk.prefix(n)
            if Self.complete(bytes) { break }
        }
        guard !bytes.isEmpty else { return closed ? .closed : .silent }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return .response(status: -1, headers: [:], body: text) }
        var lines = text[..<headEnd.lowerBound].components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for l in lines {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
        }
        return .response(status: statusLine.count > 1 ? Int(statusLine[1]) ?? -1 : -1, headers: headers, body: String(text[headEnd.upperBound...]))
    }

    /// Whether `bytes` hold a whole response with a Content-Length body.
    private static func complete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        guard let cl = head.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let n = Int(cl.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
        return text[end.upperBound...].utf8.count >= n
    }

    /// One request: sends `raw` and returns what came back.
    static func exchange(port: Int, _ raw: [UInt8], from source: String = "127.0.0.1") throws -> Outcome {
        let c = try RawConnection(port: port, from: source)
        guard c.send(raw) else { return .closed }
        return c.outcome()
    }
}
