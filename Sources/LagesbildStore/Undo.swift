import Foundation
import GRDB
import LagesbildModel

/// Why an import cannot be undone.
public enum UndoError: Error, Equatable, UserFacingError {
    case unknownImport(Int64)
    case alreadyUndone(Int64, by: Int64)
    case notAnImport(Int64)
    /// Later imports replaced values this import wrote; they must be undone first.
    case blocked(Int64, by: [(id: Int64, file: String)])
    /// A rename or merge whose new name later rows or accounts use.
    case nameInUse(Int64, name: String, uses: [String])

    public static func == (lhs: UndoError, rhs: UndoError) -> Bool { lhs.description == rhs.description }

    public var description: String {
        switch self {
        case .unknownImport(let id): "det finns ingen import \(id); se lagesbild imports"
        case .alreadyUndone(let id, let by): "import \(id) är redan ångrad (av \(by))"
        case .notAnImport(let id): "\(id) är en ångring, inte en import"
        case .blocked(let id, let by):
            "import \(id) kan inte ångras: senare import ändrade samma rader: "
                + by.map { "\($0.id) (\($0.file))" }.joined(separator: ", ") + ". Ångra den eller dem först."
        case .nameInUse(let id, let name, let uses):
            "\(id) kan inte ångras: namnet \"\(name)\" används sedan dess av \(uses.prefix(6).joined(separator: ", ")); ändra dem först"
        }
    }
}

/// What `lagesbild undo` did.
public struct UndoResult: Sendable, Equatable {
    public let undoneImport: Int64
    public let logEntry: Int64
    /// Rows the import had added, now removed.
    public let removed: Int
    /// Rows the import had replaced, now back to their earlier values.
    public let restored: Int
}

extension Store {
    /// Reverses an import: rows it added are removed, values it replaced are restored from history, and the
    /// import log records the undo. Only an import whose rows no later import has replaced can be undone.
    public func undo(importID: Int64, at date: Date = Date()) throws -> UndoResult {
        try queue.writeWithoutTransaction { db in
            var outcome: UndoResult?
            try db.inTransaction(.immediate) {
                guard let entry = try Row.fetchOne(db, sql: "SELECT kind, file_name, action, rows_deleted, register FROM import_log WHERE id = ?",
                                                   arguments: [importID]) else {
                    throw UndoError.unknownImport(importID)
                }
                guard (entry["action"] as String) == "import" else { throw UndoError.notAnImport(importID) }
                if let undo = try Int64.fetchOne(db, sql: "SELECT id FROM import_log WHERE undoes = ?", arguments: [importID]) {
                    throw UndoError.alreadyUndone(importID, by: undo)
                }
                guard let kind = DataKind(rawValue: entry["kind"]) else { throw UndoError.notAnImport(importID) }
                if let register = entry["register"] as NameRegister? {
                    let (removed, restored) = try db.undoRegisterChange(importID, register: register)
                    outcome = UndoResult(undoneImport: importID, logEntry: try Self.logUndo(db, of: importID, kind: kind, name: entry["file_name"], at: date),
                                         removed: removed, restored: restored)
                    return .commit
                }
                let table = kind.table
                let blockers = try Row.fetchAll(db, sql: """
                    SELECT DISTINCT h.replaced_by, l.file_name FROM \(table)_history h JOIN import_log l ON l.id = h.replaced_by
                    WHERE h.import_id = ? ORDER BY h.replaced_by
                    """, arguments: [importID])
                if !blockers.isEmpty {
                    throw UndoError.blocked(importID, by: blockers.map { (id: $0[0], file: $0[1]) })
                }
                let columns = (kind.columns.map(\.db.rawValue) + ["import_id", "line"]).joined(separator: ", ")
                try db.execute(sql: "DELETE FROM \(table) WHERE import_id = ?", arguments: [importID])
                let touched = db.changesCount
                try db.execute(sql: "INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM \(table)_history WHERE replaced_by = ?",
                               arguments: [importID])
                let restored = db.changesCount
                try db.execute(sql: "DELETE FROM \(table)_history WHERE replaced_by = ?", arguments: [importID])
                if kind == .referens {
                    // Titles have no history: a title the import wrote goes; the one it replaced is not restored.
                    try db.execute(sql: "DELETE FROM referens_titel WHERE import_id = ?", arguments: [importID])
                }
                try db.removeUnusedNames(addedBy: importID)
                let logEntry = try Self.logUndo(db, of: importID, kind: kind, name: entry["file_name"], at: date)
                // `touched` counts the rows the import added and those it replaced; rows it deleted come back without
                // having been touched.
                let deleted: Int = entry["rows_deleted"]
                outcome = UndoResult(undoneImport: importID, logEntry: logEntry, removed: touched - (restored - deleted), restored: restored)
                return .commit
            }
            return outcome!
        }
    }

    /// The import log's entry of an undo.
    private static func logUndo(_ db: Database, of importID: Int64, kind: DataKind, name: String, at date: Date) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO import_log (imported_at, kind, file_name, sha256, encoding, rows_inserted, rows_replaced, rows_unchanged, action, undoes)
            VALUES (?, ?, ?, '', '', 0, 0, 0, 'undo', ?)
            """, arguments: [Store.timestamp(date), kind.rawValue, name, importID])
        return db.lastInsertedRowID
    }
}
