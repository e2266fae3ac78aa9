public import AssayCrypto
public import AssayLog
public import AssayModel

/// One entry as the completeness rules see it.
public struct IndexedEntry: Sendable {
    public let seq: UInt64
    public let statement: Statement
    /// The signing key's reference (`name+keyid`).
    public let signer: String
    /// The record's RFC 6962 leaf hash.
    public let leaf: Digest

    public init(seq: UInt64, statement: Statement, signer: String, leaf: Digest) {
        self.seq = seq
        self.statement = statement
        self.signer = signer
        self.leaf = leaf
    }
}

/// The subjects a product's verdict rests on (FORMAT.md §13), found the same way by the exporter
/// (over the ledger) and by the verifier (over the bundle's entries):
///
/// 1. every entry about the product, and the defining entries of its model's class
///    (`https://id.gs1.org/01/{GTIN}`: the lifecycle commitments and the model's passport
///    data); when the product is a serialised item, the defining entries of each batch an entry
///    about it that produces it places it in (`Statement.declaredBatch(of:)`: ILMD
///    `cbvmda:lotNumber`), which hold the batch's passport data;
/// 2. for every entry in those lists that **produces** the identifier (an assembly's parent, a
///    step's output, a commissioning), everything the entry consumed — transitively, so
///    components of components are included: every entry about a serialised item (its whole
///    history, so a second consumption shows), the defining entries of a lot or class (its
///    origins, steps, corrections, ends of life — not every product that used the lot);
/// 3. for every entry included, its signer's key reference (the key's registration and revocations);
/// 4. for every registration included through a key reference, the registered party's identifier
///    (the party's other registrations and the delegations to it).
///
/// A bundle must hold, for every one of these subjects, exactly the entries the checkpoint's
/// index commits to. Because each list is complete, following it finds every subject the log
/// would: the closure computed from a complete bundle equals the one computed from the ledger.
public enum CompletenessClosure {
    /// Every subject reachable from `product` by the rules above, with the entries about it
    /// (`about` returns them in increasing `seq` order).
    public static func subjects(product: String, about: (IndexSubject) throws -> [IndexedEntry]) rethrows -> [IndexSubject: [IndexedEntry]] {
        var found: [IndexSubject: [IndexedEntry]] = [:]
        let root = canonicalSubject(product)
        var queue: [IndexSubject] = [.identifier(root)]
        if let model = productModel(of: root) { queue.append(.defining(model)) }
        while let subject = queue.popLast() {
            guard found[subject] == nil else { continue }
            let entries = try about(subject)
            found[subject] = entries
            for e in entries {
                queue.append(.key(e.signer))
                switch subject.type {
                case .identifier, .defining:
                    // The product's batch: its passport data about the batch (rule 1).
                    if subject == .identifier(root), let batch = e.statement.declaredBatch(of: root) { queue.append(.defining(batch)) }
                    guard e.statement.produced.contains(subject.name) else { continue }
                    for c in e.statement.consumed.map(canonicalSubject) {
                        // A serialised item's whole history (a second consumption shows); a lot's
                        // or a class's defining entries only (not every product that used it).
                        queue.append(isSerialisedItem(c) ? .identifier(c) : .defining(c))
                    }
                case .keyReference:
                    guard case .partyRegistration(let p) = e.statement, IndexSubject.keyReferences(of: e.statement) == [subject.name] else { continue }
                    queue.append(.identifier(p.partyId))
                    queue.append(.identifier(canonicalSubject(p.partyId)))
                }
            }
        }
        return found
    }

    /// `about` over a set of entries: each entry is about its `IndexSubject.of` subjects.
    public static func lookup(_ entries: [IndexedEntry]) -> (IndexSubject) -> [IndexedEntry] {
        var by: [IndexSubject: [IndexedEntry]] = [:]
        for e in entries.sorted(by: { $0.seq < $1.seq }) {
            for s in Set(IndexSubject.of(e.statement)) { by[s, default: []].append(e) }
        }
        return { by[$0] ?? [] }
    }

    /// The (count, chain) the entries give a subject: the chain of their leaf hashes in order.
    public static func leaf(of entries: [IndexedEntry]) -> (count: UInt64, chain: Digest) {
        var chain = SubjectIndex.empty
        for e in entries { chain = SubjectIndex.chain(previous: chain, leaf: e.leaf) }
        return (UInt64(entries.count), chain)
    }
}
