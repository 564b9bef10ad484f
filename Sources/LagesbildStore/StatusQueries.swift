import GRDB
import LagesbildModel

/// One line of `lagesbild status`: what one kind holds for one year.
public struct LoadedSummary: Sendable, Equatable {
    public let kind: DataKind
    public let year: Int
    public let rows: Int
    /// The kind's totals, labelled in Swedish: antal; invånare; genomfört and målgrupp; möten.
    public let totals: [(label: String, value: Int)]

    public static func == (lhs: LoadedSummary, rhs: LoadedSummary) -> Bool {
        lhs.kind == rhs.kind && lhs.year == rhs.year && lhs.rows == rhs.rows
            && lhs.totals.map(\.label) == rhs.totals.map(\.label) && lhs.totals.map(\.value) == rhs.totals.map(\.value)
    }
}

/// What an entry of the import log records.
public enum ImportAction: String, Sendable, Codable, DatabaseValueConvertible {
    /// A file (or a workbook's sheet) read in.
    case `import`
    /// An earlier import reversed.
    case undo
}

/// One entry of the import log, read as a record: each column by name, the kind and action as enums.
public struct ImportLogEntry: Sendable, Equatable, Codable, FetchableRecord {
    public let id: Int64
    public let importedAt: String
    public let kind: DataKind
    public let fileName: String
    public let sha256: String
    public let encoding: String
    public let rowsInserted: Int
    public let rowsReplaced: Int
    public let rowsUnchanged: Int
    /// Rows removed (in the workspace, one row at a time); they are kept in the kind's history.
    public let rowsDeleted: Int
    public let action: ImportAction
    /// For an undo: the import it reversed. For an import: the undo that reversed it, if any.
    public let undoes: Int64?
    public let undoneBy: Int64?
    /// For a rename or merge of register names: the register.
    public let register: NameRegister?

    enum CodingKeys: String, CodingKey {
        case id, kind, sha256, encoding, action, undoes, register
        case importedAt = "imported_at", fileName = "file_name", rowsInserted = "rows_inserted", rowsReplaced = "rows_replaced"
        case rowsUnchanged = "rows_unchanged", rowsDeleted = "rows_deleted", undoneBy = "undone_by"
    }
}

extension ImportLogEntry {
    /// What the import log's "Anmärkning" says of this entry, in Swedish.
    public var remark: String {
        if action == .undo { return "ångrar import \(undoes ?? 0)" }
        let undone = undoneBy.map { "ångrad (\($0))" }
        return [rowsDeleted > 0 ? "borttagning" : nil, undone].compactMap { $0 }.joined(separator: ", ")
    }
}

extension DataKind: DatabaseValueConvertible {}

extension Store {
    /// Per kind and year: rows and totals, for one municipality.
    public func loadedSummary(kommun: KommunCode) throws -> [LoadedSummary] {
        let totals: [DataKind: [(String, String)]] = [
            .signaler: [("antal", "antal"), ("orosanmälningar", "orosanmalningar"), ("polisanmälningar", "polisanmalningar")],
            .befolkning: [("invånare (hela kommunen)", "CASE WHEN omrade = '' THEN invanare END")],
            .utbildning: [("genomfört", "genomfort"), ("målgrupp", "malgrupp")],
            .samverkan: [("möten", "moten")],
            .aktiviteter: [("genomförda", "status = 'genomford'")],
            .referens: [],
        ]
        return try read { db in
            var result: [LoadedSummary] = []
            for kind in DataKind.allCases where kind.hasYear {
                let sums = ([""] + totals[kind]!.map { "COALESCE(SUM(\($0.1)), 0)" }).joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT ar, COUNT(*)\(sums) FROM \(kind.table) WHERE kommun = ? GROUP BY ar ORDER BY ar
                    """, arguments: [kommun.rawValue])
                for row in rows {
                    let values = totals[kind]!.enumerated().map { index, total in (label: total.0, value: row[index + 2] as Int) }
                    result.append(LoadedSummary(kind: kind, year: row[0], rows: row[1], totals: values))
                }
            }
            return result
        }
    }

    public func importLog() throws -> [ImportLogEntry] {
        try read { db in
            try ImportLogEntry.fetchAll(db, sql: """
                SELECT l.*, u.id AS undone_by FROM import_log l LEFT JOIN import_log u ON u.undoes = l.id ORDER BY l.id
                """)
        }
    }

    /// The municipalities that have any facts stored, in code order. Walks each table's key with one index
    /// seek per municipality rather than scanning every row.
    public func kommunerWithData() throws -> [KommunCode] {
        try read { db in
            var codes = Set<String>()
            // Local facts only: reference series and county or national population are not a municipality's data.
            for kind in DataKind.allCases where kind != .referens {
                var last = ""
                while let next = try String.fetchOne(db, sql: "SELECT MIN(kommun) FROM \(kind.table) WHERE kommun > ?", arguments: [last]) {
                    if next.count == 4 { codes.insert(next) }
                    last = next
                }
            }
            return codes.sorted().compactMap(KommunCode.init)
        }
    }
}
