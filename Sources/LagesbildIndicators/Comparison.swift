import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

/// How the municipality stands against the rest of its county, by the exact conditional test for two
/// Poisson counts with the populations as exposures.
public enum ComparisonResult: String, Sendable, Codable {
    case higher
    case lower
    case noSignificantDifference = "no_significant_difference"
}

/// An indicator's value for the county or the country, computed over the municipalities the store holds.
public struct ComparisonArea: Sendable, Equatable {
    /// "23" for a county, "00" for riket.
    public let code: String
    public let name: String
    /// The exact value (the sum of the counts; for a rate, the summed counts per the summed population).
    public let value: Double?
    /// Whether the value may not be published: the area's count, or the count of the municipalities other
    /// than this one (which the value and this municipality's own figure would reveal), is small.
    public var suppressed: Bool
    /// Municipalities that contributed, and how many the area has.
    public let municipalities: Int
    public let of: Int
    /// This municipality against the rest of the county (county only).
    public let pValue: Double?
    public let result: ComparisonResult?
    /// For a county and a rate: each municipality of the county that the store holds, in code order (the county map).
    public var members: [ComparisonMember] = []
}

/// One municipality's figure in its county, for the county map and its table.
public struct ComparisonMember: Sendable, Equatable {
    public let kommun: String
    public let count: Int
    public let population: Int?
    /// The rate, rounded as the indicator is; nil without a population.
    public let value: Double?
    /// Not to be published: a small count, or (secondary) the next smallest when only one would be hidden, since the
    /// county's total would give that one away.
    public let suppressed: Bool
    /// Hidden as that next smallest: its own count is not small.
    public let secondary: Bool
}

public struct Comparison: Sendable, Equatable {
    public let lan: ComparisonArea
    public let riket: ComparisonArea
}

/// What one municipality brings to a comparison: an indicator's count for the year and its population.
struct Contribution: Sendable {
    let kommun: String
    let numerator: Int
    let population: Int?
}

extension IndicatorEngine {
    /// Count and rate indicators are compared; shares and distinct counts do not add up across municipalities.
    static func isComparable(_ definition: IndicatorDefinition) -> Bool {
        switch definition.measure {
        case .sum, .rate: true
        case .ratio, .distinct, .significantIncrease, .carriedOver: false
        }
    }

    /// Each comparable indicator's count for `year` in one municipality, and its population that year.
    /// Nil for an indicator whose source has no rows that year (unknown is not zero).
    func contributions(query: Query, kommun: KommunCode, year: Int) throws -> [Contribution?] {
        let population = try query.population()[year]
        return try definitions.map { definition in
            guard Self.isComparable(definition) else { return nil }
            let known = Set(try query.years(of: definition.measure.primary.kind))
            guard known.contains(year), let observation = try query.observations(definition.measure, years: [year], known: known)[year] else {
                return nil
            }
            return Contribution(kommun: kommun.rawValue, numerator: observation.numerator, population: population)
        }
    }

    /// The same contributions straight from SQL: one range seek on the key's (kommun, ar) prefix per
    /// indicator, touching only the year's rows. This keeps one municipality's report fast on a national
    /// database, where reading every municipality's rows into memory would take seconds.
    func contributionsFromSQL(db: Database, kommun: KommunCode, year: Int) throws -> [Contribution?] {
        let population = try Store.population(db, kommun: kommun, year: year)
        return try definitions.map { definition in
            guard Self.isComparable(definition) else { return nil }
            let selection = definition.measure.primary
            let conditions = selection.conditions.map { condition -> ColumnCondition in
                switch condition {
                case .oneOf(let field, let values): .oneOf(field.column, values)
                case .noneOf(let field, let values): .noneOf(field.column, values)
                case .atLeast(let field, let minimum): .atLeast(field.column, minimum)
                }
            }
            // Like the in-memory engine: NULLs are skipped; without a field each row counts one.
            let sum = try Store.yearSum(db, kind: selection.kind, kommun: kommun, year: year, conditions: conditions, field: selection.field?.column)
            guard sum.rows > 0 else { return nil }
            return Contribution(kommun: kommun.rawValue, numerator: sum.sum, population: population)
        }
    }

    /// Every municipality's contributions, read on as many threads as there are cores.
    func allContributions(year: Int, kommuner: [KommunCode]) throws -> [[Contribution?]] {
        try forEachKommun(kommuner) { db, index in try contributionsFromSQL(db: db, kommun: kommuner[index], year: year) }
    }

