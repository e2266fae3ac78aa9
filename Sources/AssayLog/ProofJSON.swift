public import AssayCrypto
import AssayModel

/// The JSON forms of proofs, beside their text forms (`TlogProof`, `ConsistencyProofText`).
///
/// An inclusion proof:
///
///     {"type":"inclusion","index":3,"treeSize":8,"leafHash":"<hex>","hashes":["<base64>",…],
///      "record":"<base64 record bytes>","checkpoint":"<checkpoint note>"}
///
/// (`record` and `leafHash` are each optional when reading; a reader needs one of them or a
/// leaf hash from elsewhere.) A consistency proof:
///
///     {"type":"consistency","from":8,"to":11,"hashes":[…],"oldCheckpoint":"…","newCheckpoint":"…"}
///
/// (the checkpoints are optional). Members are written in this order; unknown members are
/// refused when reading. At most 128 hashes; sizes are whole numbers up to 2^53.
public enum ProofJSON {
    /// The most bytes a proof JSON document may have.
    public static let maxBytes = 2 * 1024 * 1024

    /// A parsed inclusion proof and what it carries.
    public struct Inclusion: Sendable, Equatable {
        /// The proof (index, tree size, hashes).
        public let proof: InclusionProof
        /// The record bytes, when carried.
        public let record: [UInt8]?
        /// The leaf hash, when carried.
        public let leafHash: Digest?
        /// The checkpoint note the proof leads to, verbatim.
        public let checkpoint: String

        /// Creates the parsed form.
        public init(proof: InclusionProof, record: [UInt8]?, leafHash: Digest?, checkpoint: String) {
            self.proof = proof
            self.record = record
            self.leafHash = leafHash
            self.checkpoint = checkpoint
        }
    }

    /// A parsed consistency proof and the checkpoints it carries.
    public struct Consistency: Sendable, Equatable {
        /// The proof.
        public let proof: ConsistencyProof
        /// The older checkpoint note, when carried.
        public let oldCheckpoint: String?
        /// The newer checkpoint note, when carried.
        public let newCheckpoint: String?

        /// Creates the parsed form.
        public init(proof: ConsistencyProof, oldCheckpoint: String?, newCheckpoint: String?) {
            self.proof = proof
            self.oldCheckpoint = oldCheckpoint
            self.newCheckpoint = newCheckpoint
        }
    }

    /// Either form.
    public enum Parsed: Sendable, Equatable {
        /// An inclusion proof (`"type":"inclusion"`).
        case inclusion(Inclusion)
        /// A consistency proof (`"type":"consistency"`).
        case consistency(Consistency)
    }

    /// The JSON of an inclusion proof.
    public static func inclusion(_ proof: InclusionProof, leafHash: Digest, record: [UInt8]?, checkpoint: String) -> String {
        var fields: [(String, String)] = [
            ("type", JSONWriter.quote("inclusion")), ("index", "\(proof.index)"), ("treeSize", "\(proof.treeSize)"),
            ("leafHash", JSONWriter.quote(leafHash.hex)), ("hashes", hashes(proof.hashes)),
        ]
        if let record { fields.append(("record", JSONWriter.quote(Base64.encode(record)))) }
        fields.append(("checkpoint", JSONWriter.quote(checkpoint)))
        return JSONWriter.object(fields)
    }

    /// The JSON of a consistency proof, with the checkpoints for both sizes when given.
    public static func consistency(_ proof: ConsistencyProof, oldCheckpoint: String?, newCheckpoint: String?) -> String {
        var fields: [(String, String)] = [
            ("type", JSONWriter.quote("consistency")), ("from", "\(proof.fromSize)"), ("to", "\(proof.toSize)"),
            ("hashes", hashes(proof.hashes)),
        ]
        if let oldCheckpoint { fields.append(("oldCheckpoint", JSONWriter.quote(oldCheckpoint))) }
        if let newCheckpoint { fields.append(("newCheckpoint", JSONWriter.quote(newCheckpoint))) }
        return JSONWriter.object(fields)
    }

    static func hashes(_ list: [Digest]) -> String {
        "[" + list.map { JSONWriter.quote($0.base64) }.joined(separator: ",") + "]"
    }

    /// Parses either JSON form.
    /// - Throws: `LogError` `.malformedProof`, naming the member at fault.
    public static func parse(_ bytes: [UInt8]) throws(LogError) -> Parsed {
        do {
            var r = try ObjectReader(try JSONValue.parse(bytes, limits: .init(maxBytes: maxBytes, maxDepth: 8)))
            switch try r.string("type") {
            case "inclusion":
                let index = try uint(&r, "index")
                let size = try uint(&r, "treeSize")
                let h = try hashes(&r)
                let record = try r.optionalString("record").map { s throws(LogError) -> [UInt8] in
                    guard let b = Base64.decode(s) else { throw LogError(.malformedProof, "record is not base64") }
                    return b
                }
                let leaf = try r.optionalString("leafHash").map { s throws(LogError) -> Digest in
                    guard let d = try? Digest(hex: s) else { throw LogError(.malformedProof, "leafHash is not a hex SHA-256 hash") }
                    return d
                }
                let note = try r.string("checkpoint")
                try r.finish()
                return .inclusion(Inclusion(proof: InclusionProof(index: index, treeSize: size, hashes: h), record: record,
                                            leafHash: leaf, checkpoint: note))
            case "consistency":
                let p = ConsistencyProof(fromSize: try uint(&r, "from"), toSize: try uint(&r, "to"), hashes: try hashes(&r))
                let old = try r.optionalString("oldCheckpoint")
                let new = try r.optionalString("newCheckpoint")
                try r.finish()
                return .consistency(Consistency(proof: p, oldCheckpoint: old, newCheckpoint: new))
            case let other:
                throw LogError(.malformedProof, "unknown proof type \(JSONWriter.quote(String(other.prefix(60))))")
            }
        } catch let e as LogError {
            throw e
        } catch let e as ModelError {
            throw LogError(.malformedProof, "proof JSON: \(e.description)")
        } catch {
            throw LogError(.malformedProof, "proof JSON: \(error)")
        }
    }

    static func hashes(_ r: inout ObjectReader) throws -> [Digest] {
        let list = try r.stringArray("hashes")
        guard list.count <= 128 else { throw LogError(.malformedProof, "a proof has at most 128 hashes, this has \(list.count)") }
        return try list.enumerated().map { i, s in
            guard let d = try? Digest(base64: s) else { throw LogError(.malformedProof, "hashes[\(i)] is not a base64 SHA-256 hash") }
            return d
        }
    }

    /// A non-negative whole number (JSON numbers are doubles: at most 2^53).
    static func uint(_ r: inout ObjectReader, _ key: String) throws -> UInt64 {
        let d = try r.number(key)
        guard d >= 0, d <= 9_007_199_254_740_992, d == d.rounded() else {
            throw LogError(.malformedProof, "\(key) is not a non-negative whole number")
        }
        return UInt64(d)
    }
}
