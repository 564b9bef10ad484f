import Crypto
import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

extension FileLoad {
    /// Every visible sheet of a workbook whose header row matches a kind (or the sheets named with `--sheet`),
    /// each as an import of its own in the command's transaction. Sheets that are hidden, match no kind or
    /// hold only their header row are listed as skipped.
    func runWorkbook() throws -> [FileImportResult] {
        let workbook: Workbook
        do {
            workbook = try Workbook(path: path, file: name, importBudget: inflation, limit: workbookInflationLimit)
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
        let baseName = URL(fileURLWithPath: name).lastPathComponent
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
            if let earlier = try earlierImport(of: sha256) {
                var result = FileImportResult(fileName: name, kind: nil, sha256: sha256, encoding: nil, format: "xlsx",
                                              inserted: 0, replaced: 0, unchanged: 0, alreadyImportedAs: earlier, importID: nil)
                result.sheet = sheet.name
                results.append(result)
                continue
            }
            let reader = SheetRecords(workbook: workbook, sheet: sheet)
            let pipeline = ParsePipeline(name: name, forcedKind: forcedKind, defaultKommun: store.ownKommun, scope: scope, registers: registers, source: reader.source)
            let outcome = try load(pipeline, logName: "\(baseName) [\(sheet.name)]", encodingName: "xlsx", sha256: { sha256 },
                                   mapError: reader.place, reportsUnknownKind: named, checksEarlierImports: false)
            switch outcome {
            case .loaded(let kind, let importID, let counts, _):
                var result = FileImportResult(fileName: name, kind: kind, sha256: sha256, encoding: nil,
                                              format: "xlsx", inserted: counts.inserted, replaced: counts.replaced,
                                              unchanged: counts.unchanged, alreadyImportedAs: nil, importID: importID)
                result.sheet = sheet.name
                result.notices += zeroReportNotices()
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
            case .alreadyImported, .unchanged, .failed:
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
final class SheetRecords: @unchecked Sendable {
    let workbook: Workbook
    let sheet: Workbook.Sheet
    /// Set on the parse thread once the header is read; read by the writer after the header message.
    private var reader: SheetReader?
    private var headerPositions: [String: Int] = [:]

    init(workbook: Workbook, sheet: Workbook.Sheet) {
        self.workbook = workbook
        self.sheet = sheet
    }

    var source: ParsePipeline.RecordSource {
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
    func place(_ error: ImportError) -> ImportError {
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
