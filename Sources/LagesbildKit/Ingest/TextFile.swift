import Crypto
import Foundation

/// The character encodings of the files people export from Excel and other tools.
public enum TextEncoding: Equatable, Sendable {
    case utf8
    case utf8WithByteOrderMark
    case windows1252
    case utf16LittleEndian
    case utf16BigEndian

    var byteOrderMarkLength: Int {
        switch self {
        case .utf8WithByteOrderMark: 3
        case .utf16LittleEndian, .utf16BigEndian: 2
        case .utf8, .windows1252: 0
        }
    }

    public var swedishName: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf8WithByteOrderMark: "UTF-8 med BOM"
        case .windows1252: "Windows-1252"
        case .utf16LittleEndian: "UTF-16LE"
        case .utf16BigEndian: "UTF-16BE"
        }
    }
}

/// Reading the files people export: their encoding is found by a first pass (one invalid UTF-8 sequence
/// near the end makes a file Windows-1252), then the text is streamed as UTF-8 while it is parsed, and the
/// checksum is computed on a second thread. Every pass reads fixed-size chunks, so memory does not grow
/// with the file.
enum TextFile {
    static let chunkSize = 1 << 20

    /// Opens a file for reading, turning the usual mistakes into located errors.
    static func open(_ path: String, displayName: String) throws(ImportError) -> FileHandle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(file: displayName, problem: .fileNotFound)
        }
        if isDirectory.boolValue { throw ImportError(file: displayName, problem: .isDirectory) }
        guard let handle = FileHandle(forReadingAtPath: path), FileManager.default.isReadableFile(atPath: path) else {
            throw ImportError(file: displayName, problem: .unreadable(reason: "behörighet saknas"))
        }
        return handle
    }

    static func readChunk(_ handle: FileHandle, displayName: String) throws(ImportError) -> Data {
        do {
            return try handle.read(upToCount: chunkSize) ?? Data()
        } catch {
            throw ImportError(file: displayName, problem: .unreadable(reason: error.localizedDescription))
        }
    }

    /// First pass: the encoding, and the byte-level errors that make a file unreadable. Pure-ASCII stretches
    /// are skipped eight bytes at a time; line numbers are counted only when there is an error to locate.
    static func inspect(_ path: String, displayName: String) throws(ImportError) -> (encoding: TextEncoding, byteCount: Int) {
        let handle = try open(path, displayName: displayName)
        defer { try? handle.close() }
        var validator = UTF8Validator()
        var byteCount = 0
        var firstUndefined1252: (offset: Int, byte: UInt8)?
        var firstNul: Int?
        var bom: TextEncoding?
        var evenNuls = 0, oddNuls = 0

        while true {
            let chunk = try readChunk(handle, displayName: displayName)
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                var index = 0
                if byteCount == 0 {
                    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bom = .utf8WithByteOrderMark; index = 3 }
                    else if bytes.starts(with: [0xFF, 0xFE]) { bom = .utf16LittleEndian }
                    else if bytes.starts(with: [0xFE, 0xFF]) { bom = .utf16BigEndian }
                }
                if bom == .utf16LittleEndian || bom == .utf16BigEndian { return }
                let count = bytes.count
                while index < count {
                    if index + 8 <= count && validator.isBetweenCharacters {
                        let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        let highBits = word & 0x8080_8080_8080_8080
                        let zeroBytes = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                        if highBits == 0 && zeroBytes == 0 { index += 8; continue }
                    }
                    let byte = bytes[index]
                    switch byte {
                    case 0x00:
                        if firstNul == nil { firstNul = byteCount + index }
                        if (byteCount + index) % 2 == 0 { evenNuls += 1 } else { oddNuls += 1 }
                    case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
                        if firstUndefined1252 == nil { firstUndefined1252 = (byteCount + index, byte) }
                    default: break
                    }
                    validator.feed(byte)
                    index += 1
                }
            }
            byteCount += chunk.count
        }

        if byteCount == 0 || (bom != nil && byteCount == (bom?.byteOrderMarkLength ?? 0)) {
            throw ImportError(file: displayName, problem: .emptyFile)
        }
        if let bom, bom != .utf8WithByteOrderMark {
            return (bom, byteCount)
        }
        if let firstNul {
            // Text in UTF-16 without a byte-order mark has a NUL in every other byte.
            let nuls = evenNuls + oddNuls
            if nuls * 4 >= byteCount && (evenNuls == 0 || oddNuls == 0 || nuls * 5 >= byteCount * 2) {
                throw ImportError(file: displayName, line: 1, problem: .utf16WithoutByteOrderMark)
            }
            throw ImportError(file: displayName, line: try line(at: firstNul, in: path, displayName: displayName), problem: .nulByte)
        }
        if validator.isComplete {
            return (bom ?? .utf8, byteCount)
        }
        if let firstUndefined1252 {
            throw ImportError(file: displayName, line: try line(at: firstUndefined1252.offset, in: path, displayName: displayName),
                              problem: .undefinedWindows1252Byte(firstUndefined1252.byte))
        }
        return (.windows1252, byteCount)
    }

    /// The 1-based line of a byte offset (for locating an error; reads the file up to it).
    static func line(at offset: Int, in path: String, displayName: String) throws(ImportError) -> Int {
        let handle = try open(path, displayName: displayName)
        defer { try? handle.close() }
        var line = 1, position = 0
        while position < offset {
            let chunk = try readChunk(handle, displayName: displayName)
            if chunk.isEmpty { break }
            for byte in chunk.prefix(offset - position) where byte == 0x0A { line += 1 }
            position += chunk.count
        }
        return line
    }

    /// The file's SHA-256 as lowercase hex.
    static func sha256(_ path: String, displayName: String) throws(ImportError) -> String {
        let handle = try open(path, displayName: displayName)
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk = try readChunk(handle, displayName: displayName)
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Second pass: streams the file's text as UTF-8 chunks.
    static func forEachUTF8Chunk(
        _ path: String, displayName: String, encoding: TextEncoding,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        let handle = try open(path, displayName: displayName)
        defer { try? handle.close() }
        var skip = encoding.byteOrderMarkLength
        var transcoder = Transcoder(encoding: encoding)
        var output: [UInt8] = []
        output.reserveCapacity(chunkSize * 2)
        while true {
            let chunk = try readChunk(handle, displayName: displayName)
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var bytes = raw.bindMemory(to: UInt8.self)
                if skip > 0 {
                    let dropped = min(skip, bytes.count)
                    bytes = UnsafeBufferPointer(rebasing: bytes[dropped...])
                    skip -= dropped
                }
                if encoding == .utf8 || encoding == .utf8WithByteOrderMark {
                    try body(bytes)
                } else {
                    output.removeAll(keepingCapacity: true)
                    guard transcoder.transcode(bytes, into: &output) else {
                        throw ImportError(file: displayName, problem: .invalidUTF16)
                    }
                    try output.withUnsafeBufferPointer { try body($0) }
                }
            }
        }
        guard transcoder.isComplete else { throw ImportError(file: displayName, problem: .invalidUTF16) }
    }
}

