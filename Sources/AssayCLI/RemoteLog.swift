import AssayVerify
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP access to an Assay server (`assay serve`) for the client commands — `submit`,
/// `verify --server`, `export --server` — through Foundation's URLSession (no cache, no
/// cookies). Paths are resolved below the server URL, which may carry a prefix
/// (`https://log.example/assay/`).
struct RemoteLog: Sendable {
    /// One HTTP answer.
    struct Answer: Sendable {
        let status: Int
        let body: [UInt8]
        let contentType: String?

        /// The RFC 9457 `detail` of a problem answer, else the start of the body as text.
        var reason: String {
            if let obj = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let detail = obj["detail"] as? String {
                return detail
            }
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? HTTPURLResponse.localizedString(forStatusCode: status) : text
        }
    }

    let base: URL
    let session: URLSession

    /// A client of the server at `server` (`http://` or `https://`, a host, an optional path prefix).
    /// - Throws: `CLIFailure.input` for anything else.
    init(_ server: String) throws {
        guard var components = URLComponents(string: server), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil else {
            throw CLIFailure.input("--server \(server) is not an http:// or https:// URL of a server (host, optional path prefix, no query)")
        }
        if !components.path.hasSuffix("/") { components.path += "/" }
        guard let url = components.url else { throw CLIFailure.input("--server \(server) is not a valid URL") }
        base = url
        let config = URLSessionConfiguration.ephemeral
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        config.httpShouldSetCookies = false
        config.timeoutIntervalForRequest = 120
        config.httpMaximumConnectionsPerHost = 16
        session = URLSession(configuration: config)
    }

    /// The URL of `path` (no leading slash) below the server URL.
    func url(_ path: String) -> URL { URL(string: path, relativeTo: base)!.absoluteURL }

    /// `GET path`.
    func get(_ path: String, accept: String? = nil) async throws -> Answer {
        var request = URLRequest(url: url(path))
        if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
        return try await send(request)
    }

    /// `POST path` with `body`.
    func post(_ path: String, body: [UInt8], contentType: String) async throws -> Answer {
        var request = URLRequest(url: url(path))
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body)
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> Answer {
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw CLIFailure.input("cannot reach \(request.url?.absoluteString ?? base.absoluteString): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw CLIFailure.input("\(request.url?.absoluteString ?? "") did not answer over HTTP")
        }
        return Answer(status: http.statusCode, body: [UInt8](data), contentType: http.value(forHTTPHeaderField: "Content-Type"))
    }

    /// The fetch function of a `TilesReader` over this server: the body of a 200, nil for a
    /// 404, an error for any other answer.
    var tileFetch: TilesReader.Fetch {
        let log = self
        return { path in
            let answer = try await log.get(path)
            switch answer.status {
            case 200: return answer.body
            case 404: return nil
            default: throw CLIFailure.input("GET \(log.url(path).absoluteString) answered \(answer.status): \(answer.reason)")
            }
        }
    }
}
