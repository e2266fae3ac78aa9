import Dispatch
public import Hummingbird

/// Counts and times every request the router answers (`ServerMetrics.recordRequest`), by route
/// template, method and status; submissions (`POST /v1/entries…`) are also counted by outcome.
/// Errors thrown further in are recorded with the status they will be answered with and rethrown.
public struct RequestMetricsMiddleware: RouterMiddleware {
    public typealias Context = AssayRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let status: Int
        do {
            let response = try await next(request, context)
            status = response.status.code
            record(request, context, status, start)
            return response
        } catch {
            status = Self.status(of: error)
            record(request, context, status, start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, _ status: Int, _ start: UInt64) {
        let route = context.endpointPath ?? "NotFound"
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        // Only the standard methods become label values: a client inventing methods cannot
        // grow the number of series.
        let method = Self.knownMethods.contains(request.method) ? request.method.rawValue : "other"
        ServerMetrics.recordRequest(route: route, method: method, status: status, nanoseconds: elapsed)
        if request.method == .post, route.hasPrefix("/v1/entries") {
            ServerMetrics.recordSubmission(status: status)
        }
    }

    static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .patch, .options, .trace, .connect]

    /// The status an error will be answered with (`ProblemMiddleware`'s mapping).
    static func status(of error: any Error) -> Int {
        if let e = error as? any HTTPResponseError { return e.status.code }
        return 500
    }
}
