import LagesbildModel
import LagesbildStore

/// One record of a delimited text file, seen in place: its fields are byte ranges of the scanner's
/// buffer (or, for quoted fields, of its scratch space) and are valid only while the record is handled.
struct CSVRecordView {
    /// The line the record starts on (1-based).
    let line: Int
    let count: Int
    fileprivate let fields: UnsafeBufferPointer<CSVScanner.FieldRange>
    fileprivate let buffer: UnsafeBufferPointer<UInt8>
    fileprivate let scratch: UnsafeBufferPointer<UInt8>

    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let range = fields[index]
        let base = range.inScratch ? scratch : buffer
        return UnsafeBufferPointer(rebasing: base[range.start..<range.end])
    }

    func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    var strings: [String] { (0..<count).map(string) }

    /// A record whose fields are all empty: a blank line, or Excel's ";;;;" after the data.
    var isBlank: Bool { (0..<count).allSatisfy { fields[$0].start == fields[$0].end } }

    /// Calls `body` with a record of these texts: for readers that build their records whole (official statistics).
    static func withRecord<T>(line: Int, texts: [String], _ body: (CSVRecordView) throws -> T) rethrows -> T {
        var bytes: [UInt8] = []
        var ranges: [CSVScanner.FieldRange] = []
        for text in texts {
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            ranges.append(CSVScanner.FieldRange(start: start, end: bytes.count, inScratch: false))
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            try ranges.withUnsafeBufferPointer { fields in try body(make(line: line, fields: fields, buffer: buffer)) }
        }
    }

    /// A record made by another reader (a workbook's row): fields are ranges of `buffer`.
    static func make(line: Int, fields: UnsafeBufferPointer<CSVScanner.FieldRange>, buffer: UnsafeBufferPointer<UInt8>) -> CSVRecordView {
        CSVRecordView(line: line, count: fields.count, fields: fields, buffer: buffer, scratch: buffer)
    }
}

/// Splits UTF-8 text into records, following RFC 4180 as Excel writes it: a separator of `;`, `,` or TAB,
/// fields optionally in double quotes, `""` for a quote inside quotes, separators and line breaks inside
/// quotes, CRLF, LF or CR line ends.
///
/// Written by hand because the CSV packages in reach (SwiftCSV, CSV.swift) decode into Strings and hold
/// whole files or rows as Swift values, while lagesbild streams files of any size at SQLite speed, needs
/// each record's line number, and caps field and record sizes against hostile files. Fields are returned as
/// byte ranges; only quoted fields are copied (to unescape `""`).
struct CSVScanner {
    static let fieldLimit = 100_000
    static let fieldCountLimit = 1_000
    static let recordLimit = 1 << 20

    struct FieldRange {
        var start: Int
        var end: Int
        var inScratch: Bool
    }

    let separator: UInt8
    let fileName: String
    /// The line the next record starts on.
    private(set) var line = 1
    private var fields: [FieldRange] = []
    private var scratch: [UInt8] = []

    init(separator: UInt8, fileName: String) {
        self.separator = separator
        self.fileName = fileName
        fields.reserveCapacity(16)
        scratch.reserveCapacity(1024)
    }

