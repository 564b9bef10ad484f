import Foundation
import GRDB
import LagesbildModel

/// One stored row of a kind, as the workspace lists it for editing: each column's value by key, and the import
/// that wrote it.
public struct StoredRow: Sendable, Equatable {
    let values: [ColumnKey: DatabaseValue]
    public let importID: Int64

    public func text(_ column: ColumnKey) -> String { String.fromDatabaseValue(values[column] ?? .null) ?? "" }
    public func integer(_ column: ColumnKey) -> Int? { Int.fromDatabaseValue(values[column] ?? .null) }
}

/// Why a row cannot be removed.
public enum RowDeletionError: Error, Equatable, UserFacingError {
    /// No row has this key (any more): someone else removed or never stored it.
    case notFound
    /// A key column was missing from the request.
    case incompleteKey(ColumnKey)

    public var description: String {
        switch self {
        case .notFound: "raden finns inte (längre); den kan redan vara borttagen"
        case .incompleteKey(let column): "raden saknar nyckelfältet \(column)"
        }
    }
}

extension Store {
    /// A kind's rows of one municipality and year (for signals, optionally one month; 0 is "the whole year"),
    /// in key order.
    public func storedRows(kind: DataKind, kommun: KommunCode, year: Int, month: Int? = nil) throws -> [StoredRow] {
        try read { db in try db.storedRows(kind: kind, kommun: kommun.rawValue, year: year, month: month) }
    }

    /// The stored rows of a workspace form's scope, in key order.
    public func storedRows(in scope: ReplacingScope) throws -> [StoredRow] {
        try read { db in try db.storedRows(in: scope) }
    }

    /// Removes one row by its whole key, keeping it: the row moves to the kind's history, replaced by a new entry of
    /// the import log (named `label`, counted in `rows_deleted`), so `undo` of that entry brings it back and an
    /// earlier import that wrote it can no longer be undone past it. Returns the entry's id.
    /// `key` holds each key column's stored value as text (codes for vocabularies, digits for years and months).
    public func deleteRow(kind: DataKind, key: [ColumnKey: String], label: String, at date: Date = Date()) throws -> Int64 {
        var values: [DatabaseValueConvertible] = []
        for column in kind.keyColumns {
            guard let text = key[column.db] else { throw RowDeletionError.incompleteKey(column.db) }
            switch column.type {
            case .year, .month, .count, .optionalCount:
                guard let number = Int(text) else { throw RowDeletionError.notFound }
                values.append(number)
            default: values.append(text)
            }
        }
        let whereKey = kind.keyColumns.map { "\($0.db.rawValue) = ?" }.joined(separator: " AND ")
        let keyArguments = StatementArguments(values.map { $0.databaseValue })
        let all = kind.columns.map(\.db.rawValue).joined(separator: ", ")
        return try queue.writeWithoutTransaction { db in
            var entry: Int64 = 0
            try db.inTransaction(.immediate) {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM \(kind.table) WHERE \(whereKey)", arguments: keyArguments) == true else {
                    throw RowDeletionError.notFound
                }
                entry = try ImportLog.begin(db, at: Store.timestamp(date), kind: kind, fileName: label, encoding: "")
                try db.execute(sql: "UPDATE import_log SET rows_deleted = 1 WHERE id = ?", arguments: [entry])
                try db.execute(sql: """
                    INSERT INTO \(kind.table)_history (\(all), import_id, line, replaced_by)
                    SELECT \(all), import_id, line, ? FROM \(kind.table) WHERE \(whereKey)
                    """, arguments: [entry] + keyArguments)
                try db.execute(sql: "DELETE FROM \(kind.table) WHERE \(whereKey)", arguments: keyArguments)
                return .commit
            }
            return entry
        }
    }
}

extension Store {
    /// The områden the municipality's signal rows name (not the whole municipality's "").
    package static func areaNames(_ db: Database, kommun: KommunCode, dryRun: Bool = false) throws -> [String] {
        if dryRun {
            // The område is part of a signal's key: the dry run's rows only add names to the stored ones.
            return try String.fetchAll(db, sql: """
                SELECT omrade FROM main.signal WHERE kommun = ?1 AND omrade <> ''
                UNION SELECT omrade FROM \(DryRun.table(.signaler)) WHERE kommun = ?1 AND omrade <> '' ORDER BY omrade
                """, arguments: [kommun.rawValue])
        }
        return try String.fetchAll(db, sql: "SELECT DISTINCT omrade FROM signal WHERE kommun = ? AND omrade <> '' ORDER BY omrade", arguments: [kommun.rawValue])
    }

    /// The names of the områden whose boundaries are imported (without reading the boundaries).
    public func areaBoundaryNames(kommun: KommunCode) throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT omrade FROM omrade_grans WHERE kommun = ? ORDER BY omrade", arguments: [kommun.rawValue]) }
    }

    /// The områden's boundaries (import kind omraden), by name.
    public func areaBoundaries(kommun: KommunCode) throws -> [(name: String, polygons: [GridPolygon])] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT omrade, geometri FROM omrade_grans WHERE kommun = ? ORDER BY omrade", arguments: [kommun.rawValue])
                .map { (name: $0[0], polygons: AreaGeometry.decode($0[1])) }
        }
    }
}

extension Store {
    /// Inhabitants per område (befolkning's rows with an område) for a year.
    public func areaPopulation(kommun: KommunCode, year: Int) throws -> [String: Int] {
        try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT omrade, invanare FROM befolkning WHERE kommun = ? AND ar = ? AND omrade <> ''",
                                        arguments: [kommun.rawValue, year]).map { ($0[0] as String, $0[1] as Int) },
                       uniquingKeysWith: { first, _ in first })
        }
    }
}

extension Database {
    /// ``Store/storedRows(kind:kommun:year:month:)`` inside a transaction of the caller's.
    func storedRows(kind: DataKind, kommun: String, year: Int, month: Int? = nil) throws -> [StoredRow] {
        let columns = kind.columns.map(\.db)
        var conditions = ["kommun = ?", "ar = ?"]
        var arguments: [DatabaseValueConvertible] = [kommun, year]
        if let month, kind.columns.contains(where: { $0.db == .month }) {
            conditions.append("manad = ?")
            arguments.append(month)
        }
        let order = kind.keyColumns.map(\.db.rawValue).joined(separator: ", ")
        return try Row.fetchAll(self, sql: """
            SELECT \(columns.map(\.rawValue).joined(separator: ", ")), import_id FROM \(kind.table)
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order)
            """, arguments: StatementArguments(arguments)).map { row in
            var values: [ColumnKey: DatabaseValue] = [:]
            for (index, column) in columns.enumerated() { values[column] = row[index] }
            return StoredRow(values: values, importID: row["import_id"])
        }
    }

    /// The stored rows of a form's scope, in key order (what the form shows and its version is made from).
    package func storedRows(in scope: ReplacingScope) throws -> [StoredRow] {
        switch scope {
        case .signalMonth(let month):
            try storedRows(kind: .signaler, kommun: month.kommun, year: month.year, month: month.month).filter { $0.text(.source) == month.source }
        case .year(let kind, let kommun, let year):
            try storedRows(kind: kind, kommun: kommun, year: year)
        }
    }
}
