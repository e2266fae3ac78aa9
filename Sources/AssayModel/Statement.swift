/// A decoded, validated statement: the payload of a signed envelope.
public enum Statement: Sendable, Equatable {
    case ledgerGenesis(LedgerGenesis)
    case partyRegistration(PartyRegistration)
    case keyRevocation(KeyRevocation)
    case authorityDelegation(AuthorityDelegation)
    case genericEvent(GenericEvent)
    case lifecycleCommitment(LifecycleCommitment)
    /// One part of a product passport (Battery Pass v1.2.0 or ESPR generic).
    case passportData(PassportData)
    /// An EPCIS 2.0 event, classified (component origin, manufacturing step, …).
    case supplyChain(SupplyChainStatement)

    /// Largest statement accepted, in bytes (before any parsing).
    public static let maxBytes = 256 * 1024
    /// Deepest JSON nesting accepted.
    public static let maxDepth = 32

    /// The statement's kind.
    public var kind: StatementKind {
        switch self {
        case .ledgerGenesis: .ledgerGenesis
        case .partyRegistration: .partyRegistration
        case .keyRevocation: .keyRevocation
        case .authorityDelegation: .authorityDelegation
        case .genericEvent: .genericEvent
        case .lifecycleCommitment: .lifecycleCommitment
        case .passportData: .passportData
        case .supplyChain(let s): s.kind
        }
    }

    /// When the fact the statement records happened.
    public var eventTime: Timestamp {
        switch self {
        case .ledgerGenesis(let s): s.eventTime
        case .partyRegistration(let s): s.eventTime
        case .keyRevocation(let s): s.eventTime
        case .authorityDelegation(let s): s.eventTime
        case .genericEvent(let s): s.eventTime
        case .lifecycleCommitment(let s): s.eventTime
        case .passportData(let s): s.eventTime
        case .supplyChain(let s): s.event.eventTime
        }
    }

    /// The identifiers this statement is about (for indexing and bundle export).
    public var subjects: [String] {
        switch self {
        case .ledgerGenesis: []
        case .partyRegistration(let s): [s.partyId]
        case .keyRevocation: []
        case .authorityDelegation(let s): [canonicalSubject(s.delegate)]
        case .genericEvent(let s): [canonicalSubject(s.subject)]
        case .lifecycleCommitment(let s): [canonicalModel(s.model)]
        case .passportData(let s): [s.canonicalSubjectId]
        case .supplyChain(let s): Array(Set(s.event.objectIdentifiers.map(canonicalSubject))).sorted()
        }
    }

    /// Decodes and validates a statement from its JSON bytes.
    /// - Throws: `ModelError` naming the field and the rule it breaks.
    public static func decode(_ bytes: [UInt8]) throws(ModelError) -> Statement {
        let limits = JSONValue.Limits(maxBytes: maxBytes, maxDepth: maxDepth)
        let json = try JSONValue.parse(bytes, limits: limits)
        // Passport data keeps the signed bytes and number literals of its `data`: read the same
        // bytes once more, keeping them (only for this kind).
        guard case .object(let o) = json, case .string(StatementKind.passportData.rawValue)? = o["type"] else { return try decode(json) }
        let source = try JSONSource.parse(bytes, limits: limits)
        return try decode(json, passportSource: source.members.first { $0.key == "data" }.map { ($0, bytes) })
    }

    /// Decodes and validates a statement from a parsed JSON value. Passport data decoded this
    /// way has no signed bytes: its number literals are as `JSONValue.serialized` writes them.
    public static func decode(_ json: JSONValue) throws(ModelError) -> Statement {
        try decode(json, passportSource: nil)
    }

    private static func decode(_ json: JSONValue, passportSource: (member: JSONSource.Member, bytes: [UInt8])?) throws(ModelError) -> Statement {
        var r = try ObjectReader(json)
        let typeName = try r.string("type")
        do {
            let s = try decode(reader: &r, typeName: typeName, json: json, passportSource: passportSource)
            try s.checkIdentifierCharacters()
            return s
        } catch {
            throw error.inKind(typeName)
        }
    }

