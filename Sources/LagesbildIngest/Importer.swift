import Crypto
import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

/// What one file's import did (or, in a dry run, would do).
public struct FileImportResult: Sendable, Equatable {
    public let fileName: String
    public let kind: DataKind?
    public let sha256: String
    public let encoding: TextEncoding?
    /// For official statistics: "JSON-stat 2.0", "Kolada", "PxWeb-CSV"; nil for the local CSV kinds.
    public var format: String? = nil
    /// Titles of reference measures the file gave (Kolada's KPI metadata).
    public var titles: Int = 0
    /// For a workbook: the sheet imported, and (on the workbook's last result) the sheets skipped and why.
    public var sheet: String? = nil
    public var skippedSheets: [String] = []
    public let inserted: Int
    public let replaced: Int
    public let unchanged: Int
    /// Set when this exact content was imported before; nothing was changed.
    public let alreadyImportedAs: Int64?
    public let importID: Int64?
}

/// The outcome of `lagesbild import`: all files succeeded and were committed (or rolled back in a dry run).
public struct ImportReport: Sendable, Equatable {
    public let files: [FileImportResult]
    public let dryRun: Bool
}

/// An import refused: every error found (up to the limit). Nothing was written.
public struct ImportFailure: Error, Equatable, CustomStringConvertible, UserFacingError {
    public let errors: [ImportError]
    public let truncated: Bool

    public var description: String {
        var lines = errors.map(\.description)
        if truncated { lines.append("… fler än \(errors.count) fel; de första visas ovan") }
        lines.append("Inget importerades: rätta felen och kör kommandot igen.")
        return lines.joined(separator: "\n")
    }
}

/// Called now and then during a long import with the rows read so far.
public typealias ImportProgress = (_ rows: Int) -> Void

/// Loads files into the store, all or nothing: every file of one command in one transaction.
public struct Importer {
    public static let errorLimit = 50

    public let store: Store
    public var clock: @Sendable () -> Date = { Date() }

    public init(store: Store) { self.store = store }

    /// Collects the errors of one command across its files; stops the command at the limit.
    package final class ErrorLog {
        struct LimitReached: Error {}
        private(set) var errors: [ImportError] = []
        func report(_ error: ImportError) throws {
            errors.append(error)
            if errors.count >= Importer.errorLimit { throw LimitReached() }
        }
    }

    /// Imports files. Throws ``ImportFailure`` (nothing written) when any file has any error.
    /// `sheets`: for workbooks, only these sheets (each must exist and hold a kind); empty is every visible sheet.
    public func importFiles(_ paths: [String], kind forcedKind: DataKind? = nil, sheets: [String] = [], dryRun: Bool = false,
                            progress: ImportProgress? = nil) throws -> ImportReport {
        let log = ErrorLog()
        var truncated = false
        var results: [FileImportResult] = []
        let timestamp = Store.timestamp(clock())

        try store.queue.writeWithoutTransaction { db in
            // A page cache large enough for the B-tree pages a bulk import touches, within the memory budget
            // (6 MB: the 50 MB budget also holds libxml2 and zlib, linked for workbooks).
            try db.execute(sql: "PRAGMA cache_size = -6144")
            try db.inTransaction(.immediate) {
                var rowsSoFar = 0
                for path in paths {
                    do {
                        let load = FileLoad(path: path, db: db, store: store, forcedKind: forcedKind, log: log,
                                            rowsBefore: rowsSoFar, progress: progress)
                        load.sheets = sheets
                        results += try load.run(timestamp: timestamp)
                        rowsSoFar = load.rowsSoFar
                    } catch is ErrorLog.LimitReached {
                        truncated = true
                        break
                    }
                }
                return log.errors.isEmpty && !dryRun ? .commit : .rollback
            }
        }
        if !log.errors.isEmpty { throw ImportFailure(errors: log.errors, truncated: truncated) }
        return ImportReport(files: results, dryRun: dryRun)
    }

}

