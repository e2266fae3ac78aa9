/// Battery Pass v1.2.0 Performance and Durability (`io.BatteryPass.PerformanceAndDurability`):
/// the battery's rated technical properties (capacity, voltages, power, expected lifetime in
/// cycles and years, Art. 10, Annex IV) and its condition over life (state of health, Art. 14),
/// member names as the schema spells them (`batteryTechicalProperties`, `remainingEnergyalue` …).
public struct PerformanceAndDurability: Sendable, Equatable {
    public enum BatteryComponent: String, CaseIterable, Sendable {
        case pack, module, cell
    }

    /// `PowerCapabilityAtEntity`.
    public struct PowerCapability: Sendable, Equatable {
        public let atSoC: JSONNumber
        public let powerCapabilityAt: JSONNumber

        init(reading r: inout SourceReader) throws(ModelError) {
            atSoC = try r.number("atSoC")
            powerCapabilityAt = try r.number("powerCapabilityAt")
        }
    }

    public struct InternalResistance: Sendable, Equatable {
        public let ohmicResistance: JSONNumber
        public let batteryComponent: BatteryComponent
    }

    /// `BatteryTechnicalPropertiesEntity`: every member required but `cRate`.
    public struct TechnicalProperties: Sendable, Equatable {
        public let originalPowerCapability: [PowerCapability]
        public let ratedMaximumPower: JSONNumber
        public let powerCapabilityRatio: JSONNumber
        public let ratedEnergy: JSONNumber
        /// −2^63 … 2^63−1.
        public let expectedNumberOfCycles: JSONNumber
        public let initialSelfDischarge: JSONNumber
        public let roundtripEfficiency: JSONNumber
        public let ratedCapacity: JSONNumber
        public let initialInternalResistance: [InternalResistance]
        /// −32768 … 32767 (years).
        public let expectedLifetime: JSONNumber
        public let cRate: JSONNumber?
        public let nominalVoltage: JSONNumber
        public let minimumVoltage: JSONNumber
        public let maximumVoltage: JSONNumber
        public let capacityThresholdForExhaustion: JSONNumber
        public let lifetimeReferenceTest: String
        public let cRateLifeCycleTest: JSONNumber
        /// −20 … 60 (°C).
        public let temperatureRangeIdleState: JSONNumber

        init(reading r: inout SourceReader) throws(ModelError) {
            originalPowerCapability = try r.objects("originalPowerCapability") { (p: inout SourceReader) throws(ModelError) in try PowerCapability(reading: &p) }
            ratedMaximumPower = try r.number("ratedMaximumPower")
            powerCapabilityRatio = try r.number("powerCapabilityRatio")
            ratedEnergy = try r.number("ratedEnergy")
            expectedNumberOfCycles = try r.number("expectedNumberOfCycles", in: .min, .max)
            initialSelfDischarge = try r.number("initialSelfDischarge")
            roundtripEfficiency = try r.number("roundtripEfficiency")
            ratedCapacity = try r.number("ratedCapacity")
            initialInternalResistance = try r.objects("initialInternalResistance") { (i: inout SourceReader) throws(ModelError) in
                InternalResistance(ohmicResistance: try i.number("ohmicResistance"), batteryComponent: try i.enumValue("batteryComponent", BatteryComponent.self))
            }
            expectedLifetime = try r.number("expectedLifetime", in: -32768, 32767)
            cRate = try r.optionalNumber("cRate")
            nominalVoltage = try r.number("nominalVoltage")
            minimumVoltage = try r.number("minimumVoltage")
            maximumVoltage = try r.number("maximumVoltage")
            capacityThresholdForExhaustion = try r.number("capacityThresholdForExhaustion")
            lifetimeReferenceTest = try r.uri("lifetimeReferenceTest")
            cRateLifeCycleTest = try r.number("cRateLifeCycleTest")
            temperatureRangeIdleState = try r.number("temperatureRangeIdleState", in: -20, 60)
        }
    }

    public let batteryTechicalProperties: TechnicalProperties
    public let batteryCondition: BatteryCondition

    init(reading r: inout SourceReader) throws(ModelError) {
        batteryTechicalProperties = try r.part("batteryTechicalProperties") { (t: inout SourceReader) throws(ModelError) in try TechnicalProperties(reading: &t) }
        batteryCondition = try r.part("batteryCondition") { (c: inout SourceReader) throws(ModelError) in try BatteryCondition(reading: &c) }
    }
}

/// The dynamic part of Performance and Durability (`BatteryConditionEntity`): the battery's
/// state of health as measured over its life (Battery Regulation Art. 14, Annex VII). Signed as
/// the `batteryCondition` aspect by the party that measured it; every member required, as the
/// schema says.
public struct BatteryCondition: Sendable, Equatable {
    public struct TemperatureInformation: Sendable, Equatable {
        public let timeExtremeHighTemp: JSONNumber
        public let timeExtremeLowTemp: JSONNumber
        public let timeExtremeHighTempCharging: JSONNumber
        public let timeExtremeLowTempCharging: JSONNumber
        public let lastUpdate: String
    }

