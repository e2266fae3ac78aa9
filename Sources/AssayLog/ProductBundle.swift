public import AssayCrypto
public import AssayModel

/// An offline product bundle (`.assay-bundle`): everything needed to judge one product and
/// nothing more — its entries and the closure of what they reference, the registrations and
/// revocations of every signer involved, the genesis entry, an inclusion proof for each
/// entry, and a signed checkpoint (with any witness cosignatures); optionally a consistency
/// proof from an older checkpoint the auditor already trusts.
///
/// JSON layout (see `Schemas/bundle.schema.json` and `Schemas/FORMAT.md` §9):
///
///     {"format":"assay-bundle/v1","origin":…,"product":…,"checkpoint":<note text>,
///      "entries":[{"record":<base64 record bytes>,"proof":[<base64 hash>…]}…],
///      "consistency":{"fromCheckpoint":<note text>,"hashes":[…]}?}
public struct ProductBundle: Sendable, Equatable {
    public static let format = "assay-bundle/v1"
    /// Largest bundle accepted, in bytes.
    public static let maxBytes = 64 * 1024 * 1024

    /// One entry: the record bytes (seq, time, envelope) and its inclusion proof.
    public struct Entry: Sendable, Equatable {
        public let record: LedgerRecord
        public let proof: [Digest]

        public init(record: LedgerRecord, proof: [Digest]) {
            self.record = record
            self.proof = proof
        }
    }

    /// A consistency proof from an older checkpoint to the bundle's checkpoint.
    public struct Consistency: Sendable, Equatable {
        public let fromCheckpoint: String
        public let hashes: [Digest]

        public init(fromCheckpoint: String, hashes: [Digest]) {
            self.fromCheckpoint = fromCheckpoint
            self.hashes = hashes
        }
    }

    public let origin: String
    /// The product, in canonical form.
    public let product: String
    /// The signed checkpoint note (with any cosignatures) every proof leads to.
    public let checkpoint: String
    /// Entries in sequence order.
    public let entries: [Entry]
    public let consistency: Consistency?

    public init(origin: String, product: String, checkpoint: String, entries: [Entry], consistency: Consistency? = nil) {
        self.origin = origin
        self.product = product
        self.checkpoint = checkpoint
        self.entries = entries
        self.consistency = consistency
    }

    /// The bundle's JSON text (fixed member order).
    public var json: String {
        var f: [(String, String)] = [
            ("format", JSONWriter.quote(Self.format)), ("origin", JSONWriter.quote(origin)),
            ("product", JSONWriter.quote(product)), ("checkpoint", JSONWriter.quote(checkpoint)),
        ]
        let es = entries.map { e in
            JSONWriter.object([("seq", "\(e.record.seq)"), ("record", JSONWriter.quote(Base64.encode(e.record.recordBytes))),
                               ("proof", "[" + e.proof.map { JSONWriter.quote($0.base64) }.joined(separator: ",") + "]")])
        }
        f.append(("entries", "[\n" + es.joined(separator: ",\n") + "\n]"))
        if let c = consistency {
            f.append(("consistency", JSONWriter.object([("fromCheckpoint", JSONWriter.quote(c.fromCheckpoint)),
                                                       ("hashes", "[" + c.hashes.map { JSONWriter.quote($0.base64) }.joined(separator: ",") + "]")])))
        }
        return JSONWriter.object(f) + "\n"
    }

    /// Parses a bundle.
    /// - Throws: `ModelError` naming the field at fault.
    public init(bytes: [UInt8]) throws(ModelError) {
        let json = try JSONValue.parse(bytes, limits: .init(maxBytes: Self.maxBytes, maxDepth: 8))
        var r = try ObjectReader(json)
        let format = try r.string("format")
        guard format == Self.format else {
            throw ModelError(.invalidValue, field: "format", "\"\(format.prefix(40))\" is not \(Self.format)")
        }
        origin = try r.string("origin")
        product = try r.string("product")
        checkpoint = try r.string("checkpoint")
        var out: [Entry] = []
        for (i, v) in try r.array("entries", nonEmpty: true).enumerated() {
            var e = try ObjectReader(v, path: "entries[\(i)]")
            let seq = try e.number("seq")
            let recordText = try e.string("record")
            guard let raw = Base64.decode(recordText) else {
                throw ModelError(.invalidValue, field: e.fieldPath("record"), "is not standard base64")
            }
            let record: LedgerRecord
            do { record = try LedgerRecord(recordBytes: raw) } catch {
                throw ModelError(.invalidValue, field: e.fieldPath("record"), error.message)
            }
            guard Double(record.seq) == seq else {
                throw ModelError(.invalidValue, field: e.fieldPath("seq"), "says \(seq) but the record is entry \(record.seq)")
            }
            out.append(Entry(record: record, proof: try Self.hashes(&e, "proof")))
            try e.finish()
        }
        entries = out
        if var c = try r.optionalObject("consistency") {
            consistency = Consistency(fromCheckpoint: try c.string("fromCheckpoint"), hashes: try Self.hashes(&c, "hashes"))
            try c.finish()
        } else {
            consistency = nil
        }
        try r.finish()
    }

    static func hashes(_ r: inout ObjectReader, _ key: String) throws(ModelError) -> [Digest] {
        var out: [Digest] = []
        for (i, h) in try r.stringArray(key).enumerated() {
            guard let d = try? Digest(base64: h) else {
                throw ModelError(.invalidValue, field: "\(r.fieldPath(key))[\(i)]", "is not a base64 SHA-256 hash")
            }
            out.append(d)
        }
        guard out.count <= 64 else { throw ModelError(.invalidValue, field: r.fieldPath(key), "has more than 64 hashes") }
        return out
    }
}
