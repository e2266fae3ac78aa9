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
///      "consistency":{"fromCheckpoint":<note text>,"hashes":[…]}?,
///      "index":[{"type":"identifier"|"defining"|"key","subject":…,"count":n,"chain":<base64>,
///                "path":[<base64 hash>…],"neighbor":{"key":…,"count":…,"chain":…}?}…]}
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

    /// A consistency proof from an older checkpoint to the bundle's checkpoint and, when that
    /// checkpoint commits to the subject index, what its index held for each of the bundle's
    /// subjects (per-subject prefix proofs, FORMAT.md §13.7).
    public struct Consistency: Sendable, Equatable {
        public let fromCheckpoint: String
        public let hashes: [Digest]
        public let index: [IndexProof]

        public init(fromCheckpoint: String, hashes: [Digest], index: [IndexProof] = []) {
            self.fromCheckpoint = fromCheckpoint
            self.hashes = hashes
            self.index = index
        }
    }

    /// What the checkpoint's subject index (FORMAT.md §13) holds for one subject: the committed
    /// count and chain (0 and 32 zero bytes when it holds nothing), and the proof of that.
    public struct IndexProof: Sendable, Equatable {
        public let subject: IndexSubject
        public let count: UInt64
        public let chain: Digest
        public let proof: SubjectIndex.Proof

        public init(subject: IndexSubject, count: UInt64, chain: Digest, proof: SubjectIndex.Proof) {
            self.subject = subject
            self.count = count
            self.chain = chain
            self.proof = proof
        }

        /// The leaf the proof claims (nil: the index holds nothing for the subject).
        public var leaf: SubjectIndex.Leaf? {
            count == 0 ? nil : SubjectIndex.Leaf(key: subject.key, count: count, chain: chain)
        }

        /// Whether the proof shows this (count, chain) for the subject under `root`.
        public func verifies(root: Digest) -> Bool {
            guard count > 0 || chain == SubjectIndex.empty else { return false }
            return SubjectIndex.verify(proof, key: subject.key, leaf: leaf, root: root)
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
    /// Subject index proofs, one per subject the verdict rests on, ordered by (type, subject).
    public let index: [IndexProof]

    public init(origin: String, product: String, checkpoint: String, entries: [Entry], consistency: Consistency? = nil, index: [IndexProof] = []) {
        self.origin = origin
        self.product = product
        self.checkpoint = checkpoint
        self.entries = entries
        self.consistency = consistency
        self.index = index
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
            var m = [("fromCheckpoint", JSONWriter.quote(c.fromCheckpoint)),
                     ("hashes", "[" + c.hashes.map { JSONWriter.quote($0.base64) }.joined(separator: ",") + "]")]
            if !c.index.isEmpty { m.append(("index", Self.json(c.index))) }
            f.append(("consistency", JSONWriter.object(m)))
        }
        if !index.isEmpty { f.append(("index", Self.json(index))) }
        return JSONWriter.object(f) + "\n"
    }

    /// Index proofs as a JSON array, one object per line.
    static func json(_ index: [IndexProof]) -> String {
            let ps = index.map { p in
                var m: [(String, String)] = [("type", JSONWriter.quote(p.subject.type.name)),
                                             ("subject", JSONWriter.quote(p.subject.name)), ("count", "\(p.count)"),
                                             ("chain", JSONWriter.quote(p.chain.base64)),
                                             ("path", "[" + p.proof.path.map { JSONWriter.quote(($0 ?? SubjectIndex.empty).base64) }.joined(separator: ",") + "]")]
                if let n = p.proof.neighbor {
                    m.append(("neighbor", JSONWriter.object([("key", JSONWriter.quote(n.key.base64)), ("count", "\(n.count)"),
                                                             ("chain", JSONWriter.quote(n.chain.base64))])))
                }
                return JSONWriter.object(m)
            }
            return "[\n" + ps.joined(separator: ",\n") + "\n]"
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
            consistency = Consistency(fromCheckpoint: try c.string("fromCheckpoint"), hashes: try Self.hashes(&c, "hashes"),
                                      index: try Self.indexProofs(&c))
            try c.finish()
        } else {
            consistency = nil
        }
        index = try Self.indexProofs(&r)
        try r.finish()
    }

    /// The optional `index` member: subject index proofs.
    static func indexProofs(_ r: inout ObjectReader) throws(ModelError) -> [IndexProof] {
        var proofs: [IndexProof] = []
        for (i, v) in (try r.optionalArray("index") ?? []).enumerated() {
            var p = try ObjectReader(v, path: r.fieldPath("index") + "[\(i)]")
            let type: SubjectIndex.KeyType
            switch try p.string("type") {
            case "identifier": type = .identifier
            case "defining": type = .defining
            case "key": type = .keyReference
            case let t: throw ModelError(.invalidValue, field: p.fieldPath("type"), "\"\(t.prefix(40))\" is not identifier, defining or key")
            }
            let subject = IndexSubject(type, try p.string("subject"))
            let count = try Self.count(&p, "count")
            let chain = try Self.hash(&p, "chain")
            var path: [Digest?] = []
            for (j, h) in try p.stringArray("path").enumerated() {
                guard let d = try? Digest(base64: h) else {
                    throw ModelError(.invalidValue, field: "\(p.fieldPath("path"))[\(j)]", "is not a base64 SHA-256 hash")
                }
                path.append(d == SubjectIndex.empty ? nil : d)
            }
            guard path.count <= 256 else { throw ModelError(.invalidValue, field: p.fieldPath("path"), "has more than 256 hashes") }
            var neighbor: SubjectIndex.Leaf? = nil
            if var n = try p.optionalObject("neighbor") {
                neighbor = SubjectIndex.Leaf(key: try Self.hash(&n, "key"), count: try Self.count(&n, "count"), chain: try Self.hash(&n, "chain"))
                try n.finish()
            }
            try p.finish()
            proofs.append(IndexProof(subject: subject, count: count, chain: chain, proof: SubjectIndex.Proof(path: path, neighbor: neighbor)))
        }
        return proofs
    }

    static func hash(_ r: inout ObjectReader, _ key: String) throws(ModelError) -> Digest {
        guard let d = try? Digest(base64: try r.string(key)) else {
            throw ModelError(.invalidValue, field: r.fieldPath(key), "is not a base64 SHA-256 hash")
        }
        return d
    }

    static func count(_ r: inout ObjectReader, _ key: String) throws(ModelError) -> UInt64 {
        let n = try r.number(key)
        guard n >= 0, n <= 9_007_199_254_740_991, n.rounded() == n else {
            throw ModelError(.invalidValue, field: r.fieldPath(key), "must be a whole number from 0 to 2^53 - 1")
        }
        return UInt64(n)
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
