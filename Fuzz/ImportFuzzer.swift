// libFuzzer target for the import's byte-level front end: encoding detection and decoding, the CSV
// scanner, header mapping and the row validator, all on arbitrary bytes. Built by scripts/fuzz from the
// library's own source files (no database involved), with the address sanitizer.

import LagesbildModel
import LagesbildStore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
    guard !bytes.isEmpty else { return 0 }
    // Pick the encoding the way TextFile.inspect does, from a BOM or UTF-8 validity.
    var encoding = TextEncoding.utf8
    var body = bytes
    if bytes.starts(with: [0xFF, 0xFE]) { encoding = .utf16LittleEndian; body = UnsafeBufferPointer(rebasing: bytes[2...]) }
    else if bytes.starts(with: [0xFE, 0xFF]) { encoding = .utf16BigEndian; body = UnsafeBufferPointer(rebasing: bytes[2...]) }
    else {
        var validator = UTF8Validator()
        validator.feed(bytes)
        if !validator.isComplete { encoding = .windows1252 }
    }
    var text: [UInt8] = []
    var transcoder = Transcoder(encoding: encoding)
    guard transcoder.transcode(body, into: &text) else { return 0 }

    var reader = CSVReader(fileName: "fuzz.csv")
    var validator: RecordValidator?
    var row: [BindValue] = []
    var errors: [ImportError] = []
    func handle(_ record: CSVRecordView) throws {
        if record.isBlank { return }
        guard let validator else {
            if let mapping = HeaderMapping.resolve(record.strings, file: "fuzz.csv", line: record.line, forcedKind: nil).mapping {
                validator = RecordValidator(mapping: mapping, file: "fuzz.csv", defaultKommun: KommunCode("2313")!)
                row = Array(repeating: .null, count: mapping.kind.columns.count)
            }
            return
        }
        _ = validator.validate(record, into: &row, errors: &errors)
        validator.endRow()
        for error in errors { _ = error.description }
        errors.removeAll()
    }
    do {
        // Feed in uneven chunks so records straddle chunk boundaries.
        var offset = 0, step = 1
        try text.withUnsafeBufferPointer { all in
            while offset < all.count {
                let end = min(all.count, offset + step)
                try reader.feed(UnsafeBufferPointer(rebasing: all[offset..<end]), emit: handle)
                offset = end
                step = step * 3 + 1
            }
        }
        try reader.finish(emit: handle)
    } catch let error as ImportError {
        _ = error.description
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}
