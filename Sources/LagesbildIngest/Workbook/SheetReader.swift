import Foundation
import LagesbildModel
import LagesbildStore

/// Turns a worksheet's cells into records for the same validator as CSV rows: the one piece of the workbook
/// path written by hand, because no library maps cells to rows the way lagesbild needs (byte-level values,
/// the cell reference of every value for messages).
///
/// What Excel and LibreOffice write: `<row r="5"><c r="A5" t="s"><v>3</v></c><c r="C5"><v>70</v></c></row>`.
/// Cells are shared strings (`t="s"`), inline strings (`t="inlineStr"`, with rich-text runs), formula results
/// (`t="str"`, or a number with its cached `<v>`), numbers (no `t`, or `t="n"`), ISO dates (`t="d"`),
/// booleans (`t="b"`) and errors (`t="e"`). Empty cells are left out; the reference tells the column.
/// What a sheet's cells refer to outside the sheet: the workbook's shared strings, date formats and date
/// system (a protocol so the fuzzer can drive the reader without a zip).
protocol SheetContext: AnyObject {
    var file: String { get }
    var stringBytes: [UInt8] { get }
    var stringRanges: [Range<Int>] { get }
    var dateStyles: [Bool] { get }
    var date1904: Bool { get }
}

final class SheetReader: XMLStreamHandler {
    /// Excel's last column, XFD.
    static let columnLimit = 16_384
    static let cellLimit = 200_000_000

    /// How a data cell's number is to be read, per field of the record (set once the header is known).
    enum NumberUse { case text, year, month }

    let workbook: SheetContext
    let sheet: String
    /// Where records go; cleared when the parse is over (the caller's closure must not outlive it).
    var emit: ((CSVRecordView) throws -> Void)?
    /// Called with the header's fields so the caller can say how numbers in each column are used.
    let numberUses: ([String]) -> [NumberUse]

    // The row being read.
    @exclusivity(unchecked) private var rowNumber = 0
    @exclusivity(unchecked) private var cells: [(column: Int, range: Range<Int>)] = []
    @exclusivity(unchecked) private var arena: [UInt8] = []
    @exclusivity(unchecked) private var nextColumn = 0
    @exclusivity(unchecked) private var cellCount = 0

    // The cell being read.
    @exclusivity(unchecked) private var inCell = false
    @exclusivity(unchecked) private var cellColumn = 0
    @exclusivity(unchecked) private var cellType: UInt8 = 0
    @exclusivity(unchecked) private var cellStyle = 0
    @exclusivity(unchecked) private var value: [UInt8] = []
    @exclusivity(unchecked) private var inValue = false
    @exclusivity(unchecked) private var inText = false
    @exclusivity(unchecked) private var phonetic = 0
    @exclusivity(unchecked) private var hasFormula = false

    // The header, once read: its first and last column and how numbers are used per field.
    @exclusivity(unchecked) private var headerStart = -1
    @exclusivity(unchecked) private var headerEnd = -1
    @exclusivity(unchecked) private var uses: [NumberUse] = []
    @exclusivity(unchecked) private var fieldRanges: [CSVScanner.FieldRange] = []

    init(workbook: SheetContext, sheet: String, numberUses: @escaping ([String]) -> [NumberUse], emit: @escaping (CSVRecordView) throws -> Void) {
        self.workbook = workbook
        self.sheet = sheet
        self.numberUses = numberUses
        self.emit = emit
        arena.reserveCapacity(4096)
        value.reserveCapacity(256)
    }

    /// "A", "Z", "AA" … for a zero-based column.
    static func columnName(_ index: Int) -> String {
        var name = "", number = index + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }

    /// The place of a cell for messages: `blad "Signaler", cell G57`.
    func place(column: Int, row: Int) -> String { "blad \"\(sheet)\", cell \(Self.columnName(column))\(row)" }

    /// The header's texts, by field position.
    private(set) var headers: [String] = []

    /// The field position of the column whose header matches a kind's column name (as the validator names it).
    func fieldPosition(ofHeader columnName: String) -> Int? {
        let wanted = DataKind.allCases.lazy.flatMap(\.columns).first { $0.name == columnName }?.matchKeys ?? [TextKey.fold(columnName)]
        return headers.firstIndex { wanted.contains(TextKey.fold(TextKey.trimmed($0))) }
    }

    /// The column of the field at `position` of this sheet's records.
    func column(ofField position: Int) -> Int { max(headerStart, 0) + position }

