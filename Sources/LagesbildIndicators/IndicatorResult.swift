import LagesbildModel
import LagesbildStore

/// How a figure changed from the earlier year, judged by an exact test at p < 0.05.
public enum Trend: String, Sendable, Codable {
    case increase
    case decrease
    case noSignificantChange = "no_significant_change"
}

/// One year of an indicator's series.
public struct SeriesPoint: Sendable, Equatable {
    public let year: Int
    public let value: Double?
    public var suppressed: Bool
    var numerator: Int
}

/// One cell of a breakdown (one kategori, one område …).
public struct BreakdownCell: Sendable, Equatable {
    /// The stored value (a vocabulary code or a free label; "" is "not given").
    public let key: String
    public let label: String
    public var value: Double?
    public var suppressed: Bool
    public var previous: Double?
    public var previousSuppressed: Bool
    public var pValue: Double?
    public var trend: Trend?
    public var changeTest: ChangeTest = .notTested
    /// The count masking is judged on (the signals behind the value).
    var numerator: Int
    var previousNumerator: Int
    /// Masked only so that a masked cell beside it cannot be worked out from the total (secondary suppression): its
    /// own count is not small, so it is not shown as one. Set only together with `suppressed` (`previousSuppressed`).
    public var secondary = false
    public var previousSecondary = false
}

public struct BreakdownResult: Sendable, Equatable {
    public let field: FieldReference
    public var cells: [BreakdownCell]
}

/// An indicator's figures for a year, compared with an earlier year.
public struct IndicatorResult: Sendable {
    public let definition: IndicatorDefinition
    public var value: Double?
    public var suppressed: Bool
    public var previous: Double?
    public var previousSuppressed: Bool
    public var changeAbs: Double?
    /// Relative change as a fraction (0.75 is +75 %); nil when the earlier value is 0 or missing.
    public var changeRel: Double?
    public var pValue: Double?
    public var trend: Trend?
    public var changeTest: ChangeTest = .notTested
    public var series: [SeriesPoint]
    public var breakdowns: [BreakdownResult]
    /// Extra information: "3 av 4", the areas with a significant increase, or why there is no value.
    public var note: String?
    var numerator: Int
    var previousNumerator: Int
    /// For MO1-04-style measures: the values of `by` with a significant increase.
    public var listed: [String]
    /// The county's and the country's figures over the municipalities in the store; nil when the store holds
    /// no other municipality, or the measure is not a count or a rate.
    public var comparison: Comparison? = nil
}

/// Every indicator of one municipality for one year.
public struct IndicatorReport: Sendable {
    public let kommun: KommunCode
    public let kommunName: String
    public let year: Int
    public let baseYear: Int
    public let maskThreshold: Int
    /// The years the store holds any data for, for this municipality.
    public let years: [Int]
    public var indicators: [IndicatorResult]
    /// The reference series declared in `Indicators/`, for the year.
    public var references: [ReferenceValue] = []

    public func indicator(_ id: String) -> IndicatorResult? { indicators.first { $0.definition.id == id } }
}
