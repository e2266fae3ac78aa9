import Hummingbird
import Logging

/// One structured log line per request (method, path, status, duration in µs, peer) on the
/// request's logger, which carries Hummingbird's request id: `trace` for answers below 500,
/// `error` for 5xx. Bodies and headers are never logged (they may carry anything).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AssayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let micros = (ContinuousClock.now - start) / .microseconds(1)
        func metadata() -> Logger.Metadata {
            ["method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
             "micros": "\(Int(micros))", "peer": "\(context.remoteAddress?.ipAddress ?? "-")"]
        }
        if response.status.code >= 500 {
            context.logger.error("request", metadata: metadata())
        } else {
            context.logger.trace("request", metadata: metadata())
        }
        return response
    }
}
