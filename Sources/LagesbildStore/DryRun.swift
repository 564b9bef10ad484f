import GRDB
import GRDBSQLite
import LagesbildModel

/// Writes the validated rows of one source: ``FactWriter`` into the store, ``DryRunFactWriter`` for a dry run.
package protocol FactWriting: AnyObject {
    /// Writes every row of a batch, calling `outcome` for each in order.
    func write(_ batch: RowBatch, outcome: (FactWriter.Outcome, _ line: Int) throws -> Void) throws
}

/// A dry run of an import (`import --dry-run`, the workspace's preview): it runs on a reader of the pool, on one
/// snapshot of the database, and never takes SQLite's write lock, so that a preview of a large upload does not
/// hold up anyone else's writes (finding 5 of the penetration test: a login's audit row waited 16.6 s for one).
///
/// The import's writes go to temporary tables of the reader's connection instead (SQLite's temp schema is
/// writable on a connection that opens the database read-only), created empty: `temp.dry_import_log` for the
/// import log's ids and checksums, `temp.dry_<table>` for the rows of each kind. Every lookup reads them
/// together with the stored rows in `main`, so that rows, duplicates, earlier imports and ids come out as the
/// import would have them, earlier files of the same command included. Savepoints cover the temp schema too:
/// a file whose savepoint is rolled back leaves nothing behind, as in the import.
enum DryRun {
    /// The temporary table that holds a dry run's rows of a kind.
    static func table(_ kind: DataKind) -> String { "temp.dry_\(kind.table)" }

    fileprivate static func createTables(_ db: Database) throws {
        try db.execute(sql: "CREATE TEMP TABLE dry_import_log (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL)")
        for kind in DataKind.allCases {
            // CREATE TABLE … AS gives the columns the stored table's affinities, so that values are stored, and
            // compared, as the stored table would hold them.
            let columns = kind.columns.map(\.db.rawValue).joined(separator: ", ")
            try db.execute(sql: "CREATE TEMP TABLE dry_\(kind.table) AS SELECT \(columns), import_id, line FROM main.\(kind.table) WHERE 0")
            try db.execute(sql: """
                CREATE UNIQUE INDEX temp.dry_\(kind.table)_key ON dry_\(kind.table) (\(kind.keyColumns.map(\.db.rawValue).joined(separator: ", ")))
                """)
        }
    }
}

extension Store {
    /// Runs a dry run of an import on a reader's snapshot, with its temporary tables; they are dropped when it
    /// ends (a savepoint rolled back), so the reader is left as it was.
    package func dryRun<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read { db in
            var result: T?
            try db.inSavepoint {
                try DryRun.createTables(db)
                result = try body(db)
                return .rollback
            }
            return result!
        }
    }
}

/// The dry run's ``FactWriter``: classifies each row as the writer would (inserted, replaced, unchanged, or a
/// duplicate of an earlier line of the same source) and keeps the rows the import would have written in the kind's
/// temporary table, without archiving or updating anything. A key is looked up among the rows of this dry run
/// first, then among the stored ones.
///
/// As in the import, a row identical to the stored one is left be: a second such row is unchanged again, not a
/// duplicate, because the stored row still belongs to its earlier import.
package final class DryRunFactWriter: FactWriting {
    private let connection: OpaquePointer
    private let findWritten: OpaquePointer
    private let findStored: OpaquePointer
    private let record: OpaquePointer
    private let keyPositions: [Int]
    private let valuePositions: [Int]
    private let columnCount: Int
    // Not cached: the statements name temporary tables that are gone when the dry run ends.
    private let statements: [Statement]
    private let importID: Int64

    package init(db: Database, kind: DataKind, importID: Int64) throws {
        self.importID = importID
        let columns = kind.columns
        columnCount = columns.count
        keyPositions = columns.indices.filter { columns[$0].isKey }
        valuePositions = columns.indices.filter { !columns[$0].isKey }
        let all = columns.map(\.db.rawValue).joined(separator: ", ")
        let whereKey = kind.keyColumns.map { "\($0.db) = ?" }.joined(separator: " AND ")
        let values = kind.valueColumns.map(\.db.rawValue).joined(separator: ", ")
        let statements = [
            try db.makeStatement(sql: "SELECT \(values), import_id, line FROM \(DryRun.table(kind)) WHERE \(whereKey)"),
            try db.makeStatement(sql: "SELECT \(values), import_id, line FROM main.\(kind.table) WHERE \(whereKey)"),
            try db.makeStatement(sql: """
                INSERT OR REPLACE INTO \(DryRun.table(kind)) (\(all), import_id, line)
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")), \(importID), ?)
                """),
        ]
        self.statements = statements
        findWritten = statements[0].sqliteStatement
        findStored = statements[1].sqliteStatement
        record = statements[2].sqliteStatement
        connection = db.sqliteConnection!
    }

    package func write(_ batch: RowBatch, outcome: (FactWriter.Outcome, _ line: Int) throws -> Void) throws {
        try batch.withRows { count, value, line in
            var row = [BindValue](repeating: .null, count: columnCount)
            for index in 0..<count {
                for column in 0..<columnCount { row[column] = value(index, column) }
                try outcome(try classify(row, line: line(index)), line(index))
            }
        }
    }

    private func classify(_ row: [BindValue], line: Int) throws -> FactWriter.Outcome {
        let outcome = try compare(row, with: findWritten) ?? compare(row, with: findStored) ?? .inserted
        if outcome == .inserted || outcome == .replaced {
            for index in 0..<columnCount { FactWriter.bind(record, Int32(index + 1), row[index]) }
            sqlite3_bind_int64(record, Int32(columnCount + 1), Int64(line))
            let code = sqlite3_step(record)
            sqlite3_reset(record)
            guard code == SQLITE_DONE else { throw error(code) }
        }
        return outcome
    }

    /// The row's outcome against the row of its key that `find` reads; nil when there is none.
    private func compare(_ row: [BindValue], with find: OpaquePointer) throws -> FactWriter.Outcome? {
        for (parameter, position) in keyPositions.enumerated() { FactWriter.bind(find, Int32(parameter + 1), row[position]) }
        defer { sqlite3_reset(find) }
        let code = sqlite3_step(find)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw error(code) }
        let storedImport = sqlite3_column_int64(find, Int32(valuePositions.count))
        if storedImport == importID {
            return .duplicate(firstLine: Int(sqlite3_column_int64(find, Int32(valuePositions.count + 1))))
        }
        let same = valuePositions.enumerated().allSatisfy { column, position in FactWriter.equal(find, Int32(column), row[position]) }
        return same ? .unchanged : .replaced
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
    }
}
