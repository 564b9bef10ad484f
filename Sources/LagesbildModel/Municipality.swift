/// A Swedish municipality code (kommunkod): four digits, the leading zero kept ("0180" is Stockholm).
public struct KommunCode: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// Accepts four digits; three digits are read as a code whose leading zero a spreadsheet dropped
    /// ("180" is "0180"), since Excel stores codes typed as numbers without it.
    public init?(_ text: String) {
        let trimmed = TextKey.trimmed(text)
        guard (3...4).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        rawValue = trimmed.count == 3 ? "0" + trimmed : trimmed
    }

    public var description: String { rawValue }
    public static func < (lhs: KommunCode, rhs: KommunCode) -> Bool { lhs.rawValue < rhs.rawValue }
}