    /// Chooses the separator that occurs most often in the header line (outside quotes).
    static func detectSeparator(in bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var semicolons = 0, tabs = 0, commas = 0
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle(); continue }
            if quoted { continue }
            if byte == 0x0A || byte == 0x0D { break }
            switch byte {
            case UInt8(ascii: ";"): semicolons += 1
            case UInt8(ascii: "\t"): tabs += 1
            case UInt8(ascii: ","): commas += 1
            default: break
            }
        }
        if semicolons >= tabs && semicolons >= commas { return UInt8(ascii: ";") }
        return tabs >= commas ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }

    /// Emits every complete record in `buffer` and returns how many bytes it consumed; the caller keeps the
    /// rest and passes it again, followed by more text. With `final`, the end of the buffer ends the last record.
    mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>, final: Bool, emit: (CSVRecordView) throws -> Void) throws -> Int {
        let quote = UInt8(ascii: "\"")
        let end = buffer.count
        var position = 0
        recordLoop: while position < end {
            let recordStart = position
            var linesInRecord = 0
            fields.removeAll(keepingCapacity: true)
            scratch.removeAll(keepingCapacity: true)
            while true {
                guard fields.count < Self.fieldCountLimit else {
                    throw ImportError(file: fileName, line: line, problem: .tooManyFields(limit: Self.fieldCountLimit))
                }
                if position < end && buffer[position] == quote {
                    let quoteLine = line + linesInRecord
                    let fieldStart = scratch.count
                    position += 1
                    var closed = false
                    while position < end {
                        let byte = buffer[position]
                        if byte == quote {
                            if position + 1 < end && buffer[position + 1] == quote {
                                scratch.append(quote)
                                position += 2
                                continue
                            }
                            if position + 1 == end && !final { break } // Might be the first of `""`.
                            position += 1
                            closed = true
                            break
                        }
                        if byte == 0x0A { linesInRecord += 1 }
                        scratch.append(byte)
                        position += 1
                        if scratch.count - fieldStart > Self.fieldLimit {
                            throw ImportError(file: fileName, line: line, problem: .fieldTooLong(limit: Self.fieldLimit))
                        }
                    }
                    if !closed {
                        if final {
                            throw ImportError(file: fileName, line: quoteLine, problem: .unterminatedQuote)
                        }
                        return try incomplete(recordStart, end)
                    }
                    // Text after the closing quote, up to the separator, belongs to the field (as Excel reads it).
                    while position < end, buffer[position] != separator, buffer[position] != 0x0A, buffer[position] != 0x0D {
                        scratch.append(buffer[position])
                        position += 1
                    }
                    fields.append(FieldRange(start: fieldStart, end: scratch.count, inScratch: true))
                } else {
                    let fieldStart = position
                    while position < end {
                        let byte = buffer[position]
                        if byte == separator || byte == 0x0A || byte == 0x0D { break }
                        position += 1
                    }
                    if position - fieldStart > Self.fieldLimit {
                        throw ImportError(file: fileName, line: line, problem: .fieldTooLong(limit: Self.fieldLimit))
                    }
                    fields.append(FieldRange(start: fieldStart, end: position, inScratch: false))
                }
                if position == end {
                    guard final else { return try incomplete(recordStart, end) }
                    try deliver(buffer, emit: emit)
                    line += linesInRecord
                    position = end
                    break recordLoop
                }
                let byte = buffer[position]
                position += 1
                if byte == separator { continue }
                if byte == 0x0D {
                    if position == end && !final { return try incomplete(recordStart, end) }
                    if position < end && buffer[position] == 0x0A { position += 1 }
                }
                try deliver(buffer, emit: emit)
                line += linesInRecord + 1
                continue recordLoop
            }
        }
        return position
    }

    private func incomplete(_ recordStart: Int, _ end: Int) throws -> Int {
        if end - recordStart > Self.recordLimit {
            throw ImportError(file: fileName, line: line, problem: .recordTooLong(limit: Self.recordLimit))
        }
        return recordStart
    }

    private func deliver(_ buffer: UnsafeBufferPointer<UInt8>, emit: (CSVRecordView) throws -> Void) throws {
        try fields.withUnsafeBufferPointer { fieldRanges in
            try scratch.withUnsafeBufferPointer { scratchBytes in
                try emit(CSVRecordView(line: line, count: fieldRanges.count, fields: fieldRanges, buffer: buffer, scratch: scratchBytes))
            }
        }
    }
}

/// Feeds a stream of UTF-8 chunks to a ``CSVScanner``, keeping the bytes of a record that straddles two
/// chunks until the rest arrives. The separator is chosen from the first chunk's header line.
struct CSVReader {
    let fileName: String
    private(set) var scanner: CSVScanner?
    private var pending: [UInt8] = []

    init(fileName: String) { self.fileName = fileName }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (CSVRecordView) throws -> Void) throws {
        if scanner == nil {
            // The separator is read off the whole header line, so wait until it has arrived.
            guard chunk.contains(0x0A) || chunk.contains(0x0D) else {
                pending.append(contentsOf: chunk)
                if pending.count > CSVScanner.recordLimit {
                    throw ImportError(file: fileName, line: 1, problem: .recordTooLong(limit: CSVScanner.recordLimit))
                }
                return
            }
            let separator = pending.isEmpty ? CSVScanner.detectSeparator(in: chunk)
                : (pending + Array(chunk)).withUnsafeBufferPointer { CSVScanner.detectSeparator(in: $0) }
            scanner = CSVScanner(separator: separator, fileName: fileName)
        }
        if pending.isEmpty {
            let consumed = try scanner!.scan(chunk, final: false, emit: emit)
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[consumed...]))
        } else {
            pending.append(contentsOf: chunk)
            let consumed = try pending.withUnsafeBufferPointer { try scanner!.scan($0, final: false, emit: emit) }
            pending.removeFirst(consumed)
        }
    }

    mutating func finish(emit: (CSVRecordView) throws -> Void) throws {
        if scanner == nil {
            guard !pending.isEmpty else { return }
            scanner = CSVScanner(separator: pending.withUnsafeBufferPointer { CSVScanner.detectSeparator(in: $0) }, fileName: fileName)
        }
        _ = try pending.withUnsafeBufferPointer { try scanner!.scan($0, final: true, emit: emit) }
        pending.removeAll()
    }
}