    /// Identifiers (the subjects a record is indexed under, an EPCIS `eventID`) never contain a
    /// control character (U+0000–U+001F, U+007F–U+009F): no URI does, and a storage backend may
    /// not be able to hold one (PostgreSQL `text` cannot hold U+0000), which would make one
    /// submission fail a whole group and a ledger impossible to migrate. And they are in Unicode
    /// Normalization Form C: an identifier has one spelling, so the records about one thing
    /// are indexed under one subject (a decomposed `é` would open a second one, outside the
    /// first one's bundle and completeness proofs); the others are refused, not normalised.
    func checkIdentifierCharacters() throws(ModelError) {
        var ids = subjects.map { ("subject", $0) }
        if case .supplyChain(let s) = self, let id = s.event.eventID { ids.append(("eventID", id)) }
        for (field, id) in ids {
            if let c = id.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                let code = String(c.value, radix: 16, uppercase: true)
                throw ModelError(.invalidValue, field: field, "identifier \"\(String(id.unicodeScalars.filter { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) }).prefix(80))\" contains the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)")
            }
            guard isNFC(id) else {
                throw ModelError(.invalidValue, field: field, "identifier \"\(id.prefix(80))\" is not in Unicode Normalization Form C (NFC): write it composed, so that it has one spelling")
            }
        }
    }

    private static func decode(reader r: inout ObjectReader, typeName: String, json: JSONValue,
                               passportSource: (member: JSONSource.Member, bytes: [UInt8])?) throws(ModelError) -> Statement {
        if EPCISEvent.EventType(rawValue: typeName) != nil {
            let event = try EPCISEvent(json: json)
            return .supplyChain(try SupplyChainStatement(event: event))
        }
        guard let kind = StatementKind(rawValue: typeName), StatementKind.assayTypes.contains(kind) else {
            let known = (StatementKind.assayTypes.map(\.rawValue) + EPCISEvent.EventType.allCases.map(\.rawValue)).joined(separator: ", ")
            throw ModelError(.unknownKind, field: "type", "unknown statement type \"\(typeName.prefix(60))\" (known: \(known))")
        }
        let s: Statement
        switch kind {
        case .ledgerGenesis: s = .ledgerGenesis(try LedgerGenesis(reading: &r))
        case .partyRegistration: s = .partyRegistration(try PartyRegistration(reading: &r))
        case .keyRevocation: s = .keyRevocation(try KeyRevocation(reading: &r))
        case .authorityDelegation: s = .authorityDelegation(try AuthorityDelegation(reading: &r))
        case .genericEvent: s = .genericEvent(try GenericEvent(reading: &r))
        case .lifecycleCommitment: s = .lifecycleCommitment(try LifecycleCommitment(reading: &r))
        default: s = .passportData(try PassportData(reading: &r, source: passportSource))
        }
        try r.finish()
        return s
    }
}

/// Reads the `eventTime` / `eventTimeZoneOffset` pair every statement carries.
func readEventTime(_ r: inout ObjectReader) throws(ModelError) -> Timestamp {
    let t = try r.timestamp("eventTime")
    let off = try r.string("eventTimeZoneOffset")
    try validateZoneOffset(off, field: r.fieldPath("eventTimeZoneOffset"))
    return t
}

/// Checks a string field holds a signed-note verifier key's shape (`name+8hex+base64`);
/// the cryptographic check of the key id happens in AssayCrypto when the key is used.
func checkVerifierKeyShape(_ s: String, field: String) throws(ModelError) {
    let parts = s.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, parts[1].utf8.count == 8, isASCIIHex(parts[1]), parts[2].utf8.count == 44,
          parts[2].utf8.allSatisfy({ isBase64Byte($0) }) else {
        throw ModelError(.invalidValue, field: field, "must be a verifier key of the form name+keyid+base64key")
    }
    try checkKeyName(parts[0], field: field)
}

/// Checks a key reference (`name+8hex`), the first two fields of a verifier key.
func checkKeyReferenceShape(_ s: String, field: String) throws(ModelError) {
    let parts = s.split(separator: "+", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.count == 8, isASCIIHex(parts[1]) else {
        throw ModelError(.invalidValue, field: field, "must be a key reference of the form name+keyid (8 hex digits)")
    }
    try checkKeyName(parts[0], field: field)
}

/// Key names Assay signs with are printable ASCII (0x21–0x7E) without `+`, `"` or `\`: the key
/// reference stands unescaped in a DSSE `keyid` (FORMAT.md §1).
func checkKeyName(_ name: some StringProtocol, field: String) throws(ModelError) {
    guard name.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
        throw ModelError(.invalidValue, field: field, "key name must be printable ASCII without +, \" or \\")
    }
}

/// ASCII hex digits only (`Character.isHexDigit` also accepts fullwidth forms).
func isASCIIHex(_ s: some StringProtocol) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
}

/// A standard base64 alphabet byte (or padding).
func isBase64Byte(_ b: UInt8) -> Bool {
    (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 43 || b == 47 || b == 61
}

func nonEmpty(_ s: String, field: String, max: Int = 1024) throws(ModelError) -> String {
    guard !s.trimmingCharactersInWhitespace.isEmpty else { throw ModelError(.invalidValue, field: field, "must not be empty") }
    guard s.utf8.count <= max else { throw ModelError(.invalidValue, field: field, "is longer than \(max) bytes") }
    return s
}

extension String {
    var trimmingCharactersInWhitespace: Substring {
        let s = self.drop(while: { $0.isWhitespace })
        return s.dropLast(s.reversed().prefix(while: { $0.isWhitespace }).count)
    }
}
