/// The kinds of file lagesbild imports. Each maps to one table in the store.
public enum DataKind: String, CaseIterable, Sendable, Codable {
    case signaler, utbildning, befolkning, samverkan, aktiviteter
    /// Official statistics beside the local figures (Kolada, SCB): one value per measure, year, area and gender.
    case referens
    /// The boundaries of the municipality's områden (from GeoJSON), for the report's area map.
    case omraden

    /// The table holding this kind's facts; its history table is `<table>_history`.
    package var table: String {
        switch self {
        case .signaler: "signal"
        case .utbildning: "utbildning"
        case .befolkning: "befolkning"
        case .samverkan: "samverkan"
        case .aktiviteter: "aktivitet"
        case .referens: "referens"
        case .omraden: "omrade_grans"
        }
    }

    /// Whether the kind's rows belong to a year (every kind but the areas' boundaries).
    package var hasYear: Bool { self != .omraden }

    /// Columns in file order of preference. Key columns come first, in natural-key order.
    package var columns: [ColumnSpec] {
        switch self {
        case .signaler:
            [
                ColumnSpec("kommun", aliases: ["municipality"], db: .kommun, type: .kommun, isKey: true),
                ColumnSpec("år", aliases: ["year"], db: .year, type: .year, required: true, isKey: true),
                ColumnSpec("månad", aliases: ["month"], db: .month, type: .month, isKey: true),
                ColumnSpec("kategori", aliases: ["category"], db: .category, type: .vocabulary(.kategori), required: true, isKey: true),
                ColumnSpec("miljö", aliases: ["environment"], db: .environment, type: .vocabulary(.miljo), isKey: true),
                ColumnSpec("område", aliases: ["area"], db: .area, type: .label, isKey: true),
                ColumnSpec("källa", aliases: ["source"], db: .source, type: .label, isKey: true),
                ColumnSpec("antal", aliases: ["count"], db: .count, type: .count, required: true),
                ColumnSpec("orosanmälningar", aliases: ["concern_reports"], db: .concernReports, type: .optionalCount),
                ColumnSpec("polisanmälningar", aliases: ["police_reports"], db: .policeReports, type: .optionalCount),
            ]
        case .utbildning:
            [
                ColumnSpec("kommun", aliases: ["municipality"], db: .kommun, type: .kommun, isKey: true),
                ColumnSpec("år", aliases: ["year"], db: .year, type: .year, required: true, isKey: true),
                ColumnSpec("förvaltning", aliases: ["department"], db: .department, type: .requiredLabel, required: true, isKey: true),
                ColumnSpec("utbildning", aliases: ["course"], db: .course, type: .vocabulary(.utbildning), required: true, isKey: true),
                ColumnSpec("målgrupp", aliases: ["target_group"], db: .targetGroup, type: .count, required: true),
                ColumnSpec("genomfört", aliases: ["completed"], db: .completed, type: .count, required: true),
            ]
        case .befolkning:
            [
                // Any area of SCB's scheme: "00" riket, "LL" län, "KKKK" kommun (the column keeps its name).
                ColumnSpec("kommun", aliases: ["municipality", "region"], db: .kommun, type: .region, isKey: true),
                ColumnSpec("år", aliases: ["year"], db: .year, type: .year, required: true, isKey: true),
                ColumnSpec("område", aliases: ["area"], db: .area, type: .populationArea, isKey: true),
                ColumnSpec("invånare", aliases: ["population"], db: .population, type: .count, required: true),
            ]
        case .samverkan:
            [
                ColumnSpec("kommun", aliases: ["municipality"], db: .kommun, type: .kommun, isKey: true),
                ColumnSpec("år", aliases: ["year"], db: .year, type: .year, required: true, isKey: true),
                ColumnSpec("aktör", aliases: ["actor"], db: .actor, type: .requiredLabel, required: true, isKey: true),
                ColumnSpec("typ", aliases: ["type"], db: .collaborationType, type: .vocabulary(.samverkanstyp), required: true),
                ColumnSpec("möten", aliases: ["meetings"], db: .meetings, type: .optionalCount),
            ]
        case .aktiviteter:
            // The activity plan's follow-up. `ansvarig` names a function, never a person.
            [
                ColumnSpec("kommun", aliases: ["municipality"], db: .kommun, type: .kommun, isKey: true),
                ColumnSpec("år", aliases: ["year"], db: .year, type: .year, required: true, isKey: true),
                ColumnSpec("aktivitet", aliases: ["activity"], db: .activity, type: .requiredLabel, required: true, isKey: true),
                ColumnSpec("målområde", aliases: ["target_area"], db: .targetArea, type: .vocabulary(.malomrade), required: true),
                ColumnSpec("ansvarig", aliases: ["responsible"], db: .responsible, type: .requiredLabel, required: true, limit: 100),
                ColumnSpec("insatsnivå", aliases: ["level"], db: .level, type: .vocabulary(.insatsniva)),
                ColumnSpec("status", aliases: ["status"], db: .status, type: .vocabulary(.aktivitetsstatus), required: true),
                ColumnSpec("kommentar", aliases: ["comment"], db: .comment, type: .label, limit: 500),
            ]
        case .referens:
            [
                ColumnSpec("område", aliases: ["region", "kommun", "municipality"], db: .kommun, type: .region, required: true, isKey: true),
                ColumnSpec("år", aliases: ["year", "period"], db: .year, type: .year, required: true, isKey: true),
                ColumnSpec("källa", aliases: ["source"], db: .source, type: .requiredLabel, required: true, isKey: true),
                ColumnSpec("mått", aliases: ["measure", "kpi"], db: .measure, type: .requiredLabel, required: true, isKey: true),
                ColumnSpec("kön", aliases: ["gender"], db: .gender, type: .vocabulary(.kon), isKey: true, defaultCode: "T"),
                ColumnSpec("värde", aliases: ["value"], db: .value, type: .decimal),
            ]
        case .omraden:
            // Read from GeoJSON only: the boundary as SWEREF 99 TM metres (see `AreaGeometry`).
            [
                ColumnSpec("kommun", aliases: ["municipality"], db: .kommun, type: .kommun, isKey: true),
                ColumnSpec("område", aliases: ["area"], db: .area, type: .requiredLabel, required: true, isKey: true),
                ColumnSpec("geometri", aliases: ["geometry"], db: .geometry, type: .geometry, required: true),
            ]
        }
    }