    private func fail(_ problem: ImportProblem, column: Int) {
        var error = ImportError(file: workbook.file, problem: problem)
        error.sheetCell = place(column: column, row: rowNumber)
        failure = error
    }

    override func start(_ name: XMLName, _ attributes: XMLAttributes) {
        if name == "c" {
            inCell = true
            value.removeAll(keepingCapacity: true)
            hasFormula = false
            cellType = 0
            cellStyle = 0
            var reference: UnsafeBufferPointer<UInt8>?
            // One pass over the attributes: r (reference), t (type), s (style).
            for index in 0..<attributes.count {
                let (attribute, text) = attributes.attribute(index)
                if attribute == "r" {
                    reference = text
                } else if attribute == "t", let first = text.first {
                    // "inlineStr" and "str" both start with i/s like "s"; "str" is a formula's text result.
                    cellType = first == UInt8(ascii: "s") && text.count >= 2 && text[1] == UInt8(ascii: "t") ? UInt8(ascii: "S") : first
                } else if attribute == "s" {
                    cellStyle = Self.integer(text)
                }
            }
            if let reference {
                var column = 0
                for byte in reference {
                    guard byte >= 65 && byte <= 90 else { break }
                    column = column * 26 + Int(byte - 64)
                    if column > Self.columnLimit { break }
                }
                cellColumn = column - 1
            } else {
                cellColumn = nextColumn
            }
            nextColumn = cellColumn + 1
            if cellColumn >= Self.columnLimit || cellColumn < 0 {
                let text = reference.map { String(decoding: $0, as: UTF8.self) } ?? "\(Self.columnName(min(cellColumn, 1_000_000)))\(rowNumber)"
                fail(.columnBeyondExcel(text), column: 0)
            }
            cellCount += 1
            if cellCount > Self.cellLimit { fail(.tooManyCells(limit: Self.cellLimit), column: cellColumn) }
        } else if name == "v" {
            if inCell { inValue = true }
        } else if name == "row" {
            var number = rowNumber + 1
            for index in 0..<attributes.count where attributes.attribute(index).name == "r" {
                number = Self.integer(attributes.attribute(index).value)
            }
            rowNumber = number
            nextColumn = 0
            cells.removeAll(keepingCapacity: true)
            arena.removeAll(keepingCapacity: true)
        } else if inCell {
            if name == "t" && phonetic == 0 {
                inText = true
            } else if name == "rPh" {
                phonetic += 1
            } else if name == "f" {
                hasFormula = true
            }
        }
    }

