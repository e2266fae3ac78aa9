/// A JSON text built straight into bytes: answers on the submission path are written without
/// intermediate `String`s (a string's bytes escaped per RFC 8259 in one pass, base64 from a
/// table), which matters at thousands of answers per second.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// Appends bytes that are already JSON.
    mutating func raw(_ b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }
    mutating func raw(_ s: StaticString) { s.withUTF8Buffer { bytes.append(contentsOf: $0) } }

    /// Appends an unsigned integer in decimal.
    mutating func int(_ v: UInt64) { raw(String(v).utf8) }

    /// Appends `s` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\r`,
    /// `\t` or `\u00XX`, every other byte (UTF-8 included) as it is.
    mutating func string(_ s: some StringProtocol) {
        bytes.append(0x22)
        for c in s.utf8 {
            switch c {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
            default: bytes.append(c)
            }
        }
        bytes.append(0x22)
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the standard base64 (RFC 4648 §4, padded) of `data` as a JSON string.
    mutating func base64String(_ data: some Collection<UInt8>) {
        bytes.append(0x22)
        let a = Self.alphabet
        var it = data.makeIterator()
        while let b0 = it.next() {
            let b1 = it.next(), b2 = it.next()
            let n = UInt32(b0) << 16 | UInt32(b1 ?? 0) << 8 | UInt32(b2 ?? 0)
            bytes.append(a[Int(n >> 18 & 63)])
            bytes.append(a[Int(n >> 12 & 63)])
            bytes.append(b1 == nil ? 0x3D : a[Int(n >> 6 & 63)])
            bytes.append(b2 == nil ? 0x3D : a[Int(n & 63)])
        }
        bytes.append(0x22)
    }
}
