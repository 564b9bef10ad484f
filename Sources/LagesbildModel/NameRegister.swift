/// A register of names the samordnare keeps: the källor, förvaltningar, områden and samverkansaktörer that stored rows
/// and accounts may name. A name outside its register is refused at import (with the nearest registered names), so
/// that a spelling can never make a new source or area. The raw value is the register's name on the command line.
public enum NameRegister: String, CaseIterable, Sendable, Codable {
    case kallor, forvaltningar, omraden, aktorer

    /// The stored columns that name an entry of this register. An empty value is "not given", never an entry.
    package var columns: [(kind: DataKind, column: ColumnKey)] {
        switch self {
        case .kallor: [(.signaler, .source)]
        case .forvaltningar: [(.utbildning, .department)]
        case .omraden: [(.signaler, .area), (.befolkning, .area), (.omraden, .area)]
        case .aktorer: [(.samverkan, .actor)]
        }
    }

    /// The register a kind's column names entries of, if any.
    package static func register(of kind: DataKind, column: ColumnKey) -> NameRegister? {
        allCases.first { register in register.columns.contains { $0.kind == kind && $0.column == column } }
    }

    /// "källa", "förvaltning", "område", "aktör".
    public var singular: String {
        switch self {
        case .kallor: "källa"
        case .forvaltningar: "förvaltning"
        case .omraden: "område"
        case .aktorer: "aktör"
        }
    }

    /// "okänd källa", "okänt område": the start of a refusal.
    public var unknown: String { self == .omraden ? "okänt område" : "okänd \(singular)" }

    /// The register's Swedish title: "Källor", "Förvaltningar", "Områden", "Samverkansaktörer".
    public var title: String {
        switch self {
        case .kallor: "Källor"
        case .forvaltningar: "Förvaltningar"
        case .omraden: "Områden"
        case .aktorer: "Samverkansaktörer"
        }
    }

    /// "registret över källor".
    public var registerInSwedish: String { "registret över \(title.lowercased())" }

    /// The refusal of a name not in the register: `okänt område "Strömsond"; menade du "Strömsund"?`.
    public func refusal(of name: String, suggestions: [String], registerIsEmpty: Bool) -> String {
        if !suggestions.isEmpty {
            let quoted = suggestions.map { "\"\($0)\"" }
            let list = quoted.count < 2 ? quoted.joined() : quoted.dropLast().joined(separator: ", ") + " eller " + quoted.last!
            return "\(unknown) \"\(name)\"; menade du \(list)?"
        }
        return registerIsEmpty ? "\(unknown) \"\(name)\"; \(registerInSwedish) är tomt"
            : "\(unknown) \"\(name)\"; inget liknande namn finns i \(registerInSwedish)"
    }

    /// "kallor, forvaltningar, omraden eller aktorer", for help and messages.
    public static var listInSwedish: String {
        allCases.dropLast().map(\.rawValue).joined(separator: ", ") + " eller " + allCases.last!.rawValue
    }

    /// The registered names nearest to `name`: by edit distance on the folded names (``TextKey/fold(_:)``), at most
    /// `limit`, within a distance that grows with the name's length (2 for a short name, a third of a long one).
    public static func nearest(to name: String, among names: [String], limit: Int = 3) -> [String] {
        let folded = Array(TextKey.fold(name))
        let allowed = max(2, folded.count / 3)
        return names.compactMap { candidate -> (String, Int)? in
            let distance = editDistance(folded, Array(TextKey.fold(candidate)))
            return distance <= allowed ? (candidate, distance) : nil
        }
        .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        .prefix(limit).map(\.0)
    }

    /// Levenshtein distance: insertions, deletions and substitutions of one character each.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
