public import Foundation

/// The shared bundle vectors (`Tests/Fixtures/bundle-vectors`, made by
/// `tools/passport/make-vectors.sh`): one valid product bundle and tampered copies, each with the
/// verdict expected. The Swift verifier (`AssayReportTests`) and the passport page's JavaScript in
/// a real browser (`AssayServerTests`) are both checked against them, so they cannot disagree.
public struct BundleVectors: Sendable {
    public struct Trust: Sendable {
        public let logKey: String
        public let origin: String
        public let product: String
        public let witnessKeys: [String]
        public let witnessesNeeded: Int
    }

    public struct Case: Sendable {
        public let name: String
        public let file: String
        /// `verified` or `failed`.
        public let expect: String
        public let why: String
    }

    public let directory: URL
    public let trust: Trust
    public let cases: [Case]

    /// The untampered case.
    public var valid: Case { cases.first { $0.expect == "verified" }! }

    public func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public static func load() throws -> BundleVectors {
        let dir = Vectors.packageRoot.appendingPathComponent("Tests/Fixtures/bundle-vectors", isDirectory: true)
        func object(_ name: String) throws -> Any {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else {
                throw BundleVectorsError("\(dir.path)/\(name) is missing: run tools/passport/make-vectors.sh")
            }
            return try JSONSerialization.jsonObject(with: data)
        }
        guard let t = try object("trust.json") as? [String: Any], let logKey = t["logKey"] as? String, let origin = t["origin"] as? String,
              let product = t["product"] as? String else { throw BundleVectorsError("trust.json lacks logKey, origin or product") }
        guard let list = try object("vectors.json") as? [[String: Any]] else { throw BundleVectorsError("vectors.json is not a list") }
        let cases = try list.map { v -> Case in
            guard let name = v["name"] as? String, let file = v["file"] as? String, let expect = v["expect"] as? String,
                  expect == "verified" || expect == "failed" else { throw BundleVectorsError("vectors.json: a case lacks name, file or expect: \(v)") }
            return Case(name: name, file: file, expect: expect, why: v["why"] as? String ?? "")
        }
        guard cases.contains(where: { $0.expect == "verified" }) else { throw BundleVectorsError("vectors.json has no valid case") }
        return BundleVectors(directory: dir, trust: Trust(logKey: logKey, origin: origin, product: product,
                                                          witnessKeys: t["witnessKeys"] as? [String] ?? [], witnessesNeeded: t["witnessesNeeded"] as? Int ?? 0),
                             cases: cases)
    }
}

/// The shared vectors are missing or malformed.
public struct BundleVectorsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
