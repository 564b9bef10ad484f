import Foundation
import ZIPFoundation
import LagesbildModel
import LagesbildStore

/// An .xlsx workbook opened for reading: its sheets, shared strings and date styles. A workbook is a zip of
/// XML written by whoever sent it, so every part is read with limits: no part may inflate beyond
/// ``entryLimit`` (a zip bomb), the shared strings are capped, and sheets are streamed, never held.
final class Workbook: SheetContext, @unchecked Sendable {
    struct Sheet {
        let name: String
        let hidden: Bool
        /// The part's path inside the zip, e.g. `xl/worksheets/sheet1.xml`.
        let path: String
    }

    static let entryLimit: UInt64 = 1 << 30
    /// Inflating more than this many times the compressed size is a zip bomb, not a spreadsheet (XML of a
    /// sheet compresses 10–30 times, a sheet of one repeated cell a few hundred times).
    static let ratioLimit: UInt64 = 1000
    /// All the parts of one workbook together: each part within its own limits, but not ten of them at 1 GiB.
    static let workbookLimit: UInt64 = 2 * entryLimit
    /// All the workbooks of one import (a command's files, an upload's) together.
    static let importLimit: UInt64 = 4 * entryLimit
    static let sharedStringLimit = 5_000_000
    static let sharedStringBytesLimit = 256 << 20

    let file: String
    let archive: Archive
    /// The bytes inflated from this workbook's parts, and from every workbook of its import.
    private let workbookInflated: InflationBudget
    private let importInflated: InflationBudget
    private let partsReadLock = NSLock()
    private var partsRead: Set<String> = []
    private(set) var sheets: [Sheet] = []
    /// Whether serial dates count from 1904 (old Mac Excel) rather than 1900.
    private(set) var date1904 = false
    /// Shared strings, as one arena of UTF-8 with each string's range.
    @exclusivity(unchecked) private(set) var stringBytes: [UInt8] = []
    @exclusivity(unchecked) private(set) var stringRanges: [Range<Int>] = []
    /// Per cell style (`s` attribute): whether its number format shows a date.
    @exclusivity(unchecked) private(set) var dateStyles: [Bool] = []