    /// The county's municipalities with their rates, masked as the tables are: a small count is hidden, and when that
    /// leaves exactly one hidden, the next smallest count is hidden too (else the county total minus the shown counts
    /// would give it away).
    static func members(_ contributions: [Contribution], per: Double, definition: IndicatorDefinition, threshold: Int) -> [ComparisonMember] {
        let sorted = contributions.sorted { $0.kommun < $1.kommun }
        var hidden = Set(sorted.indices.filter { definition.masksSmallCounts && (1..<threshold).contains(sorted[$0].numerator) })
        var secondary: Int?
        if hidden.count == 1, let next = sorted.indices.filter({ !hidden.contains($0) && sorted[$0].numerator > 0 })
            .min(by: { (sorted[$0].numerator, sorted[$0].kommun) < (sorted[$1].numerator, sorted[$1].kommun) }) {
            hidden.insert(next)
            secondary = next
        }
        return sorted.enumerated().map { index, member in
            let value = member.population.flatMap { $0 > 0 ? rounded(Double(member.numerator) * per / Double($0), definition.decimals) : nil }
            return ComparisonMember(kommun: member.kommun, count: member.numerator, population: member.population, value: value,
                                    suppressed: hidden.contains(index), secondary: index == secondary)
        }
    }

    /// Attaches county and national figures to every comparable indicator of each report, from the
    /// contributions of all municipalities in the store (`table[i]` belongs to `kommuner[i]`).
    static func attachComparisons(to report: inout IndicatorReport, table: [[Contribution?]], threshold: Int) {
        guard table.count > 1 else { return }
        let own = report.kommun.rawValue
        guard let lanCode = RegionRegister.region(own)?.lanCode, let lan = RegionRegister.region(lanCode) else { return }
        let lanSize = RegionRegister.kommuner.filter { $0.lanCode == lanCode }.count
        let riketSize = RegionRegister.kommuner.count
        for index in report.indicators.indices {
            let definition = report.indicators[index].definition
            guard isComparable(definition) else { continue }
            let present = table.compactMap { $0[index] }
            guard let mine = present.first(where: { $0.kommun == own }), present.count > 1 else { continue }
            let inLan = present.filter { RegionRegister.region($0.kommun)?.lanCode == lanCode }
            func area(_ code: String, _ name: String, _ members: [Contribution], of: Int, test: Bool) -> ComparisonArea {
                let total = members.reduce(0) { $0 + $1.numerator }
                var value: Double?
                var contributing = members.count
                switch definition.measure {
                case .rate(_, let per):
                    let withPopulation = members.filter { ($0.population ?? 0) > 0 }
                    contributing = withPopulation.count
                    let population = withPopulation.reduce(0) { $0 + $1.population! }
                    let count = withPopulation.reduce(0) { $0 + $1.numerator }
                    value = population > 0 ? rounded(Double(count) * per / Double(population), definition.decimals) : nil
                default:
                    value = Double(total)
                }
                let others = total - mine.numerator
                let small = 1..<threshold
                let suppressed = definition.masksSmallCounts && (small.contains(total) || small.contains(others))
                var pValue: Double?, result: ComparisonResult?
                if test, definition.testsTrend, let ownPopulation = mine.population, ownPopulation > 0 {
                    let rest = members.filter { $0.kommun != own && ($0.population ?? 0) > 0 }
                    let restPopulation = rest.reduce(0) { $0 + $1.population! }
                    if !rest.isEmpty && restPopulation > 0 {
                        let restCount = rest.reduce(0) { $0 + $1.numerator }
                        let p = Statistics.poissonTestPValue(x1: mine.numerator, x2: restCount,
                                                             exposure1: Double(ownPopulation), exposure2: Double(restPopulation))
                        pValue = p
                        let ownRate = Double(mine.numerator) / Double(ownPopulation), restRate = Double(restCount) / Double(restPopulation)
                        result = p < alpha ? (ownRate > restRate ? .higher : ownRate < restRate ? .lower : .noSignificantDifference) : .noSignificantDifference
                    }
                }
                var comparisonArea = ComparisonArea(code: code, name: name, value: value, suppressed: suppressed, municipalities: contributing,
                                                    of: of, pValue: pValue, result: result)
                if test, case .rate(_, let per) = definition.measure {
                    comparisonArea.members = Self.members(members, per: per, definition: definition, threshold: threshold)
                }
                return comparisonArea
            }
            report.indicators[index].comparison = Comparison(
                lan: area(lanCode, lan.name, inLan, of: lanSize, test: true),
                riket: area("00", "Riket", present, of: riketSize, test: false))
        }
    }
}
