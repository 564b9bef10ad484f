import GRDB
import LagesbildModel

/// A condition on one column, for sums the store computes in SQL.
package enum ColumnCondition: Sendable {
    case oneOf(ColumnKey, [String])
    case noneOf(ColumnKey, [String])
    /// Not NULL and at least this.
    case atLeast(ColumnKey, Int)
}

extension Store {
    /// A municipality's whole population in a year, if stored.
    package static func population(_ db: Database, kommun: KommunCode, year: Int) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT invanare FROM befolkning WHERE kommun = ? AND ar = ? AND omrade = ''", arguments: [kommun.rawValue, year])
    }

    /// One municipality's rows of a kind in a year, and the sum of `field` over the rows that pass every condition
    /// (without a field, each passing row counts one; NULLs are skipped), with one range seek on the key's
    /// (kommun, ar) prefix.
    package static func yearSum(_ db: Database, kind: DataKind, kommun: KommunCode, year: Int, conditions: [ColumnCondition],
                                field: ColumnKey?) throws -> (rows: Int, sum: Int) {
        var arguments: [DatabaseValueConvertible] = []
        var clauses: [String] = []
        for condition in conditions {
            switch condition {
            case .oneOf(let column, let values), .noneOf(let column, let values):
                let negated = if case .noneOf = condition { "NOT " } else { "" }
                clauses.append("\(column) \(negated)IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
                arguments += values
            case .atLeast(let column, let minimum):
                clauses.append("(\(column) IS NOT NULL AND \(column) >= ?)")
                arguments.append(minimum)
            }
        }
        let passes = clauses.isEmpty ? "1" : clauses.joined(separator: " AND ")
        let value = field.map { "CASE WHEN \(passes) THEN \($0) END" } ?? "CASE WHEN \(passes) THEN 1 END"
        let row = try Row.fetchOne(db, sql: """
            SELECT COUNT(*), COALESCE(SUM(\(value)), 0) FROM \(kind.table) WHERE kommun = ? AND ar = ?
            """, arguments: StatementArguments(arguments + [kommun.rawValue, year]))
        return (row?[0] ?? 0, row?[1] ?? 0)
    }
}
