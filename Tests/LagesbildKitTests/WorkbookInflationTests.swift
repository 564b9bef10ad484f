import Foundation
import Testing
@testable import LagesbildIngest
@testable import LagesbildModel
@testable import LagesbildStore

/// Finding 5 of the penetration test: every part of a workbook within its own limits, but many of them. The
/// bytes inflated are capped for one workbook and for all the workbooks of one import; the limits are made
/// small here so that a few megabytes reach them.
@Suite struct WorkbookInflationTests {
    /// A workbook of `sheets` sheets of signal rows, each about a megabyte of XML; the size of its largest sheet part.
    static func workbook(_ name: String, sheets: [String], in folder: URL) throws -> (path: String, sheetBytes: Int) {
        let columns = ["år", "månad", "kategori", "område", "källa", "antal"].map { WorkbookWriter.Column(header: $0, width: 10) }
        let parts = WorkbookWriter.parts(sheets.map { sheet in
            WorkbookWriter.Sheet(name: sheet, columns: columns, rows: (0..<4_000).map { ["2024", "1", "klotter", "\(name) \(sheet) \($0)", "Skola", "1"] })
        }, title: "Signaler")
        let url = folder.appendingPathComponent(name)
        try WorkbookWriter.write(parts, to: url)
        return (url.path, parts.filter { $0.path.contains("worksheets/") }.map(\.xml.utf8.count).max() ?? 0)
    }

    static func errors(_ importer: Importer, _ files: [String], folder: URL) -> [String] {
        do {
            _ = try importer.importFiles(files, addingNames: true)
            return []
        } catch let failure as ImportFailure {
            return failure.errors.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") }
        } catch {
            return ["\(error)"]
        }
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-inflation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func store(in folder: URL) throws -> Store {
        try Store.create(path: folder.appendingPathComponent("lagesbild.sqlite").path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
    }

    @Test func aWorkbookMayNotInflateBeyondItsLimitInAll() throws {
        let folder = try Self.folder()
        let (path, sheetBytes) = try Self.workbook("tre.xlsx", sheets: ["A", "B", "C"], in: folder)
        #expect(sheetBytes > 1_000_000)
        var importer = Importer(store: try Self.store(in: folder))
        // Two sheets fit, the third does not; each part alone is far within its limits.
        importer.workbookInflationLimit = UInt64(sheetBytes * 5 / 2)
        let megabytes = SwedishFormat.integer(sheetBytes * 5 / 2 / 1_000_000)
        #expect(Self.errors(importer, [path], folder: folder) == [
            "tre.xlsx, blad \"C\": arbetsbokens delar packas tillsammans upp till mer än \(megabytes) MB, gränsen för en arbetsbok "
            + "(nådd i delen xl/worksheets/sheet3.xml); filen ser ut som en zip-bomb och läses inte",
        ])
        importer.workbookInflationLimit = Workbook.workbookLimit
        #expect(Self.errors(importer, [path], folder: folder) == [])
    }

    @Test func theWorkbooksOfOneImportMayNotInflateBeyondItsLimitTogether() throws {
        let folder = try Self.folder()
        let (first, sheetBytes) = try Self.workbook("forsta.xlsx", sheets: ["A", "B"], in: folder)
        let (second, _) = try Self.workbook("andra.xlsx", sheets: ["A", "B"], in: folder)
        var importer = Importer(store: try Self.store(in: folder))
        importer.importInflationLimit = UInt64(sheetBytes * 7 / 2)
        let megabytes = SwedishFormat.integer(sheetBytes * 7 / 2 / 1_000_000)
        #expect(Self.errors(importer, [first, second], folder: folder) == [
            "andra.xlsx, blad \"B\": importens arbetsböcker packas tillsammans upp till mer än \(megabytes) MB, gränsen för en import "
            + "(nådd i delen xl/worksheets/sheet2.xml); läs in filerna i flera omgångar",
        ])
        // Each workbook in an import of its own is within the limit.
        #expect(Self.errors(importer, [first], folder: folder) == [])
        #expect(Self.errors(importer, [second], folder: folder) == [])
    }
}
