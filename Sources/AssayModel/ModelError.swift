public import AssayCore

/// The one public error of AssayModel: a code, the JSON path of the field at fault,
/// and a one-line message naming the field and the rule it breaks.
public struct ModelError: CodedError {
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
    /// The path of the offending field as written by the decoders (`ilmd.assay:materials[1].name`),
    /// empty for the whole document. `pointer` gives it as an RFC 6901 JSON Pointer.
    public let field: String
    public let message: String
    /// The statement kind being decoded when the error arose (`ComponentOrigin`, or the
    /// EPCIS type before classification), if known.
    public var kind: String?

    public init(_ code: Code, field: String = "", _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// The field as an RFC 6901 JSON Pointer (`/ilmd/assay:materials/1/name`); `""` for the whole document.
    public var pointer: String {
        guard !field.isEmpty else { return "" }
        var out = ""
        var token = ""
        func flush() {
            out += "/"
            for ch in token {
                switch ch {
                case "~": out += "~0"
                case "/": out += "~1"
                default: out.append(ch)
                }
            }
            token = ""
        }
        var inIndex = false
        var afterIndex = false
        for c in field {
            defer { afterIndex = (c == "]") }
            switch c {
            case "." where !inIndex:
                if !afterIndex { flush() }
            case "[" where !inIndex:
                if !token.isEmpty { flush() }
                inIndex = true
            case "]" where inIndex:
                flush()
                inIndex = false
            default:
                token.append(c)
            }
        }
        if !token.isEmpty || !field.hasSuffix("]") { flush() }
        return out
    }

    /// One line: the kind, the JSON Pointer of the field, and the rule broken.
    public var description: String {
        let where_ = field.isEmpty ? "" : "\(pointer): "
        return (kind.map { "\($0) " } ?? "") + where_ + message
    }

    /// The same error, marked with the statement kind.
    public func inKind(_ kind: String) -> ModelError {
        var e = self
        if e.kind == nil { e.kind = kind }
        return e
    }

    public static func == (lhs: ModelError, rhs: ModelError) -> Bool { lhs.code == rhs.code && lhs.field == rhs.field }
}