    /// Opens and checks a workbook; the error says in Swedish what is wrong with the file. `importBudget` counts
    /// the bytes inflated by all the workbooks of one import; `limit` is this workbook's.
    init(path: String, file: String, importBudget: InflationBudget = InflationBudget(limit: Workbook.importLimit),
                 limit: UInt64 = Workbook.workbookLimit) throws(ImportError) {
        self.file = file
        workbookInflated = InflationBudget(limit: limit)
        importInflated = importBudget
        func fail(_ problem: ImportProblem) -> ImportError { ImportError(file: file, problem: problem) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw fail(.fileNotFound) }
        let magic = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        try? handle.close()
        // Office encrypts a workbook by wrapping it in an OLE compound file, the same container as old .xls.
        if magic.starts(with: CompoundFile.magic) { throw fail(CompoundFile.problem(path: path)) }
        guard magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) || magic.starts(with: [0x50, 0x4B, 0x05, 0x06]) else {
            throw fail(.notAWorkbook("filen är inget zip-arkiv"))
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw fail(.notAWorkbook("zip-arkivet är trasigt eller avkortat"))
        }
        // Other zip-based formats, told by the parts their programs always write.
        if archive["xl/workbook.bin"] != nil { throw fail(.binaryWorkbook) }
        if let entry = archive["mimetype"], entry.uncompressedSize < 200 {
            var type = Data()
            _ = try? archive.extract(entry, skipCRC32: true) { type.append($0) }
            throw fail(String(decoding: type, as: UTF8.self).contains("opendocument.spreadsheet") ? .openDocumentSpreadsheet : .otherOpenDocument)
        }
        if archive["Index/Document.iwa"] != nil || archive["Index.zip"] != nil { throw fail(.numbersSpreadsheet) }
        do {
            try readStructure()
        } catch let error as ImportError {
            throw error
        } catch let error as XMLStreamError {
            throw fail(.notAWorkbook(error.message))
        } catch {
            throw fail(.notAWorkbook("\(error)"))
        }
    }

    /// Streams one zip entry through `body`, refusing sizes that only a zip bomb has.
    func stream(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let entry = archive[path] else { throw ImportError(file: file, problem: .notAWorkbook("delen \(path) saknas")) }
        // Every part is read once (a sheet that shares its part with another is refused when the workbook is opened).
        guard partsReadLock.withLock({ partsRead.insert(path).inserted }) else {
            throw ImportError(file: file, problem: .notAWorkbook("delen \(path) skulle läsas en gång till"))
        }
        let compressed = max(entry.compressedSize, 1)
        if entry.uncompressedSize > Self.entryLimit || (entry.uncompressedSize > 1 << 20 && entry.uncompressedSize / compressed > Self.ratioLimit) {
            throw ImportError(file: file, problem: .zipBomb(path: path, size: entry.uncompressedSize))
        }
        var inflated: UInt64 = 0
        do {
            // ZIPFoundation computes CRC-32 in Swift, a fifth of the inflating time; a damaged entry still fails
            // in zlib or in the strict XML parse that follows.
            _ = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: true) { data in
                inflated += UInt64(data.count)
                // The declared size may lie: count what actually comes out.
                if inflated > Self.entryLimit || (inflated > 1 << 20 && inflated / compressed > Self.ratioLimit) {
                    throw ImportError(file: file, problem: .zipBomb(path: path, size: inflated))
                }
                // Many parts, each within those limits, are no better than one part beyond them.
                if !workbookInflated.spend(UInt64(data.count)) {
                    throw ImportError(file: file, problem: .workbookTooLarge(path: path, limit: workbookInflated.limit))
                }
                if !importInflated.spend(UInt64(data.count)) {
                    throw ImportError(file: file, problem: .importTooLarge(path: path, limit: importInflated.limit))
                }
                try data.withUnsafeBytes { try body($0) }
            }
        } catch let error as ImportError {
            throw error
        } catch let error as XMLStreamError {
            throw error
        } catch let error as WorkbookStop {
            throw error
        } catch {
            throw ImportError(file: file, problem: .notAWorkbook("delen \(path) kan inte packas upp (\(error))"))
        }
    }

    /// Parses a part with a handler, inflating it on another thread.
    func parse(_ path: String, with handler: XMLStreamHandler) throws {
        do {
            try XMLStream.parse(handler: handler) { [self] queue in
                try stream(path) { try queue.put(Data($0)) }
            }
        } catch let error as XMLStreamError {
            throw ImportError(file: file, problem: .notAWorkbook("\(path): \(error.message)"))
        }
    }

    private func readStructure() throws {
        if archive["xl/vbaProject.bin"] != nil { throw ImportError(file: file, problem: .workbookWithMacros) }
        let types = ContentTypes()
        if archive["[Content_Types].xml"] != nil { try parse("[Content_Types].xml", with: types) }
        if types.macroEnabled { throw ImportError(file: file, problem: .workbookWithMacros) }
        guard let workbookPath = types.workbookPath ?? (archive["xl/workbook.xml"] != nil ? "xl/workbook.xml" : nil) else {
            throw ImportError(file: file, problem: .notAWorkbook("xl/workbook.xml saknas; filen är ingen Excel-arbetsbok"))
        }
        let folder = (workbookPath as NSString).deletingLastPathComponent
        let book = WorkbookPart()
        try parse(workbookPath, with: book)
        date1904 = book.date1904
        let relations = Relations()
        let relationsPath = folder + "/_rels/" + (workbookPath as NSString).lastPathComponent + ".rels"
        if archive[relationsPath] != nil { try parse(relationsPath, with: relations) }
        func resolve(_ target: String) -> String {
            if target.hasPrefix("/") { return String(target.dropFirst()) }
            return ((folder as NSString).appendingPathComponent(target) as NSString).standardizingPath
        }
        for sheet in book.sheets {
            guard let target = relations.targets[sheet.relation] else {
                throw ImportError(file: file, problem: .notAWorkbook("bladet \"\(sheet.name)\" saknar sin del i arbetsboken"))
            }
            sheets.append(Sheet(name: sheet.name, hidden: sheet.hidden, path: resolve(target)))
        }
        let stringsPath = relations.sharedStrings.map(resolve) ?? (archive["xl/sharedStrings.xml"] != nil ? "xl/sharedStrings.xml" : nil)
        let stylesPath = relations.styles.map(resolve) ?? (archive["xl/styles.xml"] != nil ? "xl/styles.xml" : nil)
        try checkSheetsHavePartsOfTheirOwn(besides: ["[Content_Types].xml", workbookPath, relationsPath, stringsPath, stylesPath].compactMap { $0 })
        if let path = stringsPath {
            let strings = SharedStrings(file: file)
            try parse(path, with: strings)
            stringBytes = strings.bytes
            stringRanges = strings.ranges
        }
        if let path = stylesPath {
            let styles = Styles()
            try parse(path, with: styles)
            dateStyles = styles.cellFormats.map { styles.isDateFormat($0) }
        }
    }

    /// Each sheet is read from a part of its own, once. Excel and LibreOffice never write two sheets on one part;
    /// a workbook that does would have that part inflated and parsed once per sheet, beyond every limit of one part.
    private func checkSheetsHavePartsOfTheirOwn(besides structure: [String]) throws {
        let namesByPart = Dictionary(grouping: sheets, by: \.path).mapValues { $0.map(\.name) }
        for sheet in sheets {
            if let names = namesByPart[sheet.path], names.count > 1 {
                throw ImportError(file: file, problem: .sheetsShareAPart(names, path: sheet.path))
            }
            if structure.contains(sheet.path) {
                throw ImportError(file: file, problem: .notAWorkbook("bladet \"\(sheet.name)\" pekar på delen \(sheet.path), som inte är ett blad"))
            }
        }
    }
}


/// `[Content_Types].xml`: where the workbook part is and whether it carries macros.
private final class ContentTypes: XMLStreamHandler {
    var workbookPath: String?
    var macroEnabled = false

