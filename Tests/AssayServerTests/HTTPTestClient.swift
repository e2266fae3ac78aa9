import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small blocking HTTP/1.1 client over one keep-alive TCP connection to 127.0.0.1, written
/// for the tests: it sends exactly the bytes a test asks for (wrong content types, lying
/// lengths, bodies dribbled slowly) and parses responses with `Content-Length` or chunked
/// bodies. One client per thread.
final class HTTPTestClient {
    let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`; reads time out after `timeout` seconds.
    init(port: Int, timeout: Int = 120) throws {
        self.port = port
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket(): \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            let e = String(cString: strerror(errno))
            Glibc.close(fd)
            throw TestFailure("connect to 127.0.0.1:\(port): \(e)")
        }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Sends one request and reads its response.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> HTTPTestResponse {
        try send(method, path, headers: headers, body: body)
        return try readResponse()
    }

    /// `POST path` with a JSON body.
    func postJSON(_ path: String, _ body: [UInt8], contentType: String = "application/json") throws -> HTTPTestResponse {
        try request("POST", path, headers: [("Content-Type", contentType)], body: body)
    }

    /// Writes a request (head, then body) without reading the answer.
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body, !headers.contains(where: { $0.0.lowercased() == "content-length" }) { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + (body ?? []))
    }

    /// Writes raw bytes.
    func write(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TestFailure("send: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// Reads one response.
    func readResponse() throws -> HTTPTestResponse {
        let headEnd = try readUntil([13, 10, 13, 10])
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestFailure("bad status line in \(head)") }
        var headers: [String: String] = [:]
        for l in lines {
            guard let colon = l.firstIndex(of: ":") else { continue }
            headers[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if let cl = headers["content-length"].flatMap(Int.init) {
            try fill(cl)
            body = Array(buffer.prefix(cl))
            buffer.removeFirst(cl)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let lineEnd = try readUntil([13, 10])
                let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";")[0]
                buffer.removeFirst(lineEnd + 2)
                guard let size = Int(sizeText, radix: 16) else { throw TestFailure("bad chunk size \(sizeText)") }
                try fill(size + 2)
                body += buffer.prefix(size)
                buffer.removeFirst(size + 2)
                if size == 0 { break }
            }
        }
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }

    /// Whether the server closed the connection (reads end of stream) within `timeout` seconds.
    func isClosedByPeer(within timeout: Double) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let r = poll(&pfd, 1, 100)
            if r > 0 {
                var b: UInt8 = 0
                let n = recv(fd, &b, 1, Int32(MSG_PEEK))
                return n == 0 || (n < 0 && errno != EAGAIN)
            }
        }
        return false
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 {
            if errno == EINTR { return }
            throw TestFailure("recv: \(String(cString: strerror(errno)))")
        }
        if n == 0 { throw TestFailure("connection closed by the server") }
        buffer += chunk.prefix(n)
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var from = 0
        while true {
            if buffer.count >= marker.count {
                for i in from...(buffer.count - marker.count) where buffer[i] == marker[0] && Array(buffer[i..<(i + marker.count)]) == marker {
                    return i
                }
                from = buffer.count - marker.count + 1
            }
            try readMore()
        }
    }

    private func fill(_ n: Int) throws {
        while buffer.count < n { try readMore() }
    }
}

/// One HTTP response.
struct HTTPTestResponse: CustomStringConvertible {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (nil when it is not one).
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }

    var description: String { "HTTP \(status) \(headers["content-type"] ?? "") \(text.prefix(600))" }
}

/// A failure of the test machinery itself (not of the server under test).
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
