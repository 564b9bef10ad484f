import LagesbildModel
import LagesbildStore

/// The rules that make an official table's cells into one population figure per region and year.
///
/// Population is a stock (SCB: `measuringType: Stock`, the yearly table's reference period "31 december
/// respektive år"): it is never summed over time, and a part of it (one age, one sex, one civil status) is
/// never taken for all of it.

/// A time code of SCB's tables: `2024`, `2024M12` (month), `2024K4` (quarter; `2024Q4` in English tables).
enum StatisticsPeriod: Equatable {
    case year(Int)
    case month(year: Int, month: Int)
    case quarter(year: Int, quarter: Int)

    init?(_ code: String) {
        let text = code.trimmingCharacters(in: .whitespaces)
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 4, scalars.prefix(4).allSatisfy({ ("0"..."9").contains($0) }), let year = Int(String(text.prefix(4))) else { return nil }
        let rest = String(String.UnicodeScalarView(scalars.dropFirst(4)))
        if rest.isEmpty { self = .year(year); return }
        let marker = rest.prefix(1).uppercased()
        guard let number = Int(rest.dropFirst()), rest.dropFirst().allSatisfy(\.isASCII) else { return nil }
        switch marker {
        case "M" where (1...12).contains(number): self = .month(year: year, month: number)
        case "K", "Q":
            guard (1...4).contains(number) else { return nil }
            self = .quarter(year: year, quarter: number)
        default: return nil
        }
    }

    var year: Int {
        switch self {
        case .year(let year), .month(let year, _), .quarter(let year, _): year
        }
    }

    /// The value of a stock at the year's end: the yearly value, December's or the fourth quarter's.
    var isYearEnd: Bool {
        switch self {
        case .year: true
        case .month(_, let month): month == 12
        case .quarter(_, let quarter): quarter == 4
        }
    }

    /// For each year, the one period whose value is the year's population: the yearly value when the table
    /// has it, else December's, else the fourth quarter's. Years without any are left out.
    static func yearEnds(_ periods: [StatisticsPeriod?]) -> [Int: Int] {
        var chosen: [Int: Int] = [:]
        func rank(_ period: StatisticsPeriod) -> Int {
            switch period {
            case .year: 0
            case .month: 1
            case .quarter: 2
            }
        }
        for (index, period) in periods.enumerated() {
            guard let period, period.isYearEnd else { continue }
            if let current = chosen[period.year], let other = periods[current], rank(other) <= rank(period) { continue }
            chosen[period.year] = index
        }
        return chosen
    }
}

/// How one breakdown dimension of a population table (age, sex, civil status, …) gives the whole population.
enum WholePopulation: Equatable {
    /// Take the category at this index: the table's total.
    case total(Int)
    /// Sum the categories: together they are the whole population.
    case sumAll
    /// The file holds only a part of the population.
    case refused(ImportProblem)

    /// `label` is the dimension's name as the table shows it ("ålder"); `codes` and `labels` its categories;
    /// `eliminationCode` SCB's code for the total, when the file names one; `aggregationAllowed` false when
    /// the table's metadata forbids summing (`aggregallowed: false`).
    static func choose(id: String, label: String, codes: [String], labels: [String: String], eliminationCode: String?,
                       aggregationAllowed: Bool) -> WholePopulation {
        if let eliminationCode, let index = codes.firstIndex(of: eliminationCode) { return .total(index) }
        if let index = codes.firstIndex(where: { JSONStat.isTotal($0, labels[$0]) }) { return .total(index) }
        let shown = codes.map { labels[$0] ?? $0 }
        let name = label.isEmpty ? id : label
        if codes.count == 1 { return .refused(.populationPart(dimension: name, values: shown)) }
        if !aggregationAllowed { return .refused(.populationNotSummable(dimension: name)) }
        let keys = [TextKey.fold(id), TextKey.fold(label)]
        func texts(_ code: String) -> [String] { [TextKey.fold(code), TextKey.fold(labels[code] ?? "")] }
        if keys.contains(where: { ["kon", "sex", "gender"].contains($0) }) {
            let men = codes.contains { texts($0).contains { ["1", "m", "man", "men", "males", "man (men)"].contains($0) } }
            let women = codes.contains { texts($0).contains { ["2", "k", "kvinnor", "women", "females"].contains($0) } }
            return men && women && codes.count == 2 ? .sumAll : .refused(.populationPart(dimension: name, values: shown))
        }
        if keys.contains(where: { $0.hasPrefix("civilstand") || $0 == "maritalstatus" }) {
            let groups: [[String]] = [["og", "ogifta", "ogift"], ["g", "gifta", "gift"], ["sk", "skilda", "skild"],
                                      ["ankl", "ankor/anklingar", "ankor och anklingar", "anka/ankling", "ankling/anka"]]
            let found = groups.map { group in codes.contains { texts($0).contains(where: group.contains) } }
            return found.allSatisfy { $0 } && codes.count == groups.count ? .sumAll : .refused(.populationPart(dimension: name, values: shown))
        }
        if keys.contains(where: { ["alder", "age"].contains($0) }) {
            let classes = codes.map { code in AgeClass(code) ?? AgeClass(labels[code] ?? "") }
            return AgeClass.coverEveryAge(classes) ? .sumAll : .refused(.populationAgesIncomplete(values: shown))
        }
        return .refused(.populationUnknownDimension(dimension: name, values: shown))
    }
}

/// An age class: "0", "0 år", "5-9", "5–9 år", "100+", "100+ år", "100 år och äldre".
struct AgeClass {
    let lower: Int
    /// nil for the open top class.
    let upper: Int?

    init?(_ text: String) {
        var rest = Substring(text.lowercased().trimmingCharacters(in: .whitespaces))
        for suffix in [" år och äldre", " år eller äldre", " och äldre", " år", "år"] where rest.hasSuffix(suffix) {
            let open = suffix.contains("äldre")
            rest = rest.dropLast(suffix.count)
            if open { rest += "+" }
            break
        }
        if rest.hasSuffix("+"), let lower = Int(rest.dropLast()) {
            self.lower = lower
            self.upper = nil
            return
        }
        let parts = rest.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 1, let single = Int(parts[0]) {
            lower = single
            upper = single
        } else if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low <= high {
            lower = low
            upper = high
        } else {
            return nil
        }
    }

    /// True when the classes run from age 0 to an open top class with no gap and no overlap.
    static func coverEveryAge(_ classes: [AgeClass?]) -> Bool {
        guard !classes.contains(where: { $0 == nil }) else { return false }
        let sorted = classes.compactMap { $0 }.sorted { $0.lower < $1.lower }
        var next = 0
        for (index, ageClass) in sorted.enumerated() {
            guard ageClass.lower == next else { return false }
            guard let upper = ageClass.upper else { return index == sorted.count - 1 }
            next = upper + 1
        }
        return false
    }
}
