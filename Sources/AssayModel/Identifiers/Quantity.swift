/// A positive amount, with a unit of measure or, without one, a count of instances — the
/// `quantity` and `uom` of an EPCIS 2.0 quantity element.
public struct Quantity: Sendable, Hashable, CustomStringConvertible {
    /// The amount, finite and greater than zero.
    public let value: Double
    /// The unit (UN/ECE Rec 20); nil when the value counts instances.
    public let unit: UnitOfMeasure?

    /// Checks that `value` is a finite number above zero, that `unit` (if any) is a Rec 20
    /// code, and that a quantity without a unit is a whole number (a count of instances).
    /// - Parameters:
    ///   - value: the amount.
    ///   - unit: the Rec 20 code, or nil for a count.
    ///   - field: the JSON path of the amount (`quantityList[0].quantity`), for errors about it.
    ///   - unitField: the JSON path of the unit (`quantityList[0].uom`), for errors about it;
    ///     `field` when nil.
    /// - Throws: `ModelError.invalidValue` naming the rule broken.
    public init(_ value: Double, unit: String?, field: String = "", unitField: String? = nil) throws(ModelError) {
        guard value.isFinite else {
            throw ModelError(.invalidValue, field: field, "quantity must be a finite number")
        }
        guard value > 0 else {
            throw ModelError(.invalidValue, field: field, "quantity \(Percentage.format(value)) must be greater than zero")
        }
        if let unit {
            self.unit = try UnitOfMeasure(unit, field: unitField ?? field)
        } else {
            guard value == value.rounded() else {
                throw ModelError(.invalidValue, field: field,
                                 "quantity \(Percentage.format(value)) has no unit, so it counts instances and must be a whole number")
            }
            self.unit = nil
        }
        self.value = value
    }

    /// The amount followed by the unit code (`2.5 KGM`), or the bare count.
    public var description: String {
        Percentage.format(value) + (unit.map { " \($0.code)" } ?? "")
    }
}