    override func start(_ name: XMLName, _ attributes: XMLAttributes) {
        guard name == "Override", let type = attributes.string("ContentType") else { return }
        if type.contains("macroEnabled") || type.contains("vbaProject") { macroEnabled = true }
        if type.hasSuffix(".sheet.main+xml") || type.hasSuffix(".main+xml") && type.contains("spreadsheetml"), workbookPath == nil {
            workbookPath = attributes.string("PartName").map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        }
    }
}

/// `xl/workbook.xml`: the sheets in tab order, and the date system.
private final class WorkbookPart: XMLStreamHandler {
    var sheets: [(name: String, hidden: Bool, relation: String)] = []
    var date1904 = false

    override func start(_ name: XMLName, _ attributes: XMLAttributes) {
        if name == "sheet", let sheetName = attributes.string("name"), let relation = attributes.string("id") {
            let state = attributes.string("state") ?? "visible"
            sheets.append((sheetName, state != "visible", relation))
        } else if name == "workbookPr", let value = attributes.string("date1904") {
            date1904 = value == "1" || value == "true"
        }
    }
}

/// A part's relationships: id to target, and the workbook's shared strings and styles.
private final class Relations: XMLStreamHandler {
    var targets: [String: String] = [:]
    var sharedStrings: String?
    var styles: String?

    override func start(_ name: XMLName, _ attributes: XMLAttributes) {
        guard name == "Relationship", let id = attributes.string("Id"), let target = attributes.string("Target") else { return }
        targets[id] = target
        let type = attributes.string("Type") ?? ""
        if type.hasSuffix("/sharedStrings") { sharedStrings = target }
        if type.hasSuffix("/styles") { styles = target }
    }
}

/// `xl/sharedStrings.xml`: each `<si>` is one string, its text the `<t>` of the item or of its rich-text runs
/// (`<r>`); phonetic hints (`<rPh>`) are not part of it.
private final class SharedStrings: XMLStreamHandler {
    let file: String
    var bytes: [UInt8] = []
    var ranges: [Range<Int>] = []
    private var start = 0
    private var inText = false
    private var phonetic = 0

    init(file: String) { self.file = file }

    override func start(_ name: XMLName, _ attributes: XMLAttributes) {
        if name == "si" {
            start = bytes.count
        } else if name == "t" && phonetic == 0 {
            inText = true
        } else if name == "rPh" {
            phonetic += 1
        }
    }

    override func end(_ name: XMLName) {
        if name == "si" {
            ranges.append(start..<bytes.count)
            if ranges.count > Workbook.sharedStringLimit || bytes.count > Workbook.sharedStringBytesLimit {
                failure = ImportError(file: file, problem: .tooManySharedStrings(limit: Workbook.sharedStringLimit))
            }
        } else if name == "t" {
            inText = false
        } else if name == "rPh" {
            phonetic -= 1
        }
    }


    override func characters(_ text: UnsafeBufferPointer<UInt8>) {
        if inText { bytes.append(contentsOf: text) }
    }
}

/// `xl/styles.xml`: which cell formats show dates, so that a year typed as a date can be read as a year.
final class Styles: XMLStreamHandler {
    var customFormats: [Int: String] = [:]
    var cellFormats: [Int] = []
    private var inCellFormats = false

    override func start(_ name: XMLName, _ attributes: XMLAttributes) {
        if name == "numFmt", let id = attributes.string("numFmtId").flatMap(Int.init), let code = attributes.string("formatCode") {
            customFormats[id] = code
        } else if name == "cellXfs" {
            inCellFormats = true
        } else if name == "xf" && inCellFormats {
            cellFormats.append(attributes.string("numFmtId").flatMap(Int.init) ?? 0)
        }
    }

    override func end(_ name: XMLName) {
        if name == "cellXfs" { inCellFormats = false }
    }


    /// Excel's built-in date formats (14–22, 45–47) and custom codes with a date or time code.
    func isDateFormat(_ id: Int) -> Bool {
        if (14...22).contains(id) || (45...47).contains(id) { return true }
        guard let code = customFormats[id] else { return false }
        return Self.isDateFormatCode(code)
    }

    /// True when a number format code shows a date or a time: a day, month, year, hour or second code (d, m,
    /// y, h, s) outside quoted text (`0" mån"`), escapes (`\m`), the character after `_` (a space as wide as
    /// it) or `*` (a fill), and brackets (`[Red]`, `[$-41D]`), except an elapsed time such as `[h]` or `[mm]`.
    static func isDateFormatCode(_ code: String) -> Bool {
        let characters = Array(code.lowercased())
        var index = 0
        while index < characters.count {
            switch characters[index] {
            case "\"":
                index += 1
                while index < characters.count && characters[index] != "\"" { index += 1 }
            case "\\", "_", "*":
                index += 1
            case "[":
                let start = index + 1
                while index < characters.count && characters[index] != "]" { index += 1 }
                let content = characters[min(start, index)..<index]
                if !content.isEmpty && content.allSatisfy({ "hms".contains($0) }) { return true }
            case "d", "m", "y", "h", "s":
                return true
            default:
                break
            }
            index += 1
        }
        return false
    }

}
