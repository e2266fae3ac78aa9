/// A percentage between 0 and 100 inclusive, such as a recycled-content share or a
/// substance concentration.
public struct Percentage: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value, 0…100.
    public let value: Double

    /// Checks that `value` is a finite number in 0…100.
    /// - Parameters:
    ///   - value: the percentage (50 means half).
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` ("percentage 120 is outside 0…100").
    public init(_ value: Double, field: String = "") throws(ModelError) {
        guard value.isFinite else {
            throw ModelError(.invalidValue, field: field, "percentage must be a finite number")
        }
        guard value >= 0 && value <= 100 else {
            throw ModelError(.invalidValue, field: field, "percentage \(Self.format(value)) is outside 0…100")
        }
        self.value = value == 0 ? 0 : value // no negative zero
    }

    /// The value followed by `%`.
    public var description: String { Self.format(value) + "%" }

    /// Orders by value.
    public static func < (a: Percentage, b: Percentage) -> Bool { a.value < b.value }

    /// A number for messages: whole numbers without a fraction (`120`, not `120.0`).
    static func format(_ v: Double) -> String {
        v.isFinite && v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
