import Foundation
import ZIPFoundation

/// Builds .xlsx files part by part, so tests can write every cell form (and every broken one) exactly.
enum WorkbookMaker {
    static let sheetHeader = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#

    /// A workbook with the given sheets (name, sheetData rows XML, hidden), shared strings and cell formats.
    /// `sheetTargets`: the relationship target of each sheet (by default its own part, `worksheets/sheetN.xml`).
    static func write(to url: URL, sheets: [(name: String, rows: String, hidden: Bool)], sharedStrings: [String] = [],
                      richSharedStrings: [String] = [], dateStyle: Bool = false, extraParts: [(String, Data)] = [],
                      contentTypeExtra: String = "", sheetTargets: [String]? = nil) throws {
        var parts: [(String, Data)] = []
        let overrides = sheets.indices.map {
            #"<Override PartName="/xl/worksheets/sheet\#($0 + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }.joined()
        parts.append(("[Content_Types].xml", Data(#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\#(overrides)\#(contentTypeExtra)</Types>"#.utf8)))
        parts.append(("_rels/.rels", Data(#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.utf8)))
        let entries = sheets.enumerated().map { index, sheet in
            #"<sheet name="\#(sheet.name)" sheetId="\#(index + 1)"\#(sheet.hidden ? #" state="hidden""# : "") r:id="rId\#(index + 1)"/>"#
        }.joined()
        parts.append(("xl/workbook.xml", Data(#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\#(entries)</sheets></workbook>"#.utf8)))
        var relations = sheets.indices.map {
            #"<Relationship Id="rId\#($0 + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="\#(sheetTargets?[$0] ?? "worksheets/sheet\($0 + 1).xml")"/>"#
        }.joined()
        relations += #"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        relations += #"<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        parts.append(("xl/_rels/workbook.xml.rels", Data(#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#(relations)</Relationships>"#.utf8)))
        let items = sharedStrings.map { "<si><t>\(escape($0))</t></si>" } + richSharedStrings
        parts.append(("xl/sharedStrings.xml", Data(#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\#(items.joined())</sst>"#.utf8)))
        // Style 1 is a date (built-in format 14), as Excel stores a year typed as 2024-01-01.
        let formats = dateStyle ? #"<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>"# : #"<cellXfs count="1"><xf numFmtId="0"/></cellXfs>"#
        parts.append(("xl/styles.xml", Data(#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\#(formats)</styleSheet>"#.utf8)))
        for (index, sheet) in sheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", Data((sheetHeader + "<sheetData>\(sheet.rows)</sheetData></worksheet>").utf8)))
        }
        parts += extraParts
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, data) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A row of inline-string cells starting at column A.
    static func textRow(_ number: Int, _ texts: [String]) -> String {
        "<row r=\"\(number)\">" + texts.enumerated().map { index, text in
            "<c r=\"\(column(index))\(number)\" t=\"inlineStr\"><is><t>\(escape(text))</t></is></c>"
        }.joined() + "</row>"
    }

    static func column(_ index: Int) -> String {
        var name = "", number = index + 1
        while number > 0 {
            name = String(UnicodeScalar(UInt8(65 + (number - 1) % 26))) + name
            number = (number - 1) / 26
        }
        return name
    }
}
