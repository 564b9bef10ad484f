import Foundation
import GRDB

/// What one file's import did (or, in a dry run, would do).
public struct FileImportResult: Sendable, Equatable {
    public let fileName: String
    public let kind: DataKind?
    public let sha256: String
    public let encoding: TextEncoding?
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
public struct ImportFailure: Error, Equatable, CustomStringConvertible {
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
    final class ErrorLog {
        struct LimitReached: Error {}
        private(set) var errors: [ImportError] = []
        func report(_ error: ImportError) throws {
            errors.append(error)
            if errors.count >= Importer.errorLimit { throw LimitReached() }
        }
    }

    /// Imports files. Throws ``ImportFailure`` (nothing written) when any file has any error.
    public func importFiles(_ paths: [String], kind forcedKind: DataKind? = nil, dryRun: Bool = false,
                            progress: ImportProgress? = nil) throws -> ImportReport {
        let log = ErrorLog()
        var truncated = false
        var results: [FileImportResult] = []
        let timestamp = Self.timestamp(clock())

        try store.queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                var rowsSoFar = 0
                for path in paths {
                    do {
                        let load = FileLoad(path: path, db: db, store: store, forcedKind: forcedKind, log: log,
                                            rowsBefore: rowsSoFar, progress: progress)
                        if let result = try load.run(timestamp: timestamp) { results.append(result) }
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

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// The import of one file inside the command's transaction: header, then rows streamed into the store.
private final class FileLoad {
    let path: String
    let db: Database
    let store: Store
    let forcedKind: DataKind?
    let log: Importer.ErrorLog
    let progress: ImportProgress?
    private(set) var rowsSoFar: Int

    private var validator: RecordValidator?
    private var row: [BindValue] = []
    private var rowErrors: [ImportError] = []
    private var writer: FactWriter?
    private var importID: Int64 = 0
    private var counts = (inserted: 0, replaced: 0, unchanged: 0)
    private var dataRows = 0
    private var headerFailed = false
    private let errorsBefore: Int

    init(path: String, db: Database, store: Store, forcedKind: DataKind?, log: Importer.ErrorLog,
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

    func run(timestamp: String) throws -> FileImportResult? {
        let survey: TextFileSurvey
        do {
            survey = try TextFile.survey(path, displayName: name)
        } catch {
            try log.report(error)
            return nil
        }
        if let earlier = try Int64.fetchOne(db, sql: "SELECT id FROM import_log WHERE sha256 = ? ORDER BY id LIMIT 1",
                                            arguments: [survey.sha256]) {
            return FileImportResult(fileName: name, kind: nil, sha256: survey.sha256, encoding: survey.encoding,
                                    inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: earlier, importID: nil)
        }
        do {
            var reader = CSVReader(fileName: name)
            try TextFile.forEachUTF8Chunk(path, displayName: name, encoding: survey.encoding) { chunk in
                try reader.feed(chunk) { try handle($0, survey: survey, timestamp: timestamp) }
            }
            try reader.finish { try handle($0, survey: survey, timestamp: timestamp) }
        } catch let error as ImportError {
            try log.report(error)
            return nil
        }
        if validator != nil && dataRows == 0 && fileIsClean {
            try log.report(ImportError(file: name, problem: .headerOnly))
        }
        guard fileIsClean, let kind = validator?.mapping.kind else { return nil }
        try db.execute(sql: "UPDATE import_log SET rows_inserted = ?, rows_replaced = ?, rows_unchanged = ? WHERE id = ?",
                       arguments: [counts.inserted, counts.replaced, counts.unchanged, importID])
        return FileImportResult(fileName: name, kind: kind, sha256: survey.sha256, encoding: survey.encoding,
                                inserted: counts.inserted, replaced: counts.replaced, unchanged: counts.unchanged,
                                alreadyImportedAs: nil, importID: importID)
    }

    /// Sees records one by one; nothing of the file is kept after its row is written.
    private func handle(_ record: CSVRecordView, survey: TextFileSurvey, timestamp: String) throws {
        if record.isBlank || headerFailed { return }
        guard let validator else {
            let resolved = HeaderMapping.resolve(record.strings, file: name, line: record.line, forcedKind: forcedKind)
            guard let mapping = resolved.mapping else {
                for error in resolved.errors { try log.report(error) }
                headerFailed = true
                return
            }
            validator = RecordValidator(mapping: mapping, file: name, defaultKommun: store.ownKommun)
            row = Array(repeating: .null, count: mapping.kind.columns.count)
            try db.execute(sql: """
                INSERT INTO import_log (imported_at, kind, file_name, sha256, encoding) VALUES (?, ?, ?, ?, ?)
                """, arguments: [timestamp, mapping.kind.rawValue, URL(fileURLWithPath: path).lastPathComponent,
                                 survey.sha256, survey.encoding.swedishName])
            importID = db.lastInsertedRowID
            writer = try FactWriter(db: db, kind: mapping.kind)
            return
        }
        dataRows += 1
        rowsSoFar += 1
        if rowsSoFar % 65_536 == 0 { progress?(rowsSoFar) }
        defer { validator.endRow() }
        guard validator.validate(record, into: &row, errors: &rowErrors) else {
            for error in rowErrors { try log.report(error) }
            rowErrors.removeAll()
            return
        }
        // Rows are written even after an error elsewhere (the transaction is rolled back then), so that
        // duplicate keys later in the file are still found and reported.
        switch try writer!.upsert(row, importID: importID, line: record.line) {
        case .inserted: counts.inserted += 1
        case .replaced: counts.replaced += 1
        case .unchanged: counts.unchanged += 1
        case .duplicate(let firstLine):
            try log.report(ImportError(file: name, line: record.line, problem: .duplicateKey(firstLine: firstLine)))
        }
    }
}
