import LagesbildModel
import LagesbildStore

/// One measurement point (mätpunkt), declared in a YAML file in `Indicators/`.
public struct IndicatorDefinition: Sendable {
    public enum Unit: String, Sendable, CaseIterable {
        case antal = "antal"
        case per10000 = "per 10 000 invånare"
        case procent = "procent"
    }

    /// Which way is good. Only used for wording and colour, never to change a figure.
    public enum Direction: String, Sendable {
        case lower, higher, neutral
    }

    public let id: String
    public let title: String
    public let description: String
    public let targetArea: Int
    public let unit: Unit
    public let direction: Direction
    /// Whether small non-zero counts of signals (and rates and percentages derived from them) are masked.
    public let masksSmallCounts: Bool
    public let decimals: Int
    public let measure: Measure
    public let breakdowns: [Breakdown]
    /// Whether the report's summary shows it (`summary: true`).
    public let inSummary: Bool
    /// How the change from the year before is judged (`trend_test:` in the file): events as Poisson counts, shares
    /// of people as binomial, or not at all for what is counted, not drawn by chance (the municipality's own
    /// departments, the activities of a plan): a fact, stated without a test.
    public let changeModel: ChangeModel
    public var testsTrend: Bool { changeModel != .none }
    /// The file it was read from, for messages and the report's method section.
    public let file: String
}

/// The model a measurement point's change is tested under.
public enum ChangeModel: String, Sendable, Equatable {
    /// Events, counted in a year (signals): the exact conditional test for two Poisson counts.
    case poisson
    /// Shares of people (employees trained): Fisher's exact test of the two years' 2×2 table.
    case binomial
    /// Not tested: the change is a fact.
    case none

    /// The model a measure has unless its file says otherwise.
    public static func `default`(for measure: Measure) -> ChangeModel {
        if case .ratio = measure { return .binomial }
        return .poisson
    }
}

/// Whether a change was judged by a test, could not be, or is not one to judge (in the JSON: `change_test`).
public enum ChangeTest: String, Sendable, Equatable, Codable {
    case tested
    /// A test applies, but with these counts even the most extreme outcome would not reach p < 0.05.
    case tooFew = "too_few"
    /// The measurement point is not tested (a fact), or a value to test is missing.
    case notTested = "not_tested"
}

/// A column of a kind, named as in the files (`område`, `källa`, ...).
public struct FieldReference: Sendable, Equatable {
    public let kind: DataKind
    /// The store's column.
    public let column: ColumnKey
    /// The Swedish name a reader sees.
    public let name: String
    let vocabulary: Vocabulary?

    public static func == (lhs: FieldReference, rhs: FieldReference) -> Bool {
        lhs.kind == rhs.kind && lhs.column == rhs.column
    }

    /// The reader's label for a stored value: vocabulary label, or "(ej angivet)" for an empty label.
    public func label(for value: String) -> String {
        if value.isEmpty { return "(ej angivet)" }
        return vocabulary?.label(for: value) ?? value
    }
}

/// Rows of one kind that pass some conditions, and the field that is summed or counted (none: each row
/// counts one, as for activities).
public struct Selection: Sendable {
    public enum Condition: Sendable {
        case oneOf(FieldReference, [String])
        case noneOf(FieldReference, [String])
        case atLeast(FieldReference, Int)
    }

    public let kind: DataKind
    public let field: FieldReference?
    public let conditions: [Condition]
}

/// The building blocks a measure is declared from.
public indirect enum Measure: Sendable {
    /// The sum of a field.
    case sum(Selection)
    /// numerator sum / denominator sum × scale (100 for a percentage).
    case ratio(numerator: Selection, denominator: Selection, scale: Double)
    /// numerator sum × per / the whole municipality's population.
    case rate(numerator: Selection, per: Double)
    /// The number of distinct non-empty values of a field; with `denominator`, the note says "3 av 4".
    case distinct(Selection, denominator: Selection?)
    /// The number of values of `by` whose sum of the field rose from the year before with p < 0.05.
    case significantIncrease(Selection, by: FieldReference)
    /// The values of the selection's field on rows of the year before that pass its conditions and stand
    /// again (with any values) in the year: activities carried over from one plan to the next.
    case carriedOver(Selection)

    package var primary: Selection {
        switch self {
        case .sum(let selection), .distinct(let selection, _), .significantIncrease(let selection, _), .carriedOver(let selection): selection
        case .ratio(let numerator, _, _), .rate(let numerator, _): numerator
        }
    }
}

/// A dimension an indicator is broken down by.
public struct Breakdown: Sendable {
    public let field: FieldReference
}
