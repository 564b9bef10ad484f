/// Recognises text shaped like a Swedish personal identity number (personnummer) or coordination number
/// (samordningsnummer): YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDD-NNNN or YYYYMMDDNNNN, with a plausible date
/// (a coordination number adds 60 to the day). The store must never hold data about persons, so any field
/// containing one is refused, whatever column it is in.
package enum PersonalIdentityNumber {
    package static func appears(in text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { appears(in: $0) }
    }

    package static func appears(in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 11 else { return false }
        func isDigit(_ index: Int) -> Bool { index >= 0 && index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
        func number(_ start: Int, _ length: Int) -> Int {
            var value = 0
            for index in start..<(start + length) { value = value * 10 + Int(bytes[index] - 0x30) }
            return value
        }
        func plausibleDate(monthAt start: Int) -> Bool {
            let month = number(start, 2), day = number(start + 2, 2)
            return (1...12).contains(month) && ((1...31).contains(day) || (61...91).contains(day))
        }
        // Most fields have too few digits to hold a number of this shape.
        var digitCount = 0
        for byte in bytes where byte >= 0x30 && byte <= 0x39 { digitCount += 1 }
        guard digitCount >= 10 else { return false }
        var start = 0
        while start < bytes.count {
            guard isDigit(start), !isDigit(start - 1) else { start += 1; continue }
            var end = start
            while isDigit(end) { end += 1 }
            let run = end - start
            let separated = end < bytes.count && (bytes[end] == UInt8(ascii: "-") || bytes[end] == UInt8(ascii: "+"))
            if separated && (run == 6 || run == 8) {
                var tail = end + 1
                while isDigit(tail) { tail += 1 }
                if tail - end - 1 == 4 && plausibleDate(monthAt: start + run - 4) { return true }
            }
            if run == 12 {
                let century = number(start, 2)
                if (18...20).contains(century) && plausibleDate(monthAt: start + 4) { return true }
            }
            start = end
        }
        return false
    }
}
