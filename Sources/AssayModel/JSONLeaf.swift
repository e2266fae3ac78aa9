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
        try JSONSource.parse(bytes, limits: limits).leaves
    }
}

extension JSONSource {
    /// Every leaf under this value, in written order, with number literals as written.
    public var leaves: [JSONLeaf] {
        var out: [JSONLeaf] = []
        // An explicit stack: depth is bounded by the parser, but no recursion is needed.
        var stack: [([JSONLeaf.Step], JSONSource)] = [([], self)]
        while let (path, v) = stack.popLast() {
            switch v {
            case .null: out.append(JSONLeaf(path: path, kind: .null, text: "null"))
            case .bool(let b): out.append(JSONLeaf(path: path, kind: .bool, text: b ? "true" : "false"))
            case .number(let n): out.append(JSONLeaf(path: path, kind: .number, text: n.literal))
            case .string(let s): out.append(JSONLeaf(path: path, kind: .string, text: s))
            case .array(let a):
                if a.isEmpty { out.append(JSONLeaf(path: path, kind: .array, text: "[]")) }
                for (i, x) in a.enumerated().reversed() { stack.append((path + [.index(i)], x)) }
            case .object(let m):
                if m.isEmpty { out.append(JSONLeaf(path: path, kind: .object, text: "{}")) }
                for x in m.reversed() { stack.append((path + [.key(x.key)], x.value)) }
            }
        }
        return out
    }
}
