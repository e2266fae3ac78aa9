import Testing
@testable import AssayModel

/// Runs `body` and expects it to throw a `ModelError` with `code`, `field` and a message
/// holding every one of `fragments`. Returns the error for further checks.
@discardableResult
func expectModelError<T>(
    _ fragments: String...,
    code: ModelError.Code = .invalidValue,
    field: String = "",
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> T
) -> ModelError? {
    do {
        let value = try body()
        Issue.record("expected a ModelError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as ModelError {
        #expect(error.code == code, "code of: \(error)", sourceLocation: sourceLocation)
        #expect(error.field == field, "field of: \(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "message \"\(error.message)\" lacks \"\(fragment)\"",
                    sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a ModelError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
