import Testing
@testable import AssayModel

@Suite("Percentages, units and quantities")
struct MeasureTests {
    @Test("percentages in 0…100 are accepted", arguments: [0.0, 0.5, 12.25, 100.0, -0.0])
    func percentages(_ v: Double) throws {
        #expect(try Percentage(v).value == v)
    }

    @Test("percentages outside 0…100 or not finite are rejected")
    func badPercentages() {
        expectModelError("percentage 120 is outside 0…100", field: "materials[0].recycledContentPercent") {
            try Percentage(120, field: "materials[0].recycledContentPercent")
        }
        expectModelError("percentage -0.5 is outside 0…100") { try Percentage(-0.5) }
        expectModelError("percentage 100.0001 is outside") { try Percentage(100.0001) }
        expectModelError("finite") { try Percentage(.nan) }
        expectModelError("finite") { try Percentage(.infinity) }
    }

    @Test("units: Rec 20 shaped codes", arguments: ["KGM", "GRM", "MTR", "C62", "LTR", "EA", "P1", "XYZ"])
    func units(_ code: String) throws {
        let u = try UnitOfMeasure(code)
        #expect(u.code == code)
        #expect(u.isKnown == (code != "XYZ"))
        #expect((u.name != nil) == u.isKnown)
    }

    @Test("units of another shape are rejected", arguments: ["kg", "Kgm", "K", "KGMS", "", "KG M", "kg/m", "K-G"])
    func badUnits(_ code: String) {
        expectModelError("is not a UN/ECE Recommendation 20 code", field: "quantityList[0].uom") {
            try UnitOfMeasure(code, field: "quantityList[0].uom")
        }
    }

    @Test("known units are well formed")
    func knownUnits() throws {
        for code in UnitOfMeasure.known.keys { _ = try UnitOfMeasure(code) }
        #expect(UnitOfMeasure.known["KGM"] == "kilogram")
    }

    @Test("quantities: positive, with a unit or a whole count")
    func quantities() throws {
        let q = try Quantity(2.5, unit: "KGM")
        #expect(q.value == 2.5 && q.unit?.code == "KGM")
        #expect(q.description == "2.5 KGM")
        let count = try Quantity(200, unit: nil)
        #expect(count.unit == nil && count.description == "200")
        expectModelError("quantity 0 must be greater than zero", field: "q") { try Quantity(0, unit: "KGM", field: "q") }
        expectModelError("quantity -3 must be greater than zero") { try Quantity(-3, unit: "KGM") }
        expectModelError("finite") { try Quantity(.infinity, unit: "KGM") }
        expectModelError("finite") { try Quantity(.nan, unit: nil) }
        expectModelError("has no unit, so it counts instances and must be a whole number") { try Quantity(1.5, unit: nil) }
        expectModelError("UN/ECE Recommendation 20", field: "quantityList[1].uom") {
            try Quantity(1, unit: "kg", field: "quantityList[1].quantity", unitField: "quantityList[1].uom")
        }
        expectModelError("UN/ECE Recommendation 20", field: "quantityList[1]") { try Quantity(1, unit: "kg", field: "quantityList[1]") }
    }
}
