import Crypto
import Foundation
import LagesbildModel
import LagesbildStore

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
                        if zeroBytes == 0 {
                            if highBits == 0 { index += 8; continue }
                            // Skip the ASCII bytes before the first non-ASCII one (little-endian load).
                            let asciiPrefix = highBits.trailingZeroBitCount >> 3
                            if asciiPrefix > 0 { index += asciiPrefix; continue }
                        }
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