    override func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if inValue || inText { value.append(contentsOf: bytes) }
    }

    override func end(_ name: XMLName) {
        if name == "v" {
            inValue = false
        } else if name == "t" {
            inText = false
        } else if name == "rPh" {
            phonetic -= 1
        } else if name == "c" {
            inCell = false
            finishCell()
        } else if name == "row" {
            finishRow()
        }
    }

    private func finishCell() {
        let start = arena.count
        switch cellType {
        case UInt8(ascii: "s"):
            let index = value.withUnsafeBufferPointer { Self.integer($0) }
            guard value.count > 0, index < workbook.stringRanges.count else {
                fail(.notAWorkbook("cellen pekar på en text som inte finns"), column: cellColumn)
                return
            }
            let range = workbook.stringRanges[index]
            workbook.stringBytes.withUnsafeBufferPointer { arena.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
        case UInt8(ascii: "i"), UInt8(ascii: "S"):
            // Inline string or a formula's text result.
            arena.append(contentsOf: value)
        // Until the header row is read, the sheet may be one that matches no kind (notes, a cover page): an
        // error or boolean cell there is kept as text, so that it decides nothing but the header's match.
        case UInt8(ascii: "b") where headerStart < 0, UInt8(ascii: "e") where headerStart < 0:
            arena.append(contentsOf: value)
        case UInt8(ascii: "b"):
            fail(.booleanCell(String(decoding: value, as: UTF8.self)), column: cellColumn)
            return
        case UInt8(ascii: "e"):
            fail(.errorCell(String(decoding: value, as: UTF8.self)), column: cellColumn)
            return
        case UInt8(ascii: "d"):
            appendDate(isoText: value)
        default:
            if value.isEmpty {
                if hasFormula && headerStart >= 0 { fail(.formulaWithoutValue, column: cellColumn) }
                return
            }
            appendNumber()
        }
        if arena.count > start || cellType != 0 {
            cells.append((cellColumn, start..<arena.count))
        }
    }

    /// The use of numbers in the field of the cell being read.
    private var currentUse: NumberUse {
        let position = cellColumn - headerStart
        guard headerStart >= 0, position >= 0, position < uses.count else { return .text }
        return uses[position]
    }

    /// A number cell: "70", "70.0" and "7E1" are the integer 70, written as digits; other values keep their
    /// decimals (and then fail where a count is expected). A date-formatted number is a date.
    private func appendNumber() {
        let isDate = cellStyle < workbook.dateStyles.count && workbook.dateStyles[cellStyle]
        if !isDate && value.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            arena.append(contentsOf: value)
            return
        }
        guard let number = Double(String(decoding: value, as: UTF8.self)), number.isFinite else {
            arena.append(contentsOf: value)
            return
        }
        if isDate {
            appendDate(serial: number)
            return
        }
        if number == number.rounded() && abs(number) < 1e15 {
            arena.append(contentsOf: String(Int64(number)).utf8)
        } else {
            arena.append(contentsOf: "\(number)".utf8)
        }
    }

    /// A date as the column needs it: the year for `år`, the month for `månad`, else ISO `YYYY-MM-DD`.
    private func appendDate(serial: Double) {
        // Serial day 1 is 1900-01-01 (with Excel's phantom 1900-02-29), or 1904-01-02 in the 1904 system.
        let epoch = workbook.date1904 ? -24_107.0 : -25_569.0
        let date = Date(timeIntervalSince1970: (serial.rounded(.down) + epoch) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        appendDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0)
    }

    private func appendDate(isoText: [UInt8]) {
        let text = String(decoding: isoText, as: UTF8.self)
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { arena.append(contentsOf: isoText); return }
        appendDate(year: parts[0], month: parts[1], day: parts[2])
    }

    private func appendDate(year: Int, month: Int, day: Int) {
        switch currentUse {
        case .year: arena.append(contentsOf: String(year).utf8)
        case .month: arena.append(contentsOf: String(month).utf8)
        case .text: arena.append(contentsOf: String(format: "%04d-%02d-%02d", year, month, day).utf8)
        }
    }

    private func finishRow() {
        guard failure == nil else { return }
        var first = Int.max, last = -1
        for cell in cells where !cell.range.isEmpty {
            first = min(first, cell.column)
            last = max(last, cell.column)
        }
        guard last >= 0 else { return }
        if headerStart < 0 {
            // The header is the first non-empty row; its span is from its first to its last non-empty cell.
            headerStart = first
            headerEnd = last
            var texts = [String](repeating: "", count: headerEnd - headerStart + 1)
            for cell in cells where !cell.range.isEmpty && texts[cell.column - headerStart].isEmpty {
                texts[cell.column - headerStart] = String(decoding: arena[cell.range], as: UTF8.self)
            }
            headers = texts
            uses = numberUses(headers)
        } else if first < headerStart || last > headerEnd {
            let outside = cells.first { !$0.range.isEmpty && ($0.column > headerEnd || $0.column < headerStart) }!
            fail(.cellOutsideHeader(lastColumn: Self.columnName(headerEnd)), column: outside.column)
            return
        }
        let span = headerEnd - headerStart + 1
        if fieldRanges.count != span {
            fieldRanges = Array(repeating: CSVScanner.FieldRange(start: 0, end: 0, inScratch: false), count: span)
        } else {
            for index in 0..<span { fieldRanges[index].start = 0; fieldRanges[index].end = 0 }
        }
        // Cells come in column order; a later cell for the same column (never written by Excel) wins.
        for cell in cells where cell.column >= headerStart && cell.column <= headerEnd {
            fieldRanges[cell.column - headerStart].start = cell.range.lowerBound
            fieldRanges[cell.column - headerStart].end = cell.range.upperBound
        }
        do {
            try arena.withUnsafeBufferPointer { buffer in
                try fieldRanges.withUnsafeBufferPointer { fields in
                    try emit?(CSVRecordView.make(line: rowNumber, fields: fields, buffer: buffer))
                }
            }
        } catch {
            failure = error
        }
    }

    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var result = 0
        for byte in bytes where byte >= 48 && byte <= 57 {
            result = result &* 10 &+ Int(byte - 48)
            if result > 1 << 40 { return Int.max }
        }
        return result
    }
}