/// Incremental strict UTF-8 validation across chunk boundaries (rejects overlong forms and surrogates).
struct UTF8Validator {
    private(set) var isValid = true
    private var remaining = 0
    private var lowerBound: UInt8 = 0x80
    private var upperBound: UInt8 = 0xBF

    /// True when the bytes so far end on a character boundary.
    var isBetweenCharacters: Bool { remaining == 0 }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { feed(byte) }
    }

    @inline(__always)
    mutating func feed(_ byte: UInt8) {
        guard isValid else { return }
        if remaining == 0 {
            switch byte {
            case 0x00...0x7F: return
            case 0xC2...0xDF: remaining = 1; lowerBound = 0x80; upperBound = 0xBF
            case 0xE0: remaining = 2; lowerBound = 0xA0; upperBound = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF: remaining = 2; lowerBound = 0x80; upperBound = 0xBF
            case 0xED: remaining = 2; lowerBound = 0x80; upperBound = 0x9F
            case 0xF0: remaining = 3; lowerBound = 0x90; upperBound = 0xBF
            case 0xF1...0xF3: remaining = 3; lowerBound = 0x80; upperBound = 0xBF
            case 0xF4: remaining = 3; lowerBound = 0x80; upperBound = 0x8F
            default: isValid = false
            }
        } else {
            guard byte >= lowerBound && byte <= upperBound else { isValid = false; return }
            remaining -= 1
            lowerBound = 0x80
            upperBound = 0xBF
        }
    }

    var isComplete: Bool { isValid && remaining == 0 }
}

/// Turns Windows-1252 or UTF-16 into UTF-8, chunk by chunk.
struct Transcoder {
    let encoding: TextEncoding
    /// A UTF-16 code unit (or surrogate pair half) split across chunks.
    private var pendingByte: UInt8?
    private var pendingHighSurrogate: UInt16?

    init(encoding: TextEncoding) { self.encoding = encoding }

    var isComplete: Bool { pendingByte == nil && pendingHighSurrogate == nil }

    /// The characters Windows-1252 puts in 0x80–0x9F (0 where it defines none).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    mutating func transcode(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        switch encoding {
        case .windows1252:
            for byte in bytes {
                if byte < 0x80 {
                    output.append(byte)
                } else if byte < 0xA0 {
                    // Undefined bytes were refused by the first pass; encode what Windows-1252 defines.
                    Self.appendUTF8(Self.windows1252High[Int(byte - 0x80)], to: &output)
                } else {
                    Self.appendUTF8(UInt32(byte), to: &output)
                }
            }
            return true
        case .utf16LittleEndian, .utf16BigEndian:
            var index = 0
            while index < bytes.count {
                let first: UInt8
                if let pending = pendingByte { first = pending; pendingByte = nil } else { first = bytes[index]; index += 1 }
                guard index < bytes.count else { pendingByte = first; break }
                let second = bytes[index]
                index += 1
                let unit = encoding == .utf16LittleEndian
                    ? UInt16(first) | UInt16(second) << 8
                    : UInt16(first) << 8 | UInt16(second)
                if let high = pendingHighSurrogate {
                    guard (0xDC00...0xDFFF).contains(unit) else { return false }
                    pendingHighSurrogate = nil
                    let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                    Self.appendUTF8(scalar, to: &output)
                } else if (0xD800...0xDBFF).contains(unit) {
                    pendingHighSurrogate = unit
                } else if (0xDC00...0xDFFF).contains(unit) {
                    return false
                } else if unit == 0 {
                    return false
                } else {
                    Self.appendUTF8(UInt32(unit), to: &output)
                }
            }
            return true
        case .utf8, .utf8WithByteOrderMark:
            output.append(contentsOf: bytes)
            return true
        }
    }

    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
