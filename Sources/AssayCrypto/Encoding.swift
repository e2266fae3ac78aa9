import Foundation

/// Lower-case hex encoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<B: Sequence<UInt8>>(_ bytes: B) -> String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case). Returns nil on an odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Standard base64 (RFC 4648 §4) with padding, strict on decode: no whitespace,
/// no missing padding, no characters outside the alphabet, and canonical trailing bits.
public enum Base64 {
    public static func encode<B: Collection<UInt8>>(_ bytes: B) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes strict standard base64: padded, alphabet `A–Z a–z 0–9 + /` only, no
    /// whitespace, and canonical (the unused bits of the last character are zero, so each byte
    /// string has exactly one accepted encoding). Nil for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        var t = text
        return t.withUTF8 { decode(utf8: $0) }
    }

    /// `decode(_:)` over the UTF-8 bytes of the text.
    public static func decode(utf8 s: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard s.count % 4 == 0 else { return nil }
        let capacity = decodedCount(utf8: s)
        struct Invalid: Error {}
        return try? [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            guard let n = decode(utf8: s, into: out) else { throw Invalid() }
            count = n
        }
    }

    /// The number of bytes `s` decodes to, if it is valid (0 for a length not a multiple of 4).
    public static func decodedCount(utf8 s: UnsafeBufferPointer<UInt8>) -> Int {
        let n = s.count
        guard n % 4 == 0, n > 0 else { return 0 }
        let pad = s[n - 1] != 0x3D ? 0 : (s[n - 2] == 0x3D ? 2 : 1)
        return n / 4 * 3 - pad
    }

    /// Decodes strict base64 (the rules of `decode(_:)`) straight into `out`, which must hold at
    /// least `decodedCount(utf8:)` bytes, so a secret never passes through an intermediate array.
    /// - Returns: the number of bytes written, or nil for invalid base64 or too small a buffer
    ///   (bytes already written are then left in `out` for the caller to wipe).
    public static func decode(utf8 s: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let n = s.count
        guard n % 4 == 0 else { return nil }
        if n == 0 { return 0 }
        guard out.count >= decodedCount(utf8: s) else { return nil }
        let pad = s[n - 1] != 0x3D ? 0 : (s[n - 2] == 0x3D ? 2 : 1)
        return decodeTable.withUnsafeBufferPointer { table -> Int? in
            var i = 0, o = 0
            let full = pad == 0 ? n : n - 4
            while i < full {
                let a = UInt32(table[Int(s[i])]), b = UInt32(table[Int(s[i + 1])])
                let c = UInt32(table[Int(s[i + 2])]), d = UInt32(table[Int(s[i + 3])])
                // Every valid character maps below 64; 0xFF marks the rest, `=` included.
                guard (a | b | c | d) & 0xC0 == 0 else { return nil }
                let x = a << 18 | b << 12 | c << 6 | d
                out[o] = UInt8(truncatingIfNeeded: x >> 16)
                out[o + 1] = UInt8(truncatingIfNeeded: x >> 8)
                out[o + 2] = UInt8(truncatingIfNeeded: x)
                i += 4
                o += 3
            }
            if pad > 0 {
                guard let a = value(s[i]), let b = value(s[i + 1]) else { return nil }
                out[o] = a << 2 | b >> 4
                o += 1
                if pad == 1 {
                    guard let c = value(s[i + 2]), c & 0x03 == 0 else { return nil }
                    out[o] = (b & 0x0F) << 4 | c >> 2
                    o += 1
                } else if b & 0x0F != 0 {
                    return nil
                }
            }
            return o
        }
    }

    /// Each byte's 6-bit base64 value, 0xFF outside the alphabet.
    private static let decodeTable: [UInt8] = (0...255).map { value(UInt8($0)) ?? 0xFF }

    /// The 6-bit value of a base64 character; nil outside the alphabet (`=` included).
    @inline(__always)
    static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x41...0x5A: return c &- 0x41        // A–Z
        case 0x61...0x7A: return c &- 0x61 &+ 26  // a–z
        case 0x30...0x39: return c &- 0x30 &+ 52  // 0–9
        case 0x2B: return 62                      // +
        case 0x2F: return 63                      // /
        default: return nil
        }
    }
}

