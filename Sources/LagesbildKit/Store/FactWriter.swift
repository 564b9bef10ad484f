import GRDB

/// Writes validated rows of one kind by natural key: inserts new keys, replaces changed values (keeping
/// the old ones in the kind's history table, linked to the replacing import), and leaves identical rows be.
///
/// All statements are prepared once per import and reused for every row (`cachedStatement`).
final class FactWriter {
    enum Outcome: Equatable {
        case inserted, replaced, unchanged
        /// The key was already written by this same import: the file has it twice.
        case duplicate(firstLine: Int)
    }

    private let kind: DataKind
    private let select: Statement
    private let insert: Statement
    private let update: Statement
    private let archive: Statement
    private let keyCount: Int
    private let valueCount: Int
    private let keyPositions: [Int]
    private let valuePositions: [Int]

    init(db: Database, kind: DataKind) throws {
        self.kind = kind
        let columns = kind.columns
        keyPositions = columns.indices.filter { columns[$0].isKey }
        valuePositions = columns.indices.filter { !columns[$0].isKey }
        keyCount = keyPositions.count
        valueCount = valuePositions.count
        let table = kind.table
        let all = columns.map(\.db).joined(separator: ", ")
        let whereKey = kind.keyColumns.map { "\($0.db) = ?" }.joined(separator: " AND ")
        let values = kind.valueColumns.map(\.db)
        select = try db.cachedStatement(sql: "SELECT \(values.joined(separator: ", ")), import_id, line FROM \(table) WHERE \(whereKey)")
        insert = try db.cachedStatement(sql: """
            INSERT INTO \(table) (\(all), import_id, line) VALUES (\(Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")))
            """)
        update = try db.cachedStatement(sql: """
            UPDATE \(table) SET \(values.map { "\($0) = ?" }.joined(separator: ", ")), import_id = ?, line = ? WHERE \(whereKey)
            """)
        archive = try db.cachedStatement(sql: """
            INSERT INTO \(table)_history (\(all), import_id, line, replaced_by)
            SELECT \(all), import_id, line, ? FROM \(table) WHERE \(whereKey)
            """)
    }

    /// Writes one row; `values` follow `kind.columns`.
    func upsert(_ values: [DatabaseValue], importID: Int64, line: Int) throws -> Outcome {
        let key = keyPositions.map { values[$0] }
        let newValues = valuePositions.map { values[$0] }
        select.setUncheckedArguments(StatementArguments(key))
        if let existing = try Row.fetchOne(select) {
            let existingImport: Int64 = existing[valueCount]
            if existingImport == importID {
                return .duplicate(firstLine: existing[valueCount + 1])
            }
            let unchanged = (0..<valueCount).allSatisfy { existing[$0] as DatabaseValue == newValues[$0] }
            if unchanged { return .unchanged }
            try archive.execute(arguments: StatementArguments([importID.databaseValue] + key))
            try update.execute(arguments: StatementArguments(newValues + [importID.databaseValue, line.databaseValue] + key))
            return .replaced
        }
        try insert.execute(arguments: StatementArguments(values + [importID.databaseValue, line.databaseValue]))
        return .inserted
    }
}
