extension LifecycleCommitment {
    /// A commitment from its values, for front ends that build one (`assay statement
    /// commitment`). Nothing is checked here: encode it with `json` and decode that with
    /// `Statement.decode`, which applies every rule and names the field at fault.
    public init(model: String, serialFrom: String? = nil, serialTo: String? = nil, placedOnMarket: String,
                securitySupportEnd: String, vulnerabilityContact: String, vulnerabilityResponseDays: Int,
                backendServiceMinimumEnd: String? = nil, repairInformation: Document, spareParts: [SparePart],
                takeBack: TakeBack, dismantlingInformation: Document? = nil, insolvencyContinuity: String,
                expectedUseTime: YearMonthDuration? = nil, securityUpdateMechanism: String? = nil, sbom: Document? = nil,
                vulnerabilityDisclosurePolicy: String? = nil, manufacturerContact: String? = nil, eventTime: Timestamp) {
        self.model = model
        self.serialFrom = serialFrom
        self.serialTo = serialTo
        self.placedOnMarket = placedOnMarket
        self.securitySupportEnd = securitySupportEnd
        self.vulnerabilityContact = vulnerabilityContact
        self.vulnerabilityResponseDays = vulnerabilityResponseDays
        self.backendServiceMinimumEnd = backendServiceMinimumEnd
        self.repairInformation = repairInformation
        self.spareParts = spareParts
        self.takeBack = takeBack
        self.dismantlingInformation = dismantlingInformation
        self.insolvencyContinuity = insolvencyContinuity
        self.expectedUseTime = expectedUseTime
        self.securityUpdateMechanism = securityUpdateMechanism
        self.sbom = sbom
        self.vulnerabilityDisclosurePolicy = vulnerabilityDisclosurePolicy
        self.manufacturerContact = manufacturerContact
        self.eventTime = eventTime
    }

    /// The statement as compact JSON, members in a fixed order; optional members left out when absent.
    public var json: String {
        func document(_ d: Document) -> String {
            JSONWriter.object([("url", JSONWriter.quote(d.url)), ("digest", JSONWriter.quote(d.digest))])
        }
        var scope: [(String, String)] = [("model", JSONWriter.quote(model))]
        if let serialFrom { scope.append(("serialFrom", JSONWriter.quote(serialFrom))) }
        if let serialTo { scope.append(("serialTo", JSONWriter.quote(serialTo))) }
        var f: [(String, String)] = [
            ("type", JSONWriter.quote("LifecycleCommitment")), ("scope", JSONWriter.object(scope)),
            ("placedOnMarket", JSONWriter.quote(placedOnMarket)), ("securitySupportEnd", JSONWriter.quote(securitySupportEnd)),
            ("vulnerabilityContact", JSONWriter.quote(vulnerabilityContact)),
            ("vulnerabilityResponseDays", String(vulnerabilityResponseDays)),
        ]
        if let backendServiceMinimumEnd { f.append(("backendServiceMinimumEnd", JSONWriter.quote(backendServiceMinimumEnd))) }
        f.append(("repairInformation", document(repairInformation)))
        f.append(("spareParts", "[" + spareParts.map {
            JSONWriter.object([("partNumber", JSONWriter.quote($0.partNumber)), ("availableUntil", JSONWriter.quote($0.availableUntil)),
                               ("deliveryDays", String($0.deliveryDays))])
        }.joined(separator: ",") + "]"))
        f.append(("takeBack", JSONWriter.object([("channel", JSONWriter.quote(takeBack.channel)),
                                                 ("recyclingScheme", JSONWriter.quote(takeBack.recyclingScheme))])))
        if let dismantlingInformation { f.append(("dismantlingInformation", document(dismantlingInformation))) }
        f.append(("insolvencyContinuity", JSONWriter.quote(insolvencyContinuity)))
        if let expectedUseTime { f.append(("expectedUseTime", JSONWriter.quote(expectedUseTime.text))) }
        if let securityUpdateMechanism { f.append(("securityUpdateMechanism", JSONWriter.quote(securityUpdateMechanism))) }
        if let sbom { f.append(("sbom", document(sbom))) }
        if let vulnerabilityDisclosurePolicy { f.append(("vulnerabilityDisclosurePolicy", JSONWriter.quote(vulnerabilityDisclosurePolicy))) }
        if let manufacturerContact { f.append(("manufacturerContact", JSONWriter.quote(manufacturerContact))) }
        f += [("eventTime", JSONWriter.quote(eventTime.text)), ("eventTimeZoneOffset", JSONWriter.quote(eventTime.offsetText))]
        return JSONWriter.object(f)
    }
}
