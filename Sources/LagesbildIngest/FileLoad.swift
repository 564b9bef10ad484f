import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

/// The import of one file inside the command's transaction: a second thread reads and validates the file
/// (``ParsePipeline``) while this one writes the rows; a third computes the checksum.
final class FileLoad {
    let path: String
    let db: Database
    let store: Store
    let forcedKind: DataKind?
    let log: Importer.ErrorLog
    let progress: ImportProgress?
    /// A dry run: `db` is a reader's, and writes go to the dry run's temporary tables (``DryRun``).
    let dryRun: Bool
    private(set) var rowsSoFar: Int
    private let errorsBefore: Int
    /// The command's time, written to the import log.
    private(set) var timestamp = ""

    init(path: String, db: Database, store: Store, forcedKind: DataKind?, log: Importer.ErrorLog,
         rowsBefore: Int, progress: ImportProgress?, dryRun: Bool = false) {
        self.path = path
        self.db = db
        self.store = store
        self.forcedKind = forcedKind
        self.log = log
        self.progress = progress
        self.dryRun = dryRun
        self.rowsSoFar = rowsBefore
        self.errorsBefore = log.errors.count
    }

    /// How messages and the import log name the file: its path as given, or an upload's original name.
    lazy var name: String = path
    /// What a rapportör may report, when the import is one of theirs.
    var scope: ImportScope?
    /// The registers the names of the rows must be in (the import's, shared by its files).
    var registers: RegisterBook?
    var fileIsClean: Bool { log.errors.count == errorsBefore }

    /// A workspace form's save (a källa's month, a kind's year): the file stands for the whole scope, whose stored rows
    /// it replaces; a file that changes nothing is left out like content imported before.
    var replacing: ReplacingScope?

    /// Earlier zero reports the last source's signals replaced (``ZeroReport``), for the result's notice.
    var replacedZeroReports = 0

    /// Sheets asked for by name (`--sheet`).
    var sheets: [String] = []
    /// The bytes the import's workbooks have inflated so far, and what one workbook may inflate to.
    var inflation = InflationBudget(limit: Workbook.importLimit)
    var workbookInflationLimit = Workbook.workbookLimit

    func run(timestamp: String) throws -> [FileImportResult] {
        self.timestamp = timestamp
        let magic = Self.magic(path)
        if magic.starts(with: Array("%PDF-".utf8)) {
            try log.report(ImportError(file: name, problem: .pdfFile))
            return []
        }
        if Self.isContainer(magic) { return try runWorkbook() }
        return try runFile().map { [$0] } ?? []
    }

    /// The first bytes of a file (empty when it cannot be read; the reader then says why).
    static func magic(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
    }

