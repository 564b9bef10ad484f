import LagesbildModel

/// What a rapportör may report: signals of their own källor, training of their own förvaltningar. Rows of other
/// källor or förvaltningar, and files of other kinds, are refused naming the line; a file without the column gets
/// the rapportör's (first) källa or förvaltning.
public struct ImportScope: Sendable, Equatable {
    public var kallor: [String]
    public var forvaltningar: [String]

    public init(kallor: [String], forvaltningar: [String]) {
        self.kallor = kallor
        self.forvaltningar = forvaltningar
    }

    /// The column a kind is bound by and its allowed values, or nil when the kind is not the rapportör's to report.
    package func binding(for kind: DataKind) -> (column: ColumnKey, allowed: [String])? {
        switch kind {
        case .signaler where !kallor.isEmpty: (.source, kallor)
        case .utbildning where !forvaltningar.isEmpty: (.department, forvaltningar)
        default: nil
        }
    }

    /// The kinds this scope allows, in Swedish, for messages.
    package var allowedInSwedish: String {
        var parts: [String] = []
        if !kallor.isEmpty { parts.append("signaler för källa \(kallor.map { "\"\($0)\"" }.joined(separator: ", "))") }
        if !forvaltningar.isEmpty { parts.append("utbildning för förvaltning \(forvaltningar.map { "\"\($0)\"" }.joined(separator: ", "))") }
        return parts.joined(separator: " och ")
    }
}
