/// Battery Pass v1.2.0 Carbon Footprint for Batteries (`io.BatteryPass.CarbonFootprint`):
/// the carbon footprint per functional unit, per life-cycle stage, the performance class and
/// the study behind it (Battery Regulation Art. 7, Annex XIII 1(c)).
public struct CarbonFootprint: Sendable, Equatable {
    public enum LifecycleStage: String, CaseIterable, Sendable {
        case rawMaterialExtraction = "RawMaterialExtraction"
        case mainProduction = "MainProduction"
        case distribution = "Distribution"
        case recycling = "Recycling"
    }

    public struct StageFootprint: Sendable, Equatable {
        public let lifecycleStage: LifecycleStage
        public let carbonFootprint: JSONNumber
    }

    /// kg CO2e per kWh of total energy over the service life.
    public let batteryCarbonFootprint: JSONNumber
    public let carbonFootprintPerLifecycleStage: [StageFootprint]
    public let carbonFootprintPerformanceClass: String
    /// Where the public study is (a URI).
    public let carbonFootprintStudy: String
    public let absoluteCarbonFootprint: JSONNumber?

    init(reading r: inout SourceReader) throws(ModelError) {
        batteryCarbonFootprint = try r.number("batteryCarbonFootprint")
        carbonFootprintPerLifecycleStage = try r.objects("carbonFootprintPerLifecycleStage") { (e: inout SourceReader) throws(ModelError) in
            StageFootprint(lifecycleStage: try e.enumValue("lifecycleStage", LifecycleStage.self), carbonFootprint: try e.number("carbonFootprint"))
        }
        carbonFootprintPerformanceClass = try r.string("carbonFootprintPerformanceClass")
        carbonFootprintStudy = try r.uri("carbonFootprintStudy")
        absoluteCarbonFootprint = try r.optionalNumber("absoluteCarbonFootprint")
    }
}
