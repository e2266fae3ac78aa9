import Hummingbird
import NIOCore

/// Reading a request body within the limits: a declared length over the limit is refused
/// before anything is read (413), a body that grows past it while read is refused (413), and a
/// body that does not arrive in full within the deadline is answered 408.
enum RequestLimits {
    /// The whole body, at most `maxBytes`, within `timeoutSeconds`.
    static func body(of request: Request, maxBytes: Int, timeoutSeconds: Int) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBytes {
            throw tooLarge(declared, maxBytes)
        }
        let body = request.body
        do {
            let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await body.collect(upTo: maxBytes) }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeoutSeconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let buffer = first else {
                    throw Problem.assay("body-timeout", "Request body too slow", .requestTimeout,
                                        "the request body did not arrive within \(timeoutSeconds) s")
                }
                return buffer
            }
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge(nil, maxBytes)
        }
    }

    private static func tooLarge(_ declared: Int?, _ maxBytes: Int) -> Problem {
        Problem.assay("body-too-large", "Request body too large", .contentTooLarge,
                      "the request body\(declared.map { " is \($0) bytes, which is" } ?? " is") over the limit of \(maxBytes) bytes")
    }
}
