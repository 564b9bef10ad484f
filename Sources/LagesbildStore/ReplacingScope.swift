import Foundation
import GRDB
import LagesbildModel

/// What a one-file import made by a workspace form stands for as a whole: the importer moves every stored row of the
/// scope to history before it writes the file's rows, so that saving the form replaces the scope (rows left out of the
/// form are gone, and back with undo), and a form that holds what was stored writes nothing.
public enum ReplacingScope: Hashable, Sendable {
    /// One källa's month of signals (the month form).
    case signalMonth(SourceMonth)
    /// A kind's rows of one year in one municipality (the activity plan's and samverkan's forms).
    case year(DataKind, kommun: String, year: Int)

    /// The kind whose rows the scope holds (the caller forces the import's kind to it).
    public var kind: DataKind {
        switch self {
        case .signalMonth: .signaler
        case .year(let kind, _, _): kind
        }
    }

    /// The scope's rows as an SQL condition on the kind's table (or its history), with its arguments numbered from
    /// `first`.
    func condition(from first: Int) -> (sql: String, arguments: [any DatabaseValueConvertible]) {
        switch self {
        case .signalMonth(let month):
            ("kommun = ?\(first) AND ar = ?\(first + 1) AND manad = ?\(first + 2) AND kalla = ?\(first + 3)",
             [month.kommun, month.year, month.month, month.source])
        case .year(_, let kommun, let year):
            ("kommun = ?\(first) AND ar = ?\(first + 1)", [kommun, year])
        }
    }
}

extension Database {
    /// Moves every stored row of the scope to history, replaced by `importID`; returns how many.
    package func archive(_ scope: ReplacingScope, importID: Int64) throws -> Int {
        let table = scope.kind.table
        let all = scope.kind.columns.map(\.db.rawValue).joined(separator: ", ")
        let (condition, values) = scope.condition(from: 2)
        let withImport: [any DatabaseValueConvertible] = [importID] + values
        let arguments = StatementArguments(withImport.map { $0.databaseValue })
        try execute(sql: """
            INSERT INTO \(table)_history (\(all), import_id, line, replaced_by) SELECT \(all), import_id, line, ?1 FROM \(table) WHERE \(condition)
            """, arguments: arguments)
        try execute(sql: "DELETE FROM \(table) WHERE \(scope.condition(from: 1).sql)", arguments: StatementArguments(values.map { $0.databaseValue }))
        let archived = changesCount
        try execute(sql: "UPDATE import_log SET rows_deleted = rows_deleted + ? WHERE id = ?", arguments: [archived, importID])
        return archived
    }

    /// Whether the scope holds exactly the rows (keys and values) that `importID` archived: it was saved unchanged.
    package func scopeUnchanged(_ scope: ReplacingScope, importID: Int64) throws -> Bool {
        let table = scope.kind.table
        let columns = scope.kind.columns.map(\.db.rawValue).joined(separator: ", ")
        let (condition, values) = scope.condition(from: 2)
        let withImport: [any DatabaseValueConvertible] = [importID] + values
        let differs = try Bool.fetchOne(self, sql: """
            SELECT EXISTS (SELECT \(columns) FROM \(table) WHERE \(condition) EXCEPT SELECT \(columns) FROM \(table)_history WHERE replaced_by = ?1)
            OR EXISTS (SELECT \(columns) FROM \(table)_history WHERE replaced_by = ?1 EXCEPT SELECT \(columns) FROM \(table) WHERE \(condition))
            """, arguments: StatementArguments(withImport.map { $0.databaseValue })) ?? true
        return !differs
    }
}
