import LagesbildModel

/// What a rapportör may report: signals of their own källor, training of their own förvaltningar. Rows of other
/// källor or förvaltningar, and files of other kinds, are refused naming the line; a file without the column gets
/// the rapportör's (first) källa or förvaltning.
///
/// One comparison rule: a value is the rapportör's when it folds (``TextKey/fold(_:)``: case, accents, spaces and
/// dashes) to one of theirs, and what is stored is then their registered spelling, so that no spelling makes a new
/// source. A row of another municipality than `kommun` is refused.
public struct ImportScope: Sendable, Equatable {
    public var kallor: [String]
    public var forvaltningar: [String]
    /// The only municipality the rapportör reports for (the store's own).
    public var kommun: KommunCode?

    public init(kallor: [String], forvaltningar: [String], kommun: KommunCode? = nil) {
        self.kallor = kallor
        self.forvaltningar = forvaltningar
        self.kommun = kommun
    }

    /// The registered spelling of `value` among `allowed`, when it is one of them by the scope's rule.
    public static func registered(_ value: String, among allowed: [String]) -> String? {
        let folded = TextKey.fold(value)
        return allowed.first { TextKey.fold($0) == folded }
    }

    /// The column a kind is bound by and its allowed values, or nil when the kind is not the rapportör's to report.
    func binding(for kind: DataKind) -> (column: ColumnKey, allowed: [String])? {
        switch kind {
        case .signaler where !kallor.isEmpty: (.source, kallor)
        case .utbildning where !forvaltningar.isEmpty: (.department, forvaltningar)
        default: nil
        }
    }

    /// Whether the scope lets its rapportör report this kind.
    public func allows(_ kind: DataKind) -> Bool { binding(for: kind) != nil }

    /// The kinds this scope allows, in Swedish, for messages.
    package var allowedInSwedish: String {
        var parts: [String] = []
        if !kallor.isEmpty { parts.append("signaler för källa \(kallor.map { "\"\($0)\"" }.joined(separator: ", "))") }
        if !forvaltningar.isEmpty { parts.append("utbildning för förvaltning \(forvaltningar.map { "\"\($0)\"" }.joined(separator: ", "))") }
        return parts.joined(separator: " och ")
    }
}
