import Foundation

/// Normalises the labels people type into a comparable key.
///
/// Headers and vocabulary values are matched case-insensitively, with or without å/ä/ö, and with
/// spaces, hyphens and underscores treated alike: "Negativ social kontroll", "negativ-social-kontroll"
/// and "NEGATIV_SOCIAL_KONTROLL" all give `negativ social kontroll`.
package enum TextKey {
    package static func fold(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            let mapped: Character?
            switch scalar {
            case "å", "ä", "à", "á", "â": mapped = "a"
            case "ö", "ø", "ó", "ò", "ô": mapped = "o"
            case "é", "è", "ê", "ë": mapped = "e"
            case "ü", "ú": mapped = "u"
            case " ", "-", "_", "\t", "\u{00A0}": mapped = nil
            default: mapped = Character(scalar)
            }
            if let mapped {
                if pendingSpace && !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.append(mapped)
            } else {
                pendingSpace = true
            }
        }
        return result
    }

    /// Trims spaces, tabs and no-break spaces from both ends.
    package static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: " \t\u{00A0}\r\n"))
    }
}
