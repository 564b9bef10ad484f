import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

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
            let importID = try ImportLog.begin(db, at: timestamp, kind: table.kind, fileName: URL(fileURLWithPath: path).lastPathComponent,
                                               sha256: sha256, encoding: "\(format.swedishName), \(encoding.swedishName)")
            let writer = try FactWriter(db: db, kind: table.kind, importID: importID)
            var counts = WriteCounts()
            let batch = RowBatch(columns: table.kind.columns.count)
            var places: [Int: String] = [:]
            func flush() throws {
                try writer.write(batch) { result, line in
                    if let firstLine = counts.record(result) {
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
                try ImportLog.setTitle(db, source: title.source, measure: title.measure, title: title.title, importID: importID)
            }
            guard fileIsClean else { return .rollback }
            try ImportLog.finish(db, id: importID, counts: counts)
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
