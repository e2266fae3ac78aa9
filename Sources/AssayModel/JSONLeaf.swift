/// One scalar of a JSON document (or an empty array or object), where it stands and its
/// text as written: a string's decoded contents, a number's literal exactly as signed (never
/// re-rendered through a floating-point value), `true`, `false`, `null`, `[]` or `{}`.
public struct JSONLeaf: Sendable, Equatable {
    public enum Step: Sendable, Equatable, Hashable {
        case key(String)
        case index(Int)
    }

    public enum Kind: String, Sendable, Equatable {
        case string, number, bool, null, array, object
    }

    public let path: [Step]
    public let kind: Kind
    public let text: String

    public init(path: [Step], kind: Kind, text: String) {
        self.path = path
        self.kind = kind
        self.text = text
    }

    /// The path as `a.b[0].c` (the form field paths in error messages take).
    public var pathString: String {
        var out = ""
        for step in path {
            switch step {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .index(let n): out += "[\(n)]"
            }
        }
        return out
    }

    /// The last member name on the path (nil for a top-level array element or the root).
    public var key: String? {
        for step in path.reversed() { if case .key(let k) = step { return k } }
        return nil
    }
}

extension JSONValue {
    /// Every leaf of a JSON document in document order, parsed as strictly as `parse`.
    public static func leaves(_ bytes: [UInt8], limits: Limits = Limits()) throws(ModelError) -> [JSONLeaf] {
        guard bytes.count <= limits.maxBytes else {
            throw ModelError(.tooLarge, "document is \(bytes.count) bytes, over the limit of \(limits.maxBytes)")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ModelError(.malformedJSON, "document is not valid UTF-8")
        }
        var p = JSONParser(bytes: bytes, maxDepth: limits.maxDepth)
        p.leaves = []
        _ = try p.parseDocument()
        return p.leaves ?? []
    }
}
