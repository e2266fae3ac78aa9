import Foundation
import HTTPTypes
import Hummingbird

/// Answers a request whose path the API has, but not under the request's method, with 405
/// Method Not Allowed and an `Allow` header (RFC 9110 §15.5.6), instead of the router's 404.
///
/// Hummingbird's trie router does not say which methods a path has, so the table is the
/// served OpenAPI document's (`OpenAPIDocument`, which the tests check the server against):
/// each path template becomes a pattern (`{name}` is one non-empty segment part, everything else
/// literal) with the methods the document lists. Only the router's own "no route" reaches this
/// (a handler's 404 is a `Problem`), so a missing item never turns into 405.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AssayRequestContext

    struct Route: Sendable {
        /// Literal text and `nil` for a parameter, per segment.
        let segments: [[String?]]
        let methods: [String]

        /// Whether `path` (already split on `/`) fits the template.
        func matches(_ parts: [Substring]) -> Bool {
            guard parts.count == segments.count else { return false }
            return zip(parts, segments).allSatisfy { part, pieces in Self.match(part, pieces[...]) }
        }

        /// Literal pieces must appear in order; a parameter takes at least one character.
        static func match(_ text: Substring, _ pieces: ArraySlice<String?>) -> Bool {
            guard let first = pieces.first else { return text.isEmpty }
            let rest = pieces.dropFirst()
            if let literal = first {
                guard text.hasPrefix(literal) else { return false }
                return match(text.dropFirst(literal.count), rest)
            }
            // A parameter: every split that leaves it non-empty.
            guard !text.isEmpty else { return false }
            var i = text.index(after: text.startIndex)
            while true {
                if match(text[i...], rest) { return true }
                if i == text.endIndex { return false }
                i = text.index(after: i)
            }
        }
    }

    /// The API's path templates and their methods.
    let routes: [Route]

    /// The table of an OpenAPI document's `paths` (the log server passes `OpenAPIDocument.json`).
    init(openAPI document: String) {
        routes = Self.parse(document)
    }

    /// The path templates and methods of an OpenAPI document.
    static func parse(_ document: String) -> [Route] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any],
              let paths = object["paths"] as? [String: Any] else { return [] }
        let verbs = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return paths.compactMap { template, item in
            guard let item = item as? [String: Any] else { return nil }
            let methods = verbs.filter { item[$0] != nil }.map { $0.uppercased() }
            let segments = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { segment -> [String?] in
                var pieces: [String?] = []
                var rest = segment[...]
                while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                    if open > rest.startIndex { pieces.append(String(rest[..<open])) }
                    pieces.append(nil)
                    rest = rest[rest.index(after: close)...]
                }
                if !rest.isEmpty { pieces.append(String(rest)) }
                return pieces
            }
            return Route(segments: segments, methods: methods)
        }
    }

    /// The methods the document lists for `path`, or nil when no template fits it.
    func allowed(_ path: String) -> [String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        let methods = routes.filter { $0.matches(parts) }.flatMap(\.methods)
        return methods.isEmpty ? nil : Array(Set(methods)).sorted()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound && context.endpointPath == "NotFound" {
            guard let allowed = allowed(request.uri.path), !allowed.contains(request.method.rawValue) else { throw e }
            let list = allowed.joined(separator: ", ")
            var p = Problem.assay("method-not-allowed", "Method Not Allowed", .methodNotAllowed,
                                  "\(request.method.rawValue) is not allowed on \(request.uri.path): use \(list)")
            p.headers[.allow] = list
            throw p
        }
    }
}
