/// A column of the store by its name there ("ar", "omrade"): the typed key the stages use for columns, so that a
/// misspelt column is a compile error, not an empty result. Breakdown keys in the JSON output are these names.
public struct ColumnKey: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (lhs: ColumnKey, rhs: ColumnKey) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let kommun = ColumnKey(rawValue: "kommun")
    public static let year = ColumnKey(rawValue: "ar")
    public static let month = ColumnKey(rawValue: "manad")
    public static let category = ColumnKey(rawValue: "kategori")
    public static let environment = ColumnKey(rawValue: "miljo")
    public static let area = ColumnKey(rawValue: "omrade")
    public static let source = ColumnKey(rawValue: "kalla")
    public static let count = ColumnKey(rawValue: "antal")
    public static let concernReports = ColumnKey(rawValue: "orosanmalningar")
    public static let policeReports = ColumnKey(rawValue: "polisanmalningar")
    public static let department = ColumnKey(rawValue: "forvaltning")
    public static let course = ColumnKey(rawValue: "utbildning")
    public static let targetGroup = ColumnKey(rawValue: "malgrupp")
    public static let completed = ColumnKey(rawValue: "genomfort")
    public static let population = ColumnKey(rawValue: "invanare")
    public static let actor = ColumnKey(rawValue: "aktor")
    public static let collaborationType = ColumnKey(rawValue: "typ")
    public static let meetings = ColumnKey(rawValue: "moten")
    public static let activity = ColumnKey(rawValue: "aktivitet")
    public static let targetArea = ColumnKey(rawValue: "malomrade")
    public static let responsible = ColumnKey(rawValue: "ansvarig")
    public static let level = ColumnKey(rawValue: "insatsniva")
    public static let status = ColumnKey(rawValue: "status")
    public static let comment = ColumnKey(rawValue: "kommentar")
    public static let measure = ColumnKey(rawValue: "matt")
    public static let gender = ColumnKey(rawValue: "kon")
    public static let value = ColumnKey(rawValue: "varde")
    public static let geometry = ColumnKey(rawValue: "geometri")
}
