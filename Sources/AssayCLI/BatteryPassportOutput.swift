import AssayModel
import AssayVerify

/// Where a battery passport goes: the file `--out` names (atomically, then a one-line summary,
/// or a JSON one with `--json`), or standard output.
enum BatteryPassportOutput {
    static func write(_ passport: BatteryPassport, to out: String?, json: Bool) throws {
        guard let out else {
            emit(passport.json)
            return
        }
        try InputFiles.writeAtomically(Array(passport.json.utf8), to: out)
        let present = BatteryPassport.parts.count - passport.missing.count
        if json {
            emit(JSONField.object([("passport", .string(out)), ("product", .string(passport.product)),
                                   ("parts", .int(Int64(present))), ("missing", .strings(passport.missing.map(\.rawValue))),
                                   ("checkpointSize", .uint(passport.checkpointSize))]))
        } else {
            let missing = passport.missing.isEmpty ? "" : " (missing: \(passport.missing.map(\.rawValue).joined(separator: ", ")))"
            emit("exported the battery passport of \(passport.product) to \(out): \(present) of \(BatteryPassport.parts.count) parts\(missing), checkpoint size \(passport.checkpointSize)")
        }
    }
}
