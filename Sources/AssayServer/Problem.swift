public import Hummingbird
import AssayModel
import NIOCore

/// An RFC 9457 problem: every 4xx and 5xx the server sends is one, as
/// `application/problem+json` `{"type","title","status","detail"}`. `detail` is the same
/// one-line reason the CLI prints for the same input.
public struct Problem: Error, HTTPResponseError, Sendable {
    /// A URI naming the kind of problem (`urn:assay:problem:<name>`, or `about:blank` for a
    /// plain HTTP status such as 404).
    public let type: String
    /// A short summary of the kind of problem (the same for every problem of this type).
    public let title: String
    public let status: HTTPResponse.Status
    /// What went wrong with this request, one line.
    public let detail: String
    /// Extra response headers (`Allow`, `Retry-After`).
    public var headers: HTTPFields = [:]

    public init(type: String, title: String, status: HTTPResponse.Status, detail: String) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail.replacingOccurrences(of: "\n", with: " ")
    }

    /// A problem of Assay's own kind `name` (`urn:assay:problem:<name>`).
    public static func assay(_ name: String, _ title: String, _ status: HTTPResponse.Status, _ detail: String) -> Problem {
        Problem(type: "urn:assay:problem:\(name)", title: title, status: status, detail: detail)
    }

    /// A problem that is only its HTTP status (`about:blank`, the status's reason as title).
    public static func http(_ status: HTTPResponse.Status, _ detail: String) -> Problem {
        Problem(type: "about:blank", title: status.reasonPhrase, status: status, detail: detail)
    }

    /// The problem as a JSON object (compact, in field order).
    public var json: String {
        JSONWriter.object([("type", JSONWriter.quote(type)), ("title", JSONWriter.quote(title)),
                           ("status", "\(status.code)"), ("detail", JSONWriter.quote(detail))])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
