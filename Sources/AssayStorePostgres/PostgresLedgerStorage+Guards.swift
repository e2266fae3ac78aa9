public import AssayStore

extension PostgresLedgerStorage {
    /// A required guard (trigger or trigger function) that is missing or not the one Assay creates.
    public struct GuardProblem: Sendable, Equatable {
        /// The trigger's or function's name.
        public let name: String
        /// What is wrong, in a few words.
        public let problem: String
    }

    /// Every required trigger that is missing, disabled, narrowed (a `WHEN` condition or a
    /// column list), firing at another time or for another event, or calling another function or
    /// argument; and every guard function whose language or body (white space collapsed) is not
    /// the one Assay creates. A trigger replaced by one that lets edits through is as good as a
    /// missing one.
    public func guardProblems() throws(StoreError) -> [GuardProblem] {
        let rows = try page("""
            SELECT t.tgname, c.relname, t.tgenabled::text, t.tgtype::int8, p.proname, pn.nspname,
                   t.tgnargs::int8, encode(t.tgargs, 'escape'), t.tgqual IS NULL, t.tgattr::text
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_proc p ON p.oid = t.tgfoid
            JOIN pg_namespace pn ON pn.oid = p.pronamespace
            WHERE n.nspname = 'assay' AND NOT t.tgisinternal
            """, [])
        var present: [String: Row] = [:]
        for r in rows { present[r.text(1) + "." + r.text(0)] = r }
        var problems: [GuardProblem] = []
        for t in PostgresSchema.triggers {
            guard let r = present[t.table + "." + t.name] else {
                problems.append(GuardProblem(name: t.name, problem: "is missing"))
                continue
            }
            let event: Int64 = switch t.event {
            case "INSERT": 4
            case "DELETE": 8
            case "UPDATE": 16
            default: 32 // TRUNCATE
            }
            let type: Int64 = 2 | event | (t.forEachRow ? 1 : 0) // BEFORE | event | ROW
            let args = t.argument.map { $0 + "\\000" } ?? ""
            if r.text(2) != "O" && r.text(2) != "A" {
                problems.append(GuardProblem(name: t.name, problem: "is disabled"))
            } else if r.int(3) != type || !r.bool(8) || !r.text(9).isEmpty {
                problems.append(GuardProblem(name: t.name, problem: "is not the one assay creates (fires at another time, for other events or rows)"))
            } else if r.text(4) != t.function || r.text(5) != PostgresSchema.schema || r.int(6) != (t.argument == nil ? 0 : 1) || r.text(7) != args {
                problems.append(GuardProblem(name: t.name, problem: "is not the one assay creates (calls \(r.text(5)).\(r.text(4)))"))
            }
        }
        let functions = try page("""
            SELECT p.proname, l.lanname, p.prosrc FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
            WHERE n.nspname = 'assay'
            """, [])
        var bodies: [String: (String, String)] = [:]
        for f in functions { bodies[f.text(0)] = (f.text(1), f.text(2)) }
        for f in PostgresSchema.functions {
            guard let (language, source) = bodies[f.name] else {
                problems.append(GuardProblem(name: f.name, problem: "(function) is missing"))
                continue
            }
            if language != "plpgsql" || Self.normalised(source) != Self.normalised(f.body) {
                problems.append(GuardProblem(name: f.name, problem: "(function) is not the one assay creates"))
            }
        }
        return problems
    }

    /// SQL text with every run of white space collapsed to one space, trimmed.
    static func normalised(_ sql: String) -> String {
        sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// Missing or altered guards and record rows outside the sequence, one line each.
    public func containerProblems() throws(StoreError) -> [String] {
        var problems = try guardProblems().map { p in
            "append-only guard \(p.name) \(p.problem): the database was edited outside assay"
        }
        if let seq = try firstRecordOutsideSequence() {
            problems.append("a record row is stored under sequence number \(seq), which is negative")
        }
        return problems
    }
}
