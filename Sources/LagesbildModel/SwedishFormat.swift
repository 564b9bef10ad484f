import Foundation

/// Numbers and dates as Swedish readers expect them: "1 234", "12,5", "2025-03-01".
public enum SwedishFormat {
    /// An integer with a space between thousands (a no-break space in HTML, `separator` chooses).
    public static func integer(_ value: Int, separator: String = " ") -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "−" : "") + groups.joined(separator: separator)
    }

    /// A decimal number with a comma and a fixed number of decimals.
    public static func decimal(_ value: Double, decimals: Int = 1, separator: String = " ") -> String {
        let factor = pow(10.0, Double(decimals))
        let rounded = (value * factor).rounded() / factor
        let whole = Int(rounded.magnitude.rounded(.down))
        var text = integer(whole, separator: separator)
        if decimals > 0 {
            let fraction = Int(((rounded.magnitude - Double(whole)) * factor).rounded())
            text += "," + String(format: "%0\(decimals)d", fraction)
        }
        return (rounded < 0 ? "−" : "") + text
    }
}

extension StringProtocol {
    /// The text with its first letter in upper case, the rest as it is: "Mars 2025" from "mars 2025", a sentence from
    /// a message written to stand inside one.
    public var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension Array where Element: Hashable {
    /// The elements in order, each once (the first of each kept).
    package func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
