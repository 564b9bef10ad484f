import Foundation
import GRDB
import LagesbildModel

/// One källa's month of signals (month 0: the whole year): what a zero report (``ZeroReport``) speaks for, and what
/// the workspace's month form reports.
public struct SourceMonth: Hashable, Sendable {
    public let kommun: String
    public let year: Int
    public let month: Int
    public let source: String

    public init(kommun: String, year: Int, month: Int, source: String) {
        self.kommun = kommun
        self.year = year
        self.month = month
        self.source = source
    }
}

/// A zero report that cannot stand: the same källa has signals for the month, on `signalLine` of the same import or
/// in `storedRows` rows already stored.
package struct ZeroReportConflict: Sendable, Equatable {
    package let line: Int
    package let key: SourceMonth
    package let signalLine: Int?
    package let storedRows: Int
}

/// The rule between zero reports and signals, applied when an import's signal rows are in (inside its savepoint):
/// a zero report and signals for the same källa and month never stand side by side.
///
/// - A zero report of the import for a month that has signals (of the same import, or stored) is refused: a zero
///   report never removes signals (the month form removes them itself, as a change the user sees).
/// - Signals of the import for a month with an earlier zero report replace it: the zero report goes to history,
///   replaced by the import, so undoing the import brings it back. Returns how many were replaced.
extension Database {
    package func settleZeroReports(importID: Int64, reports: [(line: Int, key: SourceMonth)], dryRun: Bool) throws
        -> (conflicts: [ZeroReportConflict], replaced: Int) {
        let written = dryRun ? "temp.dry_signal" : "main.signal"
        var conflicts: [ZeroReportConflict] = []
        for (line, key) in reports {
            let arguments: StatementArguments = [key.kommun, key.year, key.month, key.source]
            if let signalLine = try Int.fetchOne(self, sql: """
                SELECT line FROM \(written) WHERE kommun = ? AND ar = ? AND manad = ? AND kalla = ? AND kategori <> '' AND import_id = ?
                ORDER BY line LIMIT 1
                """, arguments: arguments + [importID]) {
                conflicts.append(ZeroReportConflict(line: line, key: key, signalLine: signalLine, storedRows: 0))
                continue
            }
            let stored = try Int.fetchOne(self, sql: """
                SELECT COUNT(*) FROM main.signal WHERE kommun = ? AND ar = ? AND manad = ? AND kalla = ? AND kategori <> ''
                """, arguments: arguments) ?? 0
            if stored > 0 { conflicts.append(ZeroReportConflict(line: line, key: key, signalLine: nil, storedRows: stored)) }
        }
        if !conflicts.isEmpty { return (conflicts, 0) }
        // Earlier zero reports (not this import's own, nor one it repeats unchanged) of months this import has signals for.
        let own = Set(reports.map(\.key))
        let earlier = try Row.fetchAll(self, sql: """
            SELECT z.kommun, z.ar, z.manad, z.kalla FROM main.signal z INDEXED BY signal_zero_report
            WHERE z.kategori = '' AND z.import_id <> ?1 AND EXISTS (
              SELECT 1 FROM \(written) s WHERE s.kommun = z.kommun AND s.ar = z.ar AND s.manad = z.manad AND s.kalla = z.kalla
              AND s.kategori <> '' AND s.import_id = ?1)
            """, arguments: [importID])
            .map { SourceMonth(kommun: $0[0], year: $0[1], month: $0[2], source: $0[3]) }
            .filter { !own.contains($0) }
        if dryRun || earlier.isEmpty { return ([], earlier.count) }
        let all = DataKind.signaler.columns.map(\.db.rawValue).joined(separator: ", ")
        for key in earlier {
            let arguments: StatementArguments = [key.kommun, key.year, key.month, key.source]
            let whereKey = "kommun = ? AND ar = ? AND manad = ? AND kategori = '' AND miljo = '' AND omrade = '' AND kalla = ?"
            try execute(sql: """
                INSERT INTO signal_history (\(all), import_id, line, replaced_by) SELECT \(all), import_id, line, ? FROM signal WHERE \(whereKey)
                """, arguments: [importID] + arguments)
            try execute(sql: "DELETE FROM signal WHERE \(whereKey)", arguments: arguments)
        }
        try execute(sql: "UPDATE import_log SET rows_deleted = rows_deleted + ? WHERE id = ?", arguments: [earlier.count, importID])
        return ([], earlier.count)
    }
}
