import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

extension FileLoad {
    /// JSON (SCB's JSON-stat, Kolada) or PxWeb's CSV, told from the file's first characters.
    func officialFormat(encoding: TextEncoding) throws -> OfficialFormat? {
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
    func runOfficial(_ format: OfficialFormat, encoding: TextEncoding, timestamp: String) throws -> FileImportResult? {
        var bytes: [UInt8] = []
        do {
            try TextFile.forEachUTF8Chunk(path, displayName: name, encoding: encoding) { chunk in
                bytes.append(contentsOf: chunk)
                if bytes.count > format.sizeLimit {
                    throw ImportError(file: name, problem: format == .geoJSON
                        ? .geoJSON("filen är större än 10 MB; förenkla gränserna (t.ex. med mapshaper) eller dela upp filen")
                        : .fileTooLarge(limit: format.sizeLimit))
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
        if table.records.isEmpty && table.titles.isEmpty {
            try log.report(ImportError(file: name, problem: .headerOnly))
            return nil
        }
        let fileName = URL(fileURLWithPath: name).lastPathComponent
        let encodingName = "\(format.swedishName), \(encoding.swedishName)"
        guard !table.records.isEmpty else { return try runTitles(table, format: format, encoding: encoding, sha256: sha256, fileName: fileName) }

        // The records are rows like any file's: the same header mapping, validator and writer, in the same savepoint,
        // with the import log, history and idempotency. Their errors are placed where the file has them.
        let records = table.records, header = table.header
        let pipeline = ParsePipeline(name: name, forcedKind: table.kind, defaultKommun: store.ownKommun, scope: scope, registers: registers) { emit in
            try CSVRecordView.withRecord(line: 0, texts: header) { try emit($0) }
            for (index, record) in records.enumerated() {
                try CSVRecordView.withRecord(line: index + 1, texts: record.fields) { try emit($0) }
            }
        }
        let file = name
        let place: (ImportError) -> ImportError = { error in
            guard let line = error.line, line >= 1, line <= records.count else { return error }
            let record = records[line - 1]
            var problem = error.problem
            if case .duplicateKey(let firstLine) = problem, firstLine >= 1, firstLine <= records.count {
                let first = records[firstLine - 1]
                problem = .duplicateValue(firstPlace: format == .pxwebCSV ? "rad \(first.line)" : first.place)
            }
            // The value's column as the file names it (a PxWeb year column), where it has its own name.
            let column = error.column.map { ["invånare", "värde"].contains($0) ? record.valueColumn ?? $0 : $0 }
            if format == .pxwebCSV { return ImportError(file: file, line: record.line, column: column, problem: problem) }
            return ImportError(file: file, column: column, place: record.place, problem: problem)
        }
        // An earlier import of this content was looked for above, before the parse.
        switch try load(pipeline, logName: fileName, encodingName: encodingName, sha256: { sha256 }, mapError: place, checksEarlierImports: false) {
        case .loaded(let kind, let importID, let counts, _):
            for title in table.titles {
                try ImportLog.setTitle(db, source: title.source, measure: title.measure, title: title.title, importID: importID, dryRun: dryRun)
            }
            var result = FileImportResult(fileName: name, kind: kind, sha256: sha256, encoding: encoding, format: format.swedishName,
                                          inserted: counts.inserted, replaced: counts.replaced, unchanged: counts.unchanged,
                                          alreadyImportedAs: nil, importID: importID)
            if kind == .omraden {
                // A boundary whose name no signal row uses is kept (the signals may come later), and said.
                let known = Set(try Store.areaNames(db, kommun: store.ownKommun, dryRun: dryRun).map { TextKey.fold($0) })
                let unknown = records.map { $0.fields[0] }.filter { !known.contains(TextKey.fold($0)) }
                if !unknown.isEmpty {
                    result.notices.append("\(unknown.count == 1 ? "området" : "områdena") \(ImportProblem.quotedList(unknown)) "
                                          + "finns inte bland signalernas områden; kontrollera stavningen")
                }
            }
            return result
        case .alreadyImported(let earlier, _):
            return FileImportResult(fileName: name, kind: nil, sha256: sha256, encoding: encoding, format: format.swedishName,
                                    inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: earlier, importID: nil)
        case .headerOnly:
            try log.report(ImportError(file: name, problem: .headerOnly))
            return nil
        case .failed, .notAKind, .blank, .unchanged:
            return nil
        }
    }

    /// Kolada's KPI metadata: titles of measures and no values, logged as an import of its own.
    private func runTitles(_ table: OfficialTable, format: OfficialFormat, encoding: TextEncoding, sha256: String,
                           fileName: String) throws -> FileImportResult? {
        var outcome: FileImportResult?
        try db.inSavepoint {
            let importID = try ImportLog.begin(db, at: timestamp, kind: table.kind, fileName: fileName, sha256: sha256,
                                               encoding: "\(format.swedishName), \(encoding.swedishName)", dryRun: dryRun)
            for title in table.titles {
                try ImportLog.setTitle(db, source: title.source, measure: title.measure, title: title.title, importID: importID, dryRun: dryRun)
            }
            guard fileIsClean else { return .rollback }
            outcome = FileImportResult(fileName: name, kind: table.kind, sha256: sha256, encoding: encoding, format: format.swedishName,
                                       titles: table.titles.count, inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: nil,
                                       importID: importID)
            return .commit
        }
        return outcome
    }
}
