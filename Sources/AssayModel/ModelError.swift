/// The one public error of AssayModel: a code, the JSON path of the field at fault,
/// and a one-line message naming the field and the rule it breaks.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformedJSON
        case tooLarge
        case tooDeep
        case missingField
        case unknownField
        case wrongType
        case invalidValue
        case unknownKind
    }

    public let code: Code
    /// The JSON path of the offending field (`roles[1]`), empty for the whole document.
    public let field: String
    public let message: String

    public init(_ code: Code, field: String = "", _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }

    public static func == (lhs: ModelError, rhs: ModelError) -> Bool { lhs.code == rhs.code && lhs.field == rhs.field }
}