/// The import of one file inside the command's transaction: a second thread reads and validates the file
/// (``ParsePipeline``) while this one writes the rows; a third computes the checksum.
package final class FileLoad {
    package let path: String
    package let db: Database
    package let store: Store
    package let forcedKind: DataKind?
    package let log: Importer.ErrorLog
    package let progress: ImportProgress?
    package private(set) var rowsSoFar: Int
    private let errorsBefore: Int
    /// The command's time, written to the import log.
    package private(set) var timestamp = ""

    package init(path: String, db: Database, store: Store, forcedKind: DataKind?, log: Importer.ErrorLog,
         rowsBefore: Int, progress: ImportProgress?) {
        self.path = path
        self.db = db
        self.store = store
        self.forcedKind = forcedKind
        self.log = log
        self.progress = progress
        self.rowsSoFar = rowsBefore
        self.errorsBefore = log.errors.count
    }

    private var name: String { path }
    private var fileIsClean: Bool { log.errors.count == errorsBefore }

    /// Sheets asked for by name (`--sheet`).
    package var sheets: [String] = []

    package func run(timestamp: String) throws -> [FileImportResult] {
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
    package static func magic(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
    }

    /// A zip or OLE container (a workbook, or a file to be told apart from one), whatever the file's name:
    /// the content decides, never the name.
    package static func isContainer(_ magic: [UInt8]) -> Bool {
        magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) || magic.starts(with: [0x50, 0x4B, 0x05, 0x06]) || magic == CompoundFile.magic
    }

    package func runFile() throws -> FileImportResult? {
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
        let pipeline = ParsePipeline(path: path, name: name, encoding: encoding, forcedKind: forcedKind, defaultKommun: store.ownKommun)
        let outcome = try load(pipeline, logName: URL(fileURLWithPath: path).lastPathComponent, encodingName: encoding.swedishName,
                               sha256: { try checksum.wait() }, mapError: { $0 })
        switch outcome {
        case .loaded(let kind, let importID, let counts, let sha256):
            return FileImportResult(fileName: name, kind: kind, sha256: sha256, encoding: encoding,
                                    inserted: counts.inserted, replaced: counts.replaced, unchanged: counts.unchanged,
                                    alreadyImportedAs: nil, importID: importID)
        case .alreadyImported(let earlier, let sha256):
            return FileImportResult(fileName: name, kind: nil, sha256: sha256, encoding: encoding,
                                    inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: earlier, importID: nil)
        case .failed, .headerOnly, .notAKind, .blank:
            if case .headerOnly = outcome { try log.report(ImportError(file: name, problem: .headerOnly)) }
            return nil
        }
    }

    /// The first import (not undone) of content with this checksum, other than `other`.
    package func earlierImport(of sha256: String, other: Int64 = 0) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT id FROM import_log WHERE sha256 = ? AND id <> ? AND action = 'import'
            AND id NOT IN (SELECT undoes FROM import_log WHERE undoes IS NOT NULL) ORDER BY id LIMIT 1
            """, arguments: [sha256, other])
    }

    package enum LoadOutcome {
        case loaded(DataKind, importID: Int64, counts: (inserted: Int, replaced: Int, unchanged: Int), sha256: String)
        case alreadyImported(Int64, sha256: String)
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
    package func load(_ pipeline: ParsePipeline, logName: String, encodingName: String, sha256 computeSHA: () throws -> String?,
              mapError: @escaping (ImportError) -> ImportError, reportsUnknownKind: Bool = true,
              checksEarlierImports: Bool = true) throws -> LoadOutcome {
        var outcome: LoadOutcome = .failed
        try db.inSavepoint {
            var kind: DataKind?
            var importID: Int64 = 0
            var writer: FactWriter?
            var counts = (inserted: 0, replaced: 0, unchanged: 0)
            var dataRows = 0
            var failed = false
            do {
                receiving: while true {
                    switch pipeline.next() {
                    case .header(let mapping):
                        kind = mapping.kind
                        try db.execute(sql: """
                            INSERT INTO import_log (imported_at, kind, file_name, sha256, encoding) VALUES (?, ?, ?, '', ?)
                            """, arguments: [timestamp, mapping.kind.rawValue, logName, encodingName])
                        importID = db.lastInsertedRowID
                        writer = try FactWriter(db: db, kind: mapping.kind, importID: importID)
                    case .batch(let batch):
                        var duplicates: [ImportError] = []
                        // Rows are written even after an error (the transaction is rolled back then), so that
                        // duplicate keys later in the file are still found.
                        try writer!.write(batch.rows) { result, line in
                            switch result {
                            case .inserted: counts.inserted += 1
                            case .replaced: counts.replaced += 1
                            case .unchanged: counts.unchanged += 1
                            case .duplicate(let firstLine):
                                duplicates.append(ImportError(file: name, line: line, problem: .duplicateKey(firstLine: firstLine)))
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
            if kind != nil && dataRows == 0 && fileIsClean {
                outcome = .headerOnly
                return .rollback
            }
            // Content imported before changes nothing: undo this file's writes and say so.
            if checksEarlierImports, let sha256, let earlier = try earlierImport(of: sha256, other: importID) {
                outcome = .alreadyImported(earlier, sha256: sha256)
                return .rollback
            }
            guard fileIsClean, let kind else { return .rollback }
            try db.execute(sql: "UPDATE import_log SET sha256 = ?, rows_inserted = ?, rows_replaced = ?, rows_unchanged = ? WHERE id = ?",
                           arguments: [sha256 ?? "", counts.inserted, counts.replaced, counts.unchanged, importID])
            outcome = .loaded(kind, importID: importID, counts: counts, sha256: sha256 ?? "")
            return .commit
        }
        return outcome
    }
}

extension FileLoad {
    /// JSON (SCB's JSON-stat, Kolada) or PxWeb's CSV, told from the file's first characters.
    package func officialFormat(encoding: TextEncoding) throws -> OfficialFormat? {
        var prefix: [UInt8] = []
        do {
            try TextFile.forEachUTF8Chunk(path, displayName: name, encoding: encoding) { chunk in
                prefix.append(contentsOf: chunk.prefix(8192 - prefix.count))
                if prefix.count >= 8192 { throw StopReading() }
            }
        } catch is StopReading {
        } catch let error as ImportError {
            try log.report(error)
            return nil
        }
        return OfficialStatistics.detect(prefix: String(decoding: prefix, as: UTF8.self))
    }

    private struct StopReading: Error {}

    /// Official statistics are small (a table of regions and years): read whole, mapped to rows, and written
    /// through the same writer, with the same history, idempotency and import log as every other file.
    package func runOfficial(_ format: OfficialFormat, encoding: TextEncoding, timestamp: String) throws -> FileImportResult? {
        var bytes: [UInt8] = []
        do {
            try TextFile.forEachUTF8Chunk(path, displayName: name, encoding: encoding) { chunk in
                bytes.append(contentsOf: chunk)
                if bytes.count > OfficialStatistics.sizeLimit {
                    throw ImportError(file: name, problem: .fileTooLarge(limit: OfficialStatistics.sizeLimit))
                }
            }
        } catch let error as ImportError {
            try log.report(error)
            return nil
        }
        let (parsed, errors) = OfficialStatistics.read(format, text: String(decoding: bytes, as: UTF8.self), file: name)
        for error in errors { try log.report(error) }
        guard let table = parsed, errors.isEmpty else { return nil }
        let sha256: String
        do {
            sha256 = try TextFile.sha256(path, displayName: name)
        } catch {
            try log.report(error)
            return nil
        }
        if let earlier = try earlierImport(of: sha256) {
            return FileImportResult(fileName: name, kind: nil, sha256: sha256, encoding: encoding, format: format.swedishName,
                                    inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: earlier, importID: nil)
        }
        if table.rows.isEmpty && table.titles.isEmpty {
            try log.report(ImportError(file: name, problem: .headerOnly))
            return nil
        }
        var outcome: FileImportResult?
        try db.inSavepoint {
            try db.execute(sql: """
                INSERT INTO import_log (imported_at, kind, file_name, sha256, encoding) VALUES (?, ?, ?, ?, ?)
                """, arguments: [timestamp, table.kind.rawValue, URL(fileURLWithPath: path).lastPathComponent, sha256,
                                 "\(format.swedishName), \(encoding.swedishName)"])
            let importID = db.lastInsertedRowID
            let writer = try FactWriter(db: db, kind: table.kind, importID: importID)
            var counts = (inserted: 0, replaced: 0, unchanged: 0)
            let batch = RowBatch(columns: table.kind.columns.count)
            var places: [Int: String] = [:]
            func flush() throws {
                try writer.write(batch) { result, line in
                    switch result {
                    case .inserted: counts.inserted += 1
                    case .replaced: counts.replaced += 1
                    case .unchanged: counts.unchanged += 1
                    case .duplicate(let firstLine):
                        try log.report(ImportError(file: name, line: format == .pxwebCSV ? line : nil,
                                                   place: format == .pxwebCSV ? nil : places[line],
                                                   problem: .duplicateValue(firstPlace: places[firstLine] ?? "rad \(firstLine)")))
                    }
                }
                batch.reset()
            }
            for row in table.rows {
                if !row.place.isEmpty { places[row.line] = row.place }
                // The batch copies texts into its own storage, so the pointers need live only for `append`.
                Self.withBindValues(row.values) { batch.append($0, line: row.line) }
                if batch.isFull { try flush() }
            }
            try flush()
            for title in table.titles {
                try db.execute(sql: """
                    INSERT INTO referens_titel (kalla, matt, titel, import_id) VALUES (?, ?, ?, ?)
                    ON CONFLICT (kalla, matt) DO UPDATE SET titel = excluded.titel, import_id = excluded.import_id
                    WHERE titel <> excluded.titel
                    """, arguments: [title.source, title.measure, title.title, importID])
            }
            guard fileIsClean else { return .rollback }
            try db.execute(sql: "UPDATE import_log SET rows_inserted = ?, rows_replaced = ?, rows_unchanged = ? WHERE id = ?",
                           arguments: [counts.inserted, counts.replaced, counts.unchanged, importID])
            outcome = FileImportResult(fileName: name, kind: table.kind, sha256: sha256, encoding: encoding, format: format.swedishName,
                                       titles: format == .koladaMetadata ? table.titles.count : 0, inserted: counts.inserted, replaced: counts.replaced, unchanged: counts.unchanged,
                                       alreadyImportedAs: nil, importID: importID)
            return .commit
        }
        return outcome
    }

    /// Calls `body` with the row as bind values; texts point into one buffer that lives for the call.
    private static func withBindValues(_ values: [OfficialRow.Value], _ body: ([BindValue]) -> Void) {
        var storage: [UInt8] = []
        var ranges: [Range<Int>] = []
        for value in values {
            if case .text(let text) = value {
                let start = storage.count
                storage.append(contentsOf: text.utf8)
                ranges.append(start..<storage.count)
            }
        }
        storage.withUnsafeBufferPointer { buffer in
            var textIndex = 0
            let bound = values.map { value -> BindValue in
                switch value {
                case .null: return .null
                case .integer(let integer): return .integer(integer)
                case .real(let real): return .real(real)
                case .text:
                    defer { textIndex += 1 }
                    return .text(UnsafeBufferPointer(rebasing: buffer[ranges[textIndex]]))
                }
            }
            body(bound)
        }
    }
}

/// A file's SHA-256, computed on another thread.
private final class Checksum: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the worker before it signals, read once after waiting.
    private var result: Result<String, ImportError> = .success("")

    package init(path: String, displayName: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            do {
                result = .success(try TextFile.sha256(path, displayName: displayName))
            } catch let error as ImportError {
                result = .failure(error)
            } catch {
                result = .failure(ImportError(file: displayName, problem: .unreadable(reason: "\(error)")))
            }
            done.signal()
        }
    }

    package func wait() throws(ImportError) -> String {
        done.wait()
        return try result.get()
    }
}

extension FileLoad {
    /// Every visible sheet of a workbook whose header row matches a kind (or the sheets named with `--sheet`),
    /// each as an import of its own in the command's transaction. Sheets that are hidden, match no kind or
    /// hold only their header row are listed as skipped.
    package func runWorkbook() throws -> [FileImportResult] {
        let workbook: Workbook
        do {
            workbook = try Workbook(path: path, file: name)
        } catch {
            try log.report(error)
            return []
        }
        let fileSHA: String
        do {
            fileSHA = try TextFile.sha256(path, displayName: name)
        } catch {
            try log.report(error)
            return []
        }
        for wanted in sheets where !workbook.sheets.contains(where: { $0.name == wanted }) {
            try log.report(ImportError(file: name, problem: .sheetNotFound(wanted, available: workbook.sheets.map(\.name))))
        }
        var results: [FileImportResult] = []
        var skipped: [String] = []
        let baseName = URL(fileURLWithPath: path).lastPathComponent
        for sheet in workbook.sheets {
            let named = sheets.contains(sheet.name)
            if !sheets.isEmpty && !named { continue }
            if sheet.hidden && !named {
                skipped.append("\"\(sheet.name)\" (dolt)")
                continue
            }
            // A sheet's content is the workbook's and its name: the same workbook read again (or another
            // of its sheets read later) is recognised sheet by sheet.
            let sha256 = SHA256.hash(data: Data((fileSHA + "\u{0}" + sheet.name).utf8)).map { String(format: "%02x", $0) }.joined()
            let sheetName = "\(name), blad \"\(sheet.name)\""
            if let earlier = try earlierImport(of: sha256) {
                results.append(FileImportResult(fileName: sheetName, kind: nil, sha256: sha256, encoding: nil, format: "xlsx",
                                                inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: earlier, importID: nil))
                continue
            }
            let reader = SheetRecords(workbook: workbook, sheet: sheet)
            let pipeline = ParsePipeline(name: name, forcedKind: forcedKind, defaultKommun: store.ownKommun, source: reader.source)
            let outcome = try load(pipeline, logName: "\(baseName) [\(sheet.name)]", encodingName: "xlsx", sha256: { sha256 },
                                   mapError: reader.place, reportsUnknownKind: named, checksEarlierImports: false)
            switch outcome {
            case .loaded(let kind, let importID, let counts, _):
                var result = FileImportResult(fileName: sheetName, kind: kind, sha256: sha256, encoding: nil,
                                              format: "xlsx", inserted: counts.inserted, replaced: counts.replaced,
                                              unchanged: counts.unchanged, alreadyImportedAs: nil, importID: importID)
                result.sheet = sheet.name
                results.append(result)
            case .headerOnly:
                if named {
                    var error = ImportError(file: name, problem: .headerOnly)
                    error.sheetCell = "blad \"\(sheet.name)\""
                    try log.report(error)
                } else {
                    skipped.append("\"\(sheet.name)\" (bara rubrikrad)")
                }
            case .notAKind:
                // Only reached for sheets not named with --sheet: a named one reports its header's errors.
                skipped.append("\"\(sheet.name)\" (ingen filtyp)")
            case .blank:
                skipped.append("\"\(sheet.name)\" (tomt)")
            case .alreadyImported, .failed:
                break
            }
        }
        if results.isEmpty && fileIsClean {
            try log.report(ImportError(file: name, problem: .workbookWithoutData(skipped: skipped)))
        }
        if !results.isEmpty { results[results.count - 1].skippedSheets = skipped }
        return results
    }
}

/// One sheet of a workbook as a source of records for the pipeline, and the placing of its errors.
package final class SheetRecords: @unchecked Sendable {
    package let workbook: Workbook
    package let sheet: Workbook.Sheet
    /// Set on the parse thread once the header is read; read by the writer after the header message.
    private var reader: SheetReader?
    private var headerPositions: [String: Int] = [:]

    package init(workbook: Workbook, sheet: Workbook.Sheet) {
        self.workbook = workbook
        self.sheet = sheet
    }

    package var source: ParsePipeline.RecordSource {
        { [self] emit in try withoutActuallyEscaping(emit) { emit in
            let reader = SheetReader(workbook: workbook, sheet: sheet.name, numberUses: { headers in
                headers.map { header in
                    switch DataKind.columnType(forHeader: header) {
                    case .year?: .year
                    case .month?: .month
                    default: .text
                    }
                }
            }, emit: emit)
            self.reader = reader
            defer { reader.emit = nil }
            do {
                try workbook.parse(sheet.path, with: reader)
            } catch var error as ImportError {
                if case .notAWorkbook(let reason) = error.problem {
                    error = ImportError(file: workbook.file, problem: .notAWorkbook(reason.replacingOccurrences(of: sheet.path, with: "bladet \"\(sheet.name)\"")))
                }
                throw error
            }
        } }
    }

    /// `signaler-2024.xlsx, blad "Signaler", cell G57: kolumnen "antal": …` from the validator's line and column.
    package func place(_ error: ImportError) -> ImportError {
        guard error.sheetCell == nil else { return error }
        var placed = error
        guard let line = error.line else {
            placed.sheetCell = "blad \"\(sheet.name)\""
            return placed
        }
        if let column = error.column, let reader, let position = reader.fieldPosition(ofHeader: column) {
            placed.sheetCell = reader.place(column: reader.column(ofField: position), row: line)
        } else {
            placed.sheetCell = "blad \"\(sheet.name)\", rad \(line)"
        }
        return placed
    }
}
