import Hummingbird
import Logging

/// Turns every error a route throws into an RFC 9457 problem response: `Problem`s as they are,
/// Hummingbird's own HTTP errors (404, 413, 408 …) with their status, anything else as a 500
/// whose detail does not leak internals (it is logged instead).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AssayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let p as Problem {
            return try p.response(from: request, context: context)
        } catch let e as HTTPError {
            let detail = e.body ?? (e.status == .notFound ? "no route for \(request.method) \(request.uri.path)" : e.status.reasonPhrase)
            var p = Problem.http(e.status, detail)
            p.headers = e.headers
            return try p.response(from: request, context: context)
        } catch let e as any HTTPResponseError {
            return try Problem.http(e.status, e.status.reasonPhrase).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try Problem.http(.internalServerError, "internal error").response(from: request, context: context)
        }
    }
}
