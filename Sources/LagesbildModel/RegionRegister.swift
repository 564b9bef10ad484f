/// Sweden's official regions in SCB's code scheme: "00" riket, "LL" län, "KKKK" kommun (the county is the
/// kommun code's first two digits). Shipped as `Reference/scb-regioner.csv`, compiled in.
public struct Region: Sendable, Equatable {
    public enum Level: Sendable { case riket, lan, kommun }

    public let code: String
    /// The short name ("Strömsund", "Jämtlands län").
    public let name: String
    /// The official name, which is irregular ("Strömsunds kommun", "Falu kommun", "Region Gotland", "Malmö stad").
    public let officialName: String
    public let lanCode: String?

    public var level: Level {
        switch code.count {
        case 2 where code == "00": .riket
        case 2: .lan
        default: .kommun
        }
    }
}

public enum RegionRegister {
    /// Every region, riket first, then the 21 counties and the 290 municipalities in code order.
    public static let all: [Region] = {
        let text = EmbeddedFiles.reference["scb-regioner.csv"] ?? ""
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            return Region(code: fields[0], name: fields[1], officialName: fields[2], lanCode: fields[3].isEmpty ? nil : fields[3])
        }
    }()

    public static let byCode: [String: Region] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    public static var kommuner: [Region] { all.filter { $0.level == .kommun } }
    public static var lan: [Region] { all.filter { $0.level == .lan } }

    public static func region(_ code: String) -> Region? { byCode[code] }

    /// The register's code for an area as files write it: "00", "23", "2313"; Kolada's "0000" (riket) and
    /// "0023" (a county); a municipality whose leading zero a spreadsheet dropped ("180"); PxWeb's
    /// "2313 Strömsund" and "23 Jämtlands län". Nil when no region has the code.
    public static func areaCode(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = String(trimmed.prefix { $0.isASCII && $0.isNumber })
        // PxWeb writes the code and the name; anything after the code must then start with a space.
        guard !digits.isEmpty, digits.count == trimmed.count || trimmed.dropFirst(digits.count).first == " " else { return nil }
        let code: String
        switch digits.count {
        case 4 where digits == "0000": code = "00"
        case 4 where digits.hasPrefix("00"): code = String(digits.dropFirst(2))
        case 3: code = "0" + digits
        default: code = digits
        }
        return byCode[code] == nil ? nil : code
    }

    /// The 290 municipality codes as their four ASCII bytes packed into an integer, for checking codes in the
    /// import's hot path without making Strings.
    private static let packedKommunCodes: Set<UInt32> = Set(kommuner.map { packed(Array($0.code.utf8)) })

    private static func packed<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Whether four bytes are the code of one of Sweden's municipalities.
    package static func isKommun(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == 4 && packedKommunCodes.contains(packed(bytes))
    }
}
