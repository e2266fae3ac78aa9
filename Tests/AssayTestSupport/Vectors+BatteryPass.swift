/// The Battery Pass Data Model v1.2.0 files in `shared/vectors/batterypass` (SOURCES.md): JSON
/// Schemas and example payloads, most of them UTF-16 LE with a byte-order mark, as published.
extension Vectors {
    /// Each published example payload with the Assay passport aspect it belongs to (Circularity
    /// has no published payload).
    public static let batteryPassPayloads: [(file: String, aspect: String)] = [
        ("batterypass/GeneralProductInformation-payload.json", "generalProductInformation"),
        ("batterypass/CarbonFootprintForBatteries-payload.json", "carbonFootprint"),
        ("batterypass/MaterialComposition-payload.json", "materialComposition"),
        ("batterypass/PerformanceAndDurability-payload.json", "performanceAndDurability"),
        ("batterypass/SupplyChainDueDiligence-payload.json", "supplyChainDueDiligence"),
        ("batterypass/Labeling-payload.json", "labels"),
    ]

    /// A vector file's text, decoded by its byte-order mark: UTF-16 LE (`FF FE`), UTF-16 BE
    /// (`FE FF`), UTF-8 with a mark (`EF BB BF`), otherwise UTF-8. The mark is not part of the text.
    /// - Throws: `VectorsError` when the file is absent or not valid in its encoding.
    public static func textByByteOrderMark(_ relativePath: String) throws(VectorsError) -> String {
        let raw = try bytes(relativePath)
        func utf16(_ body: ArraySlice<UInt8>, littleEndian: Bool) throws(VectorsError) -> String {
            guard body.count % 2 == 0 else { throw VectorsError("test vector \(relativePath) has an odd number of UTF-16 bytes") }
            var units: [UInt16] = []
            units.reserveCapacity(body.count / 2)
            var i = body.startIndex
            while i < body.endIndex {
                let a = UInt16(body[i]), b = UInt16(body[i + 1])
                units.append(littleEndian ? a | b << 8 : a << 8 | b)
                i += 2
            }
            guard let s = String(validating: units, as: UTF16.self) else { throw VectorsError("test vector \(relativePath) is not valid UTF-16") }
            return s
        }
        if raw.starts(with: [0xFF, 0xFE]) { return try utf16(raw.dropFirst(2), littleEndian: true) }
        if raw.starts(with: [0xFE, 0xFF]) { return try utf16(raw.dropFirst(2), littleEndian: false) }
        let body = raw.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(raw.dropFirst(3)) : raw
        guard let s = String(validating: body, as: UTF8.self) else { throw VectorsError("test vector \(relativePath) is not valid UTF-8") }
        return s
    }
}
