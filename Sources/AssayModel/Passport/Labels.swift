/// Battery Pass v1.2.0 Labeling (`io.BatteryPass.Labeling`): the declaration of conformity,
/// the test report and the labels with their symbols and meanings (Battery Regulation Art. 13,
/// Annex XIII 1(b)).
public struct Labels: Sendable, Equatable {
    public enum LabelingSubject: String, CaseIterable, Sendable {
        case separateCollection = "SeparateCollection"
        case hazardousMaterial = "HazardousMaterial"
        case carbonFootPrint = "CarbonFootPrint"
        case extinguishingAgent = "ExtinguishingAgent"
    }

    public struct Label: Sendable, Equatable {
        public let labelingSymbol: String
        /// Any object (`MultiLanguageText`), e.g. `{"en": "Separate Collection"}`.
        public let labelingMeaning: JSONSource
        public let labelingSubject: LabelingSubject
    }

    public let declarationOfConformity: String
    public let resultOfTestReport: String
    public let labels: [Label]

    init(reading r: inout SourceReader) throws(ModelError) {
        declarationOfConformity = try r.uri("declarationOfConformity")
        resultOfTestReport = try r.uri("resultOfTestReport")
        labels = try r.objects("labels") { (e: inout SourceReader) throws(ModelError) in
            let symbol = try e.uri("labelingSymbol")
            let meaning = try e.required("labelingMeaning")
            guard case .object = meaning else {
                throw ModelError(.wrongType, field: e.fieldPath("labelingMeaning"), "must be an object, found \(meaning.typeName)")
            }
            return Label(labelingSymbol: symbol, labelingMeaning: meaning, labelingSubject: try e.enumValue("labelingSubject", LabelingSubject.self))
        }
    }
}
