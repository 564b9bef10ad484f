import LagesbildModel
import LagesbildStore

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
