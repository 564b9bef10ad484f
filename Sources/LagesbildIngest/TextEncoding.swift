import LagesbildModel
import LagesbildStore

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
