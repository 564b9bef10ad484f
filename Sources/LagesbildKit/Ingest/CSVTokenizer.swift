/// A record of a delimited text file: its fields and the line it starts on (1-based).
struct CSVRecord {
    var fields: [String]
    var line: Int

    /// A record whose fields are all empty: a blank line, or Excel's ";;;;" after the data.
    var isBlank: Bool { fields.allSatisfy { $0.isEmpty } }
}

/// Splits UTF-8 text into records, following RFC 4180 as Excel writes it: a separator of `;`, `,` or TAB,
/// fields optionally in double quotes, `""` for a quote inside quotes, separators and line breaks inside
/// quotes, CRLF, LF or CR line ends.
///
/// Written by hand because the CSV packages in reach (SwiftCSV, CSV.swift) read a whole String into memory
/// or decode per character, and lagesbild must stream bytes of any size, know each record's line number,
/// and cap field sizes against hostile files.
struct CSVTokenizer {
    static let fieldLimit = 100_000
    static let fieldCountLimit = 1_000

    let separator: UInt8
    let fileName: String

    private var field: [UInt8] = []
    private var fields: [String] = []
    private var inQuotes = false
    private var quoteJustClosed = false
    private var fieldStarted = false
    private var skipLineFeed = false
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1

    init(separator: UInt8, fileName: String) {
        self.separator = separator
        self.fileName = fileName
        field.reserveCapacity(256)
    }

    /// Chooses the separator that occurs most often in the header line (outside quotes).
    static func detectSeparator(in bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0, UInt8(ascii: ","): 0]
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle(); continue }
            if quoted { continue }
            if byte == 0x0A || byte == 0x0D { break }
            if counts[byte] != nil { counts[byte]! += 1 }
        }
        let order: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: ",")]
        return order.max { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && order.firstIndex(of: $0)! < order.firstIndex(of: $1)!) } ?? UInt8(ascii: ";")
    }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, emit: (CSVRecord) throws -> Void) throws {
        let quote = UInt8(ascii: "\"")
        for byte in bytes {
            if skipLineFeed {
                skipLineFeed = false
                if byte == 0x0A { continue }
            }
            if inQuotes {
                if byte == quote {
                    inQuotes = false
                    quoteJustClosed = true
                } else {
                    if byte == 0x0A { line += 1 }
                    try append(byte)
                }
                continue
            }
            if quoteJustClosed && byte == quote {
                // `""` inside a quoted field is one quote character.
                quoteJustClosed = false
                inQuotes = true
                try append(quote)
                continue
            }
            quoteJustClosed = false
            switch byte {
            case separator:
                try endField()
            case 0x0A, 0x0D:
                try endField()
                let record = CSVRecord(fields: fields, line: recordLine)
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
                if byte == 0x0D { skipLineFeed = true }
                try emit(record)
            case quote where !fieldStarted:
                inQuotes = true
                fieldStarted = true
                quoteLine = line
            default:
                try append(byte)
            }
        }
    }

    mutating func finish(emit: (CSVRecord) throws -> Void) throws {
        if inQuotes {
            throw ImportError(file: fileName, line: quoteLine, problem: .unterminatedQuote)
        }
        if fieldStarted || !fields.isEmpty {
            try endField()
            let record = CSVRecord(fields: fields, line: recordLine)
            fields.removeAll()
            try emit(record)
        }
    }

    private mutating func append(_ byte: UInt8) throws(ImportError) {
        fieldStarted = true
        guard field.count < Self.fieldLimit else {
            throw ImportError(file: fileName, line: recordLine, problem: .fieldTooLong(limit: Self.fieldLimit))
        }
        field.append(byte)
    }

    private mutating func endField() throws(ImportError) {
        guard fields.count < Self.fieldCountLimit else {
            throw ImportError(file: fileName, line: recordLine, problem: .tooManyFields(limit: Self.fieldCountLimit))
        }
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        fieldStarted = false
    }
}
