import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

/// Loads files into the store, all or nothing: every file of one command in one transaction. A dry run reads
/// the store on a snapshot and writes nothing to it.
public struct Importer {
    public static let errorLimit = 50

    public let store: Store
    public var clock: @Sendable () -> Date = { Date() }
    /// How much workbooks may inflate to: one workbook, and all the workbooks of one call together.
    var workbookInflationLimit = Workbook.workbookLimit
    var importInflationLimit = Workbook.importLimit

    public init(store: Store) { self.store = store }

    /// Collects the errors of one command across its files; stops the command at the limit.
    final class ErrorLog {
        struct LimitReached: Error {}
        private(set) var errors: [ImportError] = []
        func report(_ error: ImportError) throws {
            errors.append(error)
            if errors.count >= Importer.errorLimit { throw LimitReached() }
        }
    }

    /// Imports files. Throws ``ImportFailure`` (nothing written) when any file has any error.
    /// `sheets`: for workbooks, only these sheets (each must exist and hold a kind); empty is every visible sheet.
    /// `names`: how messages and the import log name each file (an upload's original name); the paths by default.
    /// `scope`: what a rapportör may report (rows of other källor or förvaltningar, and other kinds, are refused).
    /// Every källa, förvaltning, område and aktör must be in its register (folded to its registered spelling, which is
    /// stored); an unknown one is refused with the nearest registered names, unless `addingNames` (the samordnare's
    /// choice, never a rapportör's) adds it to its register in the same transaction.
    /// `replacing`: a workspace form's save (with `kind` forced to the scope's): the scope's stored rows go to history
    /// first, and a file that leaves the scope as it was writes nothing (``FileImportResult/changedNothing``).
    /// `unlessChanged`: called with the scope's stored rows inside the import's write transaction, before anything is
    /// written; what it throws (a form read before someone else's save) ends the import with nothing written. Checked
    /// there, not before the import, so that two saves from the same form's version cannot both pass it.
    public func importFiles(_ paths: [String], names: [String]? = nil, kind forcedKind: DataKind? = nil, sheets: [String] = [],
                            dryRun: Bool = false, scope: ImportScope? = nil, addingNames: Bool = false,
                            progress: ImportProgress? = nil, replacing: ReplacingScope? = nil,
                            unlessChanged: (@Sendable ([StoredRow]) throws -> Void)? = nil) throws -> ImportReport {
        let log = ErrorLog()
        var truncated = false
        var results: [FileImportResult] = []
        let timestamp = Store.timestamp(clock())
        let inflation = InflationBudget(limit: importInflationLimit)

        var book: RegisterBook?
        func loadFiles(_ db: Database) throws {
            let registers = RegisterBook(names: try db.allRegisterNames(), addsNames: addingNames && scope == nil)
            book = registers
            var rowsSoFar = 0
            for (index, path) in paths.enumerated() {
                do {
                    let load = FileLoad(path: path, db: db, store: store, forcedKind: forcedKind, log: log,
                                        rowsBefore: rowsSoFar, progress: progress, dryRun: dryRun)
                    load.sheets = sheets
                    load.scope = scope
                    load.replacing = replacing
                    load.registers = registers
                    load.inflation = inflation
                    load.workbookInflationLimit = workbookInflationLimit
                    if let names, index < names.count { load.name = names[index] }
                    results += try load.run(timestamp: timestamp)
                    rowsSoFar = load.rowsSoFar
                } catch is ErrorLog.LimitReached {
                    truncated = true
                    break
                }
            }
        }
        if dryRun {
            // On a reader's snapshot, never holding the writer (``DryRun``).
            try store.dryRun(loadFiles)
        } else {
            try store.queue.writeWithoutTransaction { db in
                try ImportLog.prepareForBulkWrites(db)
                try db.inTransaction(.immediate) {
                    if let replacing, let unlessChanged { try unlessChanged(try db.storedRows(in: replacing)) }
                    try loadFiles(db)
                    return log.errors.isEmpty ? .commit : .rollback
                }
            }
        }
        if !log.errors.isEmpty { throw ImportFailure(errors: log.errors, truncated: truncated) }
        var report = ImportReport(files: results, dryRun: dryRun)
        report.addedNames = (book?.added ?? []).map { AddedName(register: $0.register, name: $0.name) }
        return report
    }
}