    /// A zip or OLE container (a workbook, or a file to be told apart from one), whatever the file's name:
    /// the content decides, never the name.
    static func isContainer(_ magic: [UInt8]) -> Bool {
        magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) || magic.starts(with: [0x50, 0x4B, 0x05, 0x06]) || magic == CompoundFile.magic
    }

    func runFile() throws -> FileImportResult? {
        let encoding: TextEncoding
        do {
            encoding = try TextFile.inspect(path, displayName: name).encoding
        } catch {
            try log.report(error)
            return nil
        }
        if let format = try officialFormat(encoding: encoding) {
            return try runOfficial(format, encoding: encoding, timestamp: timestamp)
        }
        let checksum = Checksum(path: path, displayName: name)
        let pipeline = ParsePipeline(path: path, name: name, encoding: encoding, forcedKind: forcedKind, defaultKommun: store.ownKommun, scope: scope, registers: registers)
        let outcome = try load(pipeline, logName: URL(fileURLWithPath: name).lastPathComponent, encodingName: encoding.swedishName,
                               sha256: { try checksum.wait() }, mapError: { $0 })
        switch outcome {
        case .loaded(let kind, let importID, let counts, let sha256):
            var result = FileImportResult(fileName: name, kind: kind, sha256: sha256, encoding: encoding,
                                          inserted: counts.inserted, replaced: counts.replaced, unchanged: counts.unchanged,
                                          alreadyImportedAs: nil, importID: importID)
            result.notices += zeroReportNotices()
            return result
        case .alreadyImported(let earlier, let sha256):
            return FileImportResult(fileName: name, kind: nil, sha256: sha256, encoding: encoding,
                                    inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: earlier, importID: nil)
        case .unchanged(let sha256):
            var result = FileImportResult(fileName: name, kind: replacing?.kind, sha256: sha256, encoding: encoding,
                                          inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: nil, importID: nil)
            result.changedNothing = true
            return result
        case .failed, .headerOnly, .notAKind, .blank:
            if case .headerOnly = outcome { try log.report(ImportError(file: name, problem: .headerOnly)) }
            return nil
        }
    }

    /// "2 nollrapporter ersattes av signaler …", when the last source's signals replaced earlier zero reports.
    func zeroReportNotices() -> [String] {
        guard replacedZeroReports > 0 else { return [] }
        let count = replacedZeroReports
        return ["\(count) \(count == 1 ? "tidigare nollrapport" : "tidigare nollrapporter") (inga signaler) ersattes av signaler för samma källa och månad"]
    }

    /// The first import (not undone) of content with this checksum, other than `other`.
    func earlierImport(of sha256: String, other: Int64 = 0) throws -> Int64? {
        try ImportLog.earlierImport(db, of: sha256, other: other, dryRun: dryRun)
    }

    enum LoadOutcome {
        case loaded(DataKind, importID: Int64, counts: WriteCounts, sha256: String)
        case alreadyImported(Int64, sha256: String)
        /// A form's save (``replacing``) that holds what was stored: nothing was kept.
        case unchanged(sha256: String)
        /// Errors were reported; nothing of this source was kept.
        case failed
        /// A header and no data rows.
        case headerOnly
        /// The first record is not a header of any kind (its errors were not reported).
        case notAKind([ImportError])
        /// A sheet with no cells, or only empty ones (not reported).
        case blank
    }

    /// Writes one source of records (a delimited file, or one sheet of a workbook) inside its own savepoint,
    /// while the pipeline reads and validates it on another thread. `sha256` is asked for once the rows are
    /// in (nil: do not check for an earlier import of the same content); `mapError` places an error (a
    /// workbook turns line and column into a sheet and cell).
    func load(_ pipeline: ParsePipeline, logName: String, encodingName: String, sha256 computeSHA: () throws -> String?,
              mapError: @escaping (ImportError) -> ImportError, reportsUnknownKind: Bool = true,
              checksEarlierImports: Bool = true) throws -> LoadOutcome {
        var outcome: LoadOutcome = .failed
        // Names this source added are forgotten unless it is kept.
        defer { registers?.discardPending() }
        try db.inSavepoint {
            var kind: DataKind?
            var importID: Int64 = 0
            var writer: (any FactWriting)?
            var counts = WriteCounts()
            var dataRows = 0
            var failed = false
            // The source's zero reports (signal rows without a kategori), settled against its signals at the end.
            var zeroReports: [(line: Int, key: SourceMonth)] = []
            let zeroReportColumns = [ColumnKey.kommun, .year, .month, .source].map { key in
                DataKind.signaler.columns.firstIndex { $0.db == key }!
            }
            let markerColumn = DataKind.signaler.columns.firstIndex { $0.db == ZeroReport.marker }!
            do {
                receiving: while true {
                    switch pipeline.next() {
                    case .header(let mapping):
                        kind = mapping.kind
                        importID = try ImportLog.begin(db, at: timestamp, kind: mapping.kind, fileName: logName, encoding: encodingName, dryRun: dryRun)
                        writer = dryRun ? try DryRunFactWriter(db: db, kind: mapping.kind, importID: importID)
                            : try FactWriter(db: db, kind: mapping.kind, importID: importID)
                        // The caller forces the scope's kind.
                        if let replacing, !dryRun, mapping.kind == replacing.kind {
                            _ = try db.archive(replacing, importID: importID)
                        }
                    case .batch(let batch):
                        var duplicates: [ImportError] = []
                        // Rows are written even after an error (the transaction is rolled back then), so that
                        // duplicate keys later in the file are still found.
                        try writer!.write(batch.rows) { result, line in
                            if let firstLine = counts.record(result) {
                                duplicates.append(ImportError(file: name, line: line, problem: .duplicateKey(firstLine: firstLine)))
                            }
                        }
                        if kind == .signaler {
                            for row in batch.rows.rows(withEmptyTextIn: markerColumn, reading: zeroReportColumns) {
                                let values = row.values
                                zeroReports.append((row.line, SourceMonth(kommun: values[0], year: Int(values[1]) ?? 0,
                                                                            month: Int(values[2]) ?? 0, source: values[3])))
                            }
                        }
                        let errors = duplicates.isEmpty ? batch.errors : (batch.errors + duplicates).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
                        rowsSoFar += batch.count
                        pipeline.recycle(batch)
                        for error in errors { try log.report(mapError(error)) }
                        if rowsSoFar % 65_536 < RowBatch.capacity { progress?(rowsSoFar) }
                    case .failed(let errors):
                        failed = true
                        if kind == nil, !reportsUnknownKind, errors.contains(where: { if case .unknownKind = $0.problem { true } else { false } }) {
                            outcome = .notAKind(errors)
                            break receiving
                        }
                        if kind == nil, !reportsUnknownKind, errors.allSatisfy({ $0.problem == .onlyBlankLines }) {
                            outcome = .blank
                            break receiving
                        }
                        for error in errors { try log.report(mapError(error)) }
                        break receiving
                    case .finished(let rows):
                        dataRows = rows
                        break receiving
                    }
                }
            } catch {
                pipeline.cancel()
                throw error
            }
            pipeline.cancel()
            if failed { return .rollback }
            let sha256: String?
            do {
                sha256 = try computeSHA()
            } catch let error as ImportError {
                try log.report(error)
                return .rollback
            }
            // A form's save without rows empties its scope (a header alone says so); a file must hold rows.
            if kind != nil && dataRows == 0 && fileIsClean && replacing == nil {
                outcome = .headerOnly
                return .rollback
            }
            // Content imported before changes nothing: undo this file's writes and say so.
            if checksEarlierImports, replacing == nil, let sha256, let earlier = try earlierImport(of: sha256, other: importID) {
                outcome = .alreadyImported(earlier, sha256: sha256)
                return .rollback
            }
            guard fileIsClean, let kind else { return .rollback }
            if kind == .signaler {
                let settled = try db.settleZeroReports(importID: importID, reports: zeroReports, dryRun: dryRun)
                for conflict in settled.conflicts {
                    try log.report(mapError(ImportError(file: name, line: conflict.line, column: "kategori", problem: .zeroReportBesideSignals(
                        source: conflict.key.source, month: SwedishFormat.monthAndYear(conflict.key.month, conflict.key.year),
                        line: conflict.signalLine, rows: conflict.storedRows))))
                }
                if !settled.conflicts.isEmpty { return .rollback }
                replacedZeroReports = settled.replaced
            }
            if let replacing, !dryRun, try db.scopeUnchanged(replacing, importID: importID) {
                outcome = .unchanged(sha256: sha256 ?? "")
                return .rollback
            }
            try keepAddedNames(importID: importID)
            try ImportLog.finish(db, id: importID, counts: counts, sha256: sha256 ?? "", dryRun: dryRun)
            outcome = .loaded(kind, importID: importID, counts: counts, sha256: sha256 ?? "")
            return .commit
        }
        return outcome
    }
}

extension FileLoad {
    /// Writes the names the kept source added to the registers, as added by its import (none in a dry run).
    func keepAddedNames(importID: Int64) throws {
        guard let registers else { return }
        let added = registers.keepPending()
        guard !dryRun else { return }
        for register in NameRegister.allCases {
            let names = added.filter { $0.register == register }.map(\.name)
            if !names.isEmpty { try db.addRegisterNames(names, to: register, importID: importID) }
        }
    }
}
