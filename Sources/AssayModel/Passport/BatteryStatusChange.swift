/// The `status` aspect: a battery's status as changed by the party that changed it (repairer,
/// second-life operator, recycler, or the manufacturer), and, for a repurposed, reused or
/// remanufactured battery that carries a new passport, the original battery it succeeds
/// (Battery Regulation Art. 77(6): the new passport links to the original).
///
/// `{"batteryStatus": "Repurposed", "successorOf": "https://id.gs1.org/01/…/21/…"}`; no other members.
public struct BatteryStatusChange: Sendable, Equatable {
    /// The statuses after which a battery may carry a new passport linked to its original.
    public static let successorStatuses: Set<GeneralProductInformation.BatteryStatus> = [.repurposed, .reused, .remanufactured]

    public let batteryStatus: GeneralProductInformation.BatteryStatus
    /// The original battery (a serialised item, canonical Digital Link), when the subject is a
    /// new passport's battery.
    public let successorOf: String?

    init(reading r: inout SourceReader, subject: String) throws(ModelError) {
        batteryStatus = try r.enumValue("batteryStatus", GeneralProductInformation.BatteryStatus.self)
        if let original = try r.optionalString("successorOf") {
            let field = r.fieldPath("successorOf")
            guard Self.successorStatuses.contains(batteryStatus) else {
                throw ModelError(.invalidValue, field: field, "only a Repurposed, Reused or Remanufactured battery succeeds an original, not one whose status is \(batteryStatus.rawValue)")
            }
            let id = try GS1Identifier(parsing: original, field: field)
            guard case .item = id.key else {
                throw ModelError(.invalidValue, field: field, "must identify the original battery (GTIN + serial), not \(id.canonical)")
            }
            guard id.canonical != canonicalSubject(subject) else {
                throw ModelError(.invalidValue, field: field, "a battery cannot succeed itself: successorOf names the subject")
            }
            successorOf = id.canonical
        } else {
            successorOf = nil
        }
        try r.finish()
    }
}
