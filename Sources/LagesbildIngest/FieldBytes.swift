import LagesbildModel
import LagesbildStore

/// Byte-level reading of one field, without making Strings on the hot path.
extension UnsafeBufferPointer where Element == UInt8 {
    /// Without spaces, tabs and no-break spaces (UTF-8 C2 A0) at either end.
    func trimmed() -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = count
        while start < end {
            if self[start] == 0x20 || self[start] == 0x09 || self[start] == 0x0D || self[start] == 0x0A { start += 1; continue }
            if start + 1 < end && self[start] == 0xC2 && self[start + 1] == 0xA0 { start += 2; continue }
            break
        }
        while end > start {
            if self[end - 1] == 0x20 || self[end - 1] == 0x09 || self[end - 1] == 0x0D || self[end - 1] == 0x0A { end -= 1; continue }
            if end - 2 >= start && self[end - 2] == 0xC2 && self[end - 1] == 0xA0 { end -= 2; continue }
            break
        }
        return UnsafeBufferPointer(rebasing: self[start..<end])
    }

    var text: String { String(decoding: self, as: UTF8.self) }

    /// The number of Unicode scalars (UTF-8 lead bytes).
    var scalarCount: Int {
        var total = 0
        for byte in self where byte & 0xC0 != 0x80 { total += 1 }
        return total
    }
}

enum ParsedCount: Equatable { case empty, value(Int), tooLarge, invalid }

enum CountParser {
    /// A non-negative integer that fits 32 bits, optionally with single spaces, no-break spaces or narrow
    /// no-break spaces between digit groups ("1 234"), as Swedish Excel writes thousands. Expects trimmed bytes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedCount {
        if bytes.isEmpty { return .empty }
        var value = 0, digits = 0, index = 0
        var previousWasSpace = false, overflow = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                if !overflow {
                    value = value * 10 + Int(byte - 0x30)
                    if value > Int(Int32.max) { overflow = true }
                }
                digits += 1
                previousWasSpace = false
                index += 1
                continue
            }
            let spaceLength: Int
            if byte == 0x20 { spaceLength = 1 }
            else if byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0 { spaceLength = 2 }
            else if byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xAF { spaceLength = 3 }
            else { return .invalid }
            if digits == 0 || previousWasSpace { return .invalid }
            previousWasSpace = true
            index += spaceLength
        }
        if previousWasSpace || digits == 0 { return .invalid }
        return overflow ? .tooLarge : .value(value)
    }

    static func parse(_ text: String) -> ParsedCount {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }
}

/// Decimal numbers as Swedish and English files write them: "12,5", "12.5", "-3", "1 234,5".
enum DecimalParser {
    static func parse(_ text: String) -> Double? {
        var cleaned = ""
        for character in text {
            switch character {
            case " ", "\u{00A0}", "\u{202F}": continue
            case ",": cleaned.append(".")
            case "0"..."9", ".", "-", "+", "e", "E": cleaned.append(character)
            default: return nil
            }
        }
        // An exponent only after digits ("1.5e-5", "7E1", as spreadsheets and JSON write them).
        guard cleaned.filter({ $0 == "." }).count <= 1, cleaned.first?.isLetter != true, cleaned.contains(where: \.isNumber),
              let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }
}