    public struct NegativeEvent: Sendable, Equatable {
        public let negativeEvent: String
        public let lastUpdate: String
    }

    public struct RemainingPowerCapability: Sendable, Equatable {
        public let value: PerformanceAndDurability.PowerCapability
        public let rPCLastUpdated: String
        public let lastUpdate: String
    }

    public struct InternalResistanceIncrease: Sendable, Equatable {
        public let internalResistanceIncreaseValue: JSONNumber
        public let lastUpdate: String
        public let batteryComponent: PerformanceAndDurability.BatteryComponent
    }

    public let energyThroughput: JSONNumber
    public let capacityThroughput: TimedReading
    public let numberOfFullCycles: TimedReading
    public let stateOfCertifiedEnergy: TimedReading
    public let capacityFade: TimedReading
    public let remainingEnergy: TimedReading
    public let remainingCapacity: TimedReading
    public let negativeEvents: [NegativeEvent]
    public let temperatureInformation: TemperatureInformation
    public let remainingPowerCapability: [RemainingPowerCapability]
    public let powerFade: JSONNumber
    public let roundTripEfficiencyFade: JSONNumber
    public let evolutionOfSelfDischarge: JSONNumber
    public let currentSelfDischargingRate: TimedReading
    public let internalResistanceIncrease: [InternalResistanceIncrease]
    public let roundTripEfficiencyat50PerCentCycleLife: JSONNumber
    public let remainingRoundTripEnergyEfficiency: TimedReading
    public let stateOfCharge: TimedReading

    init(reading r: inout SourceReader) throws(ModelError) {
        func timed(_ r: inout SourceReader, _ key: String, _ valueKey: String) throws(ModelError) -> TimedReading {
            try r.part(key) { (t: inout SourceReader) throws(ModelError) in try TimedReading(reading: &t, value: valueKey) }
        }
        energyThroughput = try r.number("energyThroughput")
        capacityThroughput = try timed(&r, "capacityThroughput", "capacityThroughputValue")
        numberOfFullCycles = try timed(&r, "numberOfFullCycles", "numberOfFullCyclesValue")
        stateOfCertifiedEnergy = try timed(&r, "stateOfCertifiedEnergy", "stateOfCertifiedEnergyValue")
        capacityFade = try timed(&r, "capacityFade", "capacityFadeValue")
        remainingEnergy = try timed(&r, "remainingEnergy", "remainingEnergyalue")
        remainingCapacity = try timed(&r, "remainingCapacity", "remainingCapacityValue")
        negativeEvents = try r.objects("negativeEvents") { (e: inout SourceReader) throws(ModelError) in
            NegativeEvent(negativeEvent: try e.string("negativeEvent"), lastUpdate: try e.passTimestamp("lastUpdate"))
        }
        temperatureInformation = try r.part("temperatureInformation") { (t: inout SourceReader) throws(ModelError) in
            TemperatureInformation(timeExtremeHighTemp: try t.number("timeExtremeHighTemp"), timeExtremeLowTemp: try t.number("timeExtremeLowTemp"),
                                   timeExtremeHighTempCharging: try t.number("timeExtremeHighTempCharging"),
                                   timeExtremeLowTempCharging: try t.number("timeExtremeLowTempCharging"), lastUpdate: try t.passTimestamp("lastUpdate"))
        }
        remainingPowerCapability = try r.objects("remainingPowerCapability") { (e: inout SourceReader) throws(ModelError) in
            let (value, updated) = try e.part("remainingPowerCapabilityValue") { (v: inout SourceReader) throws(ModelError) in
                (try PerformanceAndDurability.PowerCapability(reading: &v), try v.passTimestamp("rPCLastUpdated"))
            }
            return RemainingPowerCapability(value: value, rPCLastUpdated: updated, lastUpdate: try e.passTimestamp("lastUpdate"))
        }
        powerFade = try r.number("powerFade")
        roundTripEfficiencyFade = try r.number("roundTripEfficiencyFade")
        evolutionOfSelfDischarge = try r.part("evolutionOfSelfDischarge") { (e: inout SourceReader) throws(ModelError) in
            try e.number("evolutionOfSelfDischargeEntityValue")
        }
        currentSelfDischargingRate = try timed(&r, "currentSelfDischargingRate", "currentSelfDischargingRateEntity")
        internalResistanceIncrease = try r.objects("internalResistanceIncrease") { (e: inout SourceReader) throws(ModelError) in
            InternalResistanceIncrease(internalResistanceIncreaseValue: try e.number("internalResistanceIncreaseValue"),
                                       lastUpdate: try e.passTimestamp("lastUpdate"),
                                       batteryComponent: try e.enumValue("batteryComponent", PerformanceAndDurability.BatteryComponent.self))
        }
        roundTripEfficiencyat50PerCentCycleLife = try r.number("roundTripEfficiencyat50PerCentCycleLife")
        remainingRoundTripEnergyEfficiency = try timed(&r, "remainingRoundTripEnergyEfficiency", "remainingRoundTripEnergyEfficiencyValue")
        stateOfCharge = try timed(&r, "stateOfCharge", "stateOfChargeValue")
    }
}
