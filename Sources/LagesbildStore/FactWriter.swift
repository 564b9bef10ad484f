import GRDB
import GRDBSQLite
import LagesbildModel

/// Writes validated rows of one kind by natural key: inserts new keys, replaces changed values (keeping
/// the old ones in the kind's history table, linked to the replacing import), and leaves identical rows be.
///
/// This is the import's hot path. Statements are prepared once per file (`cachedStatement`; the import's id is part of the SQL) and driven
/// through SQLite's C API on GRDB's statement handles: integers are bound as integers and texts straight
/// from the file's bytes, with no per-row Swift values. A new key costs one `INSERT … ON CONFLICT DO
/// NOTHING`; only a key that exists already is read back and compared.
package final class FactWriter: FactWriting {
    package enum Outcome: Equatable {
        case inserted, replaced, unchanged
        /// The key was already written by this same import: the file has it twice.
        case duplicate(firstLine: Int)
    }

    /// Rows per multi-row INSERT: fewer statement executions (128 saved 2.5 % of the writer's instructions
    /// over 32, measured with callgrind).
    static let rowsPerInsert = 128

    private let connection: OpaquePointer
    private let insert: OpaquePointer
    private let insertMany: OpaquePointer
    private let select: OpaquePointer
    private let update: OpaquePointer
    private let archive: OpaquePointer
    private let keyPositions: [Int]
    private let valuePositions: [Int]
    private let columnCount: Int
    // GRDB owns the statements; keeping them here keeps their handles alive.
    private let statements: [Statement]

    private let importID: Int64

    package init(db: Database, kind: DataKind, importID: Int64) throws {
        self.importID = importID
        let columns = kind.columns
        columnCount = columns.count
        keyPositions = columns.indices.filter { columns[$0].isKey }
        valuePositions = columns.indices.filter { !columns[$0].isKey }
        let table = kind.table
        let all = columns.map(\.db.rawValue).joined(separator: ", ")
        let whereKey = kind.keyColumns.map { "\($0.db) = ?" }.joined(separator: " AND ")
        let values = kind.valueColumns.map(\.db.rawValue)
        let statements = [
            try db.cachedStatement(sql: """
                INSERT INTO \(table) (\(all), import_id, line) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")), \(importID), ?)
                ON CONFLICT DO NOTHING
                """),
            try db.cachedStatement(sql: "SELECT \(values.joined(separator: ", ")), import_id, line FROM \(table) WHERE \(whereKey)"),
            try db.cachedStatement(sql: """
                UPDATE \(table) SET \(values.map { "\($0) = ?" }.joined(separator: ", ")), import_id = ?, line = ? WHERE \(whereKey)
                """),
            try db.cachedStatement(sql: """
                INSERT INTO \(table)_history (\(all), import_id, line, replaced_by)
                SELECT \(all), import_id, line, ? FROM \(table) WHERE \(whereKey)
                """),
            try db.cachedStatement(sql: """
                INSERT INTO \(table) (\(all), import_id, line) VALUES
                \(Array(repeating: "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ", \(importID), ?)", count: Self.rowsPerInsert).joined(separator: ",\n"))
                ON CONFLICT DO NOTHING
                """),
        ]
        self.statements = statements
        insert = statements[0].sqliteStatement
        select = statements[1].sqliteStatement
        update = statements[2].sqliteStatement
        archive = statements[3].sqliteStatement
        insertMany = statements[4].sqliteStatement
        connection = db.sqliteConnection!
    }

    /// Writes every row of a batch, calling `outcome` for each in order. Rows go in groups of
    /// ``rowsPerInsert`` through one multi-row `INSERT … ON CONFLICT DO NOTHING`; a group in which some key
    /// existed is sorted out row by row.
    package func write(_ batch: RowBatch, outcome: (Outcome, _ line: Int) throws -> Void) throws {
        try batch.withRows { count, value, line in
            var row = [BindValue](repeating: .null, count: columnCount)
            var start = 0
            while start + Self.rowsPerInsert <= count {
                var parameter: Int32 = 1
                for index in start..<(start + Self.rowsPerInsert) {
                    for column in 0..<columnCount { Self.bind(insertMany, parameter, value(index, column)); parameter += 1 }
                    sqlite3_bind_int64(insertMany, parameter, Int64(line(index)))
                    parameter += 1
                }
                try step(insertMany)
                let inserted = Int(sqlite3_changes(connection))
                for index in start..<(start + Self.rowsPerInsert) {
                    if inserted == Self.rowsPerInsert {
                        try outcome(.inserted, line(index))
                        continue
                    }
                    for column in 0..<columnCount { row[column] = value(index, column) }
                    try outcome(try settle(row, line: line(index), mayBeNew: true), line(index))
                }
                start += Self.rowsPerInsert
            }
            for index in start..<count {
                for column in 0..<columnCount { row[column] = value(index, column) }
                try outcome(try upsert(row, line: line(index)), line(index))
            }
        }
    }

    /// Writes one row; `row` follows `kind.columns`.
    func upsert(_ row: [BindValue], line: Int) throws -> Outcome {
        for index in 0..<columnCount { Self.bind(insert, Int32(index + 1), row[index]) }
        sqlite3_bind_int64(insert, Int32(columnCount + 1), Int64(line))
        try step(insert)
        if sqlite3_changes(connection) == 1 { return .inserted }
        return try settle(row, line: line, mayBeNew: false)
    }

    /// A row whose key may have existed when it was inserted: compare with what is stored now.
    /// With `mayBeNew`, the row may also be the one this import just inserted (from a multi-row insert).
    private func settle(_ row: [BindValue], line: Int, mayBeNew: Bool) throws -> Outcome {
        for (parameter, position) in keyPositions.enumerated() { Self.bind(select, Int32(parameter + 1), row[position]) }
        defer { sqlite3_reset(select) }
        guard sqlite3_step(select) == SQLITE_ROW else { throw error() }
        let storedImport = sqlite3_column_int64(select, Int32(valuePositions.count))
        let storedLine = Int(sqlite3_column_int64(select, Int32(valuePositions.count + 1)))
        if storedImport == importID {
            return mayBeNew && storedLine == line ? .inserted : .duplicate(firstLine: storedLine)
        }
        if valuePositions.enumerated().allSatisfy({ column, position in Self.equal(select, Int32(column), row[position]) }) {
            return .unchanged
        }
        sqlite3_reset(select)
        sqlite3_bind_int64(archive, 1, importID)
        for (parameter, position) in keyPositions.enumerated() { Self.bind(archive, Int32(parameter + 2), row[position]) }
        try step(archive)
        var parameter: Int32 = 1
        for position in valuePositions { Self.bind(update, parameter, row[position]); parameter += 1 }
        sqlite3_bind_int64(update, parameter, importID)
        sqlite3_bind_int64(update, parameter + 1, Int64(line))
        parameter += 2
        for position in keyPositions { Self.bind(update, parameter, row[position]); parameter += 1 }
        try step(update)
        return .replaced
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ value: BindValue) {
        switch value {
        case .null: sqlite3_bind_null(statement, index)
        case .integer(let integer): sqlite3_bind_int64(statement, index, integer)
        case .real(let real): sqlite3_bind_double(statement, index, real)
        case .text(let bytes):
            // SQLITE_STATIC: SQLite uses the bytes in place. They belong to the record being handled, and every
            // statement is stepped and reset before the next record replaces them.
            // An empty text needs a non-null pointer to be bound as "" rather than NULL.
            let pointer = UnsafeRawPointer(bytes.baseAddress ?? FactWriter.emptyText).assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(statement, index, pointer, Int32(bytes.count), nil)
        }
    }

    // Never written after it is made.
    nonisolated(unsafe) private static let emptyText: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    static func equal(_ statement: OpaquePointer, _ column: Int32, _ value: BindValue) -> Bool {
        let type = sqlite3_column_type(statement, column)
        switch value {
        case .null: return type == SQLITE_NULL
        case .integer(let integer): return type == SQLITE_INTEGER && sqlite3_column_int64(statement, column) == integer
        case .real(let real): return (type == SQLITE_FLOAT || type == SQLITE_INTEGER) && sqlite3_column_double(statement, column) == real
        case .text(let bytes):
            guard type == SQLITE_TEXT else { return false }
            let length = Int(sqlite3_column_bytes(statement, column))
            guard length == bytes.count else { return false }
            guard length > 0, let stored = sqlite3_column_text(statement, column) else { return true }
            return UnsafeBufferPointer(start: stored, count: length).elementsEqual(bytes)
        }
    }

    private func step(_ statement: OpaquePointer) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private func error(_ code: Int32? = nil) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code ?? sqlite3_errcode(connection)),
                      message: String(cString: sqlite3_errmsg(connection)))
    }
}