    /// "signaler, utbildning, …, samverkan eller aktiviteter", for help and messages.
    /// The kinds a table's header names (the områden's boundaries come from GeoJSON only).
    public static var listInSwedish: String { listInSwedish(allCases.filter { $0 != .omraden }) }

    package static func listInSwedish(_ kinds: [DataKind]) -> String {
        let names = kinds.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " eller " + names.last!
    }

    /// The type of the column a header names in any kind (the same name has the same type everywhere).
    package static func columnType(forHeader header: String) -> ColumnType? {
        let folded = TextKey.fold(TextKey.trimmed(header))
        return allCases.lazy.flatMap(\.columns).first { $0.matchKeys.contains(folded) }?.type
    }

    package var keyColumns: [ColumnSpec] { columns.filter(\.isKey) }
    package var valueColumns: [ColumnSpec] { columns.filter { !$0.isKey } }

    /// Pairs of (part, whole) columns where part may not exceed whole.
    package var partWholeRules: [(part: ColumnKey, whole: ColumnKey)] {
        switch self {
        case .signaler: [(.concernReports, .count), (.policeReports, .count)]
        case .utbildning: [(.completed, .targetGroup)]
        case .befolkning, .samverkan, .aktiviteter, .referens, .omraden: []
        }
    }
}

/// One column a file may carry.
package struct ColumnSpec: Sendable {
    /// The Swedish header, as shown in messages.
    package let name: String
    let aliases: [String]
    /// The column in the store.
    package let db: ColumnKey
    package let type: ColumnType
    package let required: Bool
    package let isKey: Bool
    /// The most characters a label column takes.
    package let limit: Int
    /// The code stored when a vocabulary column is left empty ("" unless given).
    package let defaultCode: String

    init(_ name: String, aliases: [String], db: ColumnKey, type: ColumnType, required: Bool = false, isKey: Bool = false,
         limit: Int = 200, defaultCode: String = "") {
        self.name = name
        self.aliases = aliases
        self.db = db
        self.type = type
        self.required = required
        self.isKey = isKey
        self.limit = limit
        self.defaultCode = defaultCode
    }

    package var matchKeys: [String] { ([name] + aliases).map(TextKey.fold) }
}

package enum ColumnType: Sendable {
    case kommun
    /// SCB's area code: "00" riket, "LL" län, "KKKK" kommun.
    case region
    case year
    /// 1–12; empty means the whole year, stored as 0.
    case month
    case vocabulary(Vocabulary)
    /// Free label; empty is stored as "" (not given).
    case label
    /// Free label that must not be empty.
    case requiredLabel
    /// befolkning's område: empty or "Hela kommunen" is the whole municipality, stored as "".
    case populationArea
    case count
    /// A count that may be left empty (stored as NULL: not reported).
    case optionalCount
    /// A decimal number (a reference value); empty is stored as NULL (no value published).
    case decimal
    /// An area's boundary, written by lagesbild itself from GeoJSON (never typed by a person).
    case geometry
}

/// A zero report: a source's statement that it saw no signals in a month (or a whole year). A unit that had nothing
/// to report says so, so that a quiet month can be told from a month nobody reported.
///
/// It is a signal row without a kategori: `antal` 0, empty miljö and område, orosanmälningar and polisanmälningar
/// empty or 0, and a källa. Stored in the signal table like every row (history, undo, the import log), its sums are
/// zero, it counts its källa as reporting (MO1-07), and breakdowns by kategori, miljö and område leave it out.
package enum ZeroReport {
    /// The column whose empty value marks a zero report.
    package static let marker = ColumnKey.category
    /// The value stored in `marker`.
    package static let markerValue = ""
    /// Columns that must be empty.
    package static let emptyColumns: [ColumnKey] = [.environment, .area]
    /// Columns that must be 0 (`count`) or may also be left empty (the two report counts).
    package static let zeroColumns: [ColumnKey] = [.count]
    package static let zeroOrEmptyColumns: [ColumnKey] = [.concernReports, .policeReports]
    /// The column that must name who reports.
    package static let sourceColumn = ColumnKey.source
}
