import Foundation
import ZIPFoundation
import LagesbildModel
import LagesbildStore

/// Writes a minimal, valid Office Open XML workbook: the package parts Excel and LibreOffice expect
/// (content types, relationships, workbook, styles, document properties) around the sheets given.
/// The XML is written by hand because no Swift package in reach writes spreadsheets; ZIPFoundation packs it.
struct WorkbookWriter {
    struct Column {
        let header: String
        /// Width in characters.
        let width: Double
    }

    /// A data validation on a column of a sheet, from row 2 down.
    struct Validation {
        enum Rule {
            /// A drop-down from a range of the list sheet; `strict: false` lets other values through (suggestions).
            case list(range: String, strict: Bool)
            case wholeNumber(minimum: Int, maximum: Int?)
        }

        let column: Int
        let rule: Rule
        let prompt: String
        let error: String
    }

    struct Sheet {
        let name: String
        var columns: [Column] = []
        var validations: [Validation] = []
        /// Rows of texts below the header (the instruction sheet's lines, the list sheet's values).
        var rows: [[String]] = []
        var hidden = false
        /// Freeze the header row and make it bold.
        var hasHeader = true
        /// Rows set in bold (instruction headings), by index into `rows`.
        var boldRows: Set<Int> = []
    }

    static let lastDataRow = 10_000

    /// Text into XML content and attribute values: the report's escaping serves (`&#39;` is valid XML too).
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static func cell(_ column: Int, _ row: Int, _ text: String, bold: Bool) -> String {
        let reference = SheetReader.columnName(column) + String(row)
        return "<c r=\"\(reference)\" t=\"inlineStr\"\(bold ? " s=\"1\"" : "")><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
    }

    static func sheetXML(_ sheet: Sheet) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            """
        let width = max(sheet.columns.count, sheet.rows.map(\.count).max() ?? 1, 1)
        let height = sheet.rows.count + (sheet.hasHeader ? 1 : 0)
        xml += "<dimension ref=\"A1:\(SheetReader.columnName(width - 1))\(max(height, 1))\"/>"
        if sheet.hasHeader {
            xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
                + "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"
        } else {
            xml += "<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
        }
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if !sheet.columns.isEmpty {
            xml += "<cols>" + sheet.columns.enumerated().map { index, column in
                "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(String(format: "%.1f", column.width))\" customWidth=\"1\"/>"
            }.joined() + "</cols>"
        }
        xml += "<sheetData>"
        var rowNumber = 1
        if sheet.hasHeader {
            xml += "<row r=\"1\">" + sheet.columns.enumerated().map { cell($0.offset, 1, $0.element.header, bold: true) }.joined() + "</row>"
            rowNumber = 2
        }
        for (index, row) in sheet.rows.enumerated() {
            xml += "<row r=\"\(rowNumber)\">" + row.enumerated().map { cell($0.offset, rowNumber, $0.element, bold: sheet.boldRows.contains(index)) }.joined() + "</row>"
            rowNumber += 1
        }
        xml += "</sheetData>"
        if !sheet.validations.isEmpty {
            xml += "<dataValidations count=\"\(sheet.validations.count)\">"
            for validation in sheet.validations {
                let column = SheetReader.columnName(validation.column)
                let range = "\(column)2:\(column)\(lastDataRow)"
                let texts = "showInputMessage=\"1\" promptTitle=\"\(escape(String(sheet.columns[validation.column].header.prefix(32))))\" prompt=\"\(escape(String(validation.prompt.prefix(255))))\" errorTitle=\"Ogiltigt värde\" error=\"\(escape(String(validation.error.prefix(225))))\""
                switch validation.rule {
                case .list(let source, let strict):
                    xml += "<dataValidation type=\"list\" allowBlank=\"1\" showErrorMessage=\"\(strict ? 1 : 0)\" \(texts) sqref=\"\(range)\"><formula1>\(escape(source))</formula1></dataValidation>"
                case .wholeNumber(let minimum, let maximum):
                    if let maximum {
                        xml += "<dataValidation type=\"whole\" operator=\"between\" allowBlank=\"1\" showErrorMessage=\"1\" \(texts) sqref=\"\(range)\"><formula1>\(minimum)</formula1><formula2>\(maximum)</formula2></dataValidation>"
                    } else {
                        xml += "<dataValidation type=\"whole\" operator=\"greaterThanOrEqual\" allowBlank=\"1\" showErrorMessage=\"1\" \(texts) sqref=\"\(range)\"><formula1>\(minimum)</formula1></dataValidation>"
                    }
                }
            }
            xml += "</dataValidations>"
        }
        xml += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"
        return xml
    }

    /// The whole package, part by part.
    static func parts(_ sheets: [Sheet], title: String) -> [(path: String, xml: String)] {
        var parts: [(String, String)] = []
        let sheetOverrides = sheets.indices.map {
            "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        parts.append(("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\(sheetOverrides)<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>
            """))
        parts.append(("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>
            """))
        parts.append(("docProps/core.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>\(escape(title))</dc:title><dc:creator>lagesbild</dc:creator></cp:coreProperties>
            """))
        parts.append(("docProps/app.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>lagesbild</Application></Properties>
            """))
        let sheetEntries = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(escape(sheet.name))\" sheetId=\"\(index + 1)\"\(sheet.hidden ? " state=\"hidden\"" : "") r:id=\"rId\(index + 1)\"/>"
        }.joined()
        parts.append(("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="0"/></bookViews><sheets>\(sheetEntries)</sheets></workbook>
            """))
        let sheetRelations = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }.joined()
        parts.append(("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(sheetRelations)<Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
            """))
        parts.append(("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
            """))
        for (index, sheet) in sheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", sheetXML(sheet)))
        }
        return parts
    }

    /// Packs parts into a zip at `url` (replacing a file there).
    static func write(_ parts: [(path: String, xml: String)], to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, xml) in parts {
            let data = Data(xml.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
    }
}
