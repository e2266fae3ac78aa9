/// One ledger entry as a JSON line (`append`, `import`, `log`): seq, optional time, kind,
/// signer and leaf hash, through `JSONWriter`.
enum EntryLine {
    static func json(seq: UInt64, time: String? = nil, kind: String, signer: String, leafHash: String, alreadyPresent: Bool? = nil) -> String {
        var fields: [(String, JSONField)] = [("seq", .uint(seq))]
        if let time { fields.append(("time", .string(time))) }
        fields += [("kind", .string(kind)), ("signer", .string(signer)), ("leafHash", .string(leafHash))]
        if let alreadyPresent { fields.append(("alreadyPresent", .bool(alreadyPresent))) }
        return JSONField.object(fields)
    }
}
