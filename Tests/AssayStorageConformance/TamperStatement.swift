public import AssayLog

/// A statement to run through a `StorageTamperer`, bound parameter by parameter (so tamper
/// tests read like the SQL they perform, whatever the backend).
public final class TamperStatement {
    let tamperer: any StorageTamperer
    let sql: String
    var values: [TamperValue] = []
    var rows: [[TamperValue]]? = nil
    var row = -1

    init(_ tamperer: any StorageTamperer, _ sql: String) {
        self.tamperer = tamperer
        self.sql = sql
    }

    func set(_ index: Int32, _ v: TamperValue) {
        let i = Int(index) - 1
        while values.count <= i { values.append(.null) }
        values[i] = v
    }

    /// Binds parameter `?index` (from 1).
    public func bind(_ index: Int32, _ value: Int64) { set(index, .int(value)) }
    /// Binds parameter `?index` (from 1).
    public func bind(_ index: Int32, _ value: String) { set(index, .text(value)) }
    /// Binds parameter `?index` (from 1).
    public func bind(_ index: Int32, _ value: [UInt8]) { set(index, .blob(value)) }

    /// Runs the statement (no rows).
    public func run() throws { try tamperer.execute(sql, values) }

    /// Moves to the next result row (running the query on the first call); false at the end.
    public func step() throws -> Bool {
        if rows == nil { rows = try tamperer.query(sql, values) }
        row += 1
        return row < rows!.count
    }

    /// Column `col` of the current row as bytes (a blob, or text as UTF-8).
    public func blob(_ col: Int32) -> [UInt8] {
        switch rows?[row][Int(col)] {
        case .blob(let b): return b
        case .text(let t): return Array(t.utf8)
        default: return []
        }
    }

    /// Forgets the results and bindings, for another run.
    public func reset() {
        rows = nil
        row = -1
        values = []
    }
}

extension StorageTamperer {
    /// A statement to bind and run (throwing, as a backend that prepares on the server may).
    public func prepare(_ sql: String) throws -> TamperStatement { TamperStatement(self, sql) }

}

/// The stored id of tree node `id` (FORMAT.md §7: `level << 56 | index`).
public func storedNodeID(_ id: NodeID) -> Int64 { Int64(id.level) << 56 | Int64(id.index) }
