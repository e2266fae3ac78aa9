/// Battery Pass v1.2.0 Supply Chain Due Diligence (`io.BatteryPass.SupplyChainDueDiligence`):
/// the due-diligence report, third-party assurances and indices (Battery Regulation Art. 47–53,
/// Annex XIII 1(d)). Member names as the schema spells them.
public struct SupplyChainDueDiligence: Sendable, Equatable {
    public let supplyChainDueDiligenceReport: String
    public let thirdPartyAussurances: String?
    public let supplyChainIndicies: JSONNumber?

    init(reading r: inout SourceReader) throws(ModelError) {
        supplyChainDueDiligenceReport = try r.uri("supplyChainDueDiligenceReport")
        thirdPartyAussurances = try r.optionalURI("thirdPartyAussurances")
        supplyChainIndicies = try r.optionalNumber("supplyChainIndicies")
    }
}
