import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

/// Computes indicators from the store, following their definitions.
public struct IndicatorEngine: Sendable {
    public let store: Store
    public let definitions: [IndicatorDefinition]
    public let references: [ReferenceDefinition]

    public init(store: Store, definitions: [IndicatorDefinition], references: [ReferenceDefinition] = []) {
        self.store = store
        self.definitions = definitions
        self.references = references
    }

    /// The significance level for every test.
    public static let alpha = 0.05

    /// What a measure yields for one year (or one breakdown cell).
    struct Observation {
        var value: Double?
        /// The count behind the value: tested, and judged for masking.
        var numerator = 0
        /// A proportion's denominator, for Fisher's test.
        var denominator: Int?
        /// Population, for a rate's Poisson test.
        var exposure: Double?
        var note: String?
        var listed: [String] = []
    }

    /// Figures for `year`, compared with `baseYear` (by default the year before), disclosure control applied
    /// as flags (values stay exact; `suppressed` says what may not be published).
    public func evaluate(kommun: KommunCode, year: Int, baseYear: Int? = nil) throws -> IndicatorReport {
        let threshold = try store.maskThreshold()
        let name = try store.kommunName(kommun)
        var report = try store.read { db in
            try evaluate(query: Query(db: db, kommun: kommun), name: name, threshold: threshold, year: year, base: baseYear ?? year - 1)
        }
        // County and national figures need every municipality's counts; a store of one municipality has none.
        let kommuner = try store.kommunerWithData()
        if kommuner.count > 1 && definitions.contains(where: Self.isComparable) {
            Self.attachComparisons(to: &report, table: try allContributions(year: year, kommuner: kommuner), threshold: threshold)
        }
        report.references = try store.referenceValues(references, kommun: kommun, year: year)
        return report
    }

    /// Every municipality with data in the store, on as many threads as there are cores (each with its own
    /// read-only connection), in code order.
    public func evaluateAll(year: Int, baseYear: Int? = nil) throws -> [IndicatorReport] {
        let kommuner = try store.kommunerWithData()
        let threshold = try store.maskThreshold()
        let names = try kommuner.map { try store.kommunName($0) }
        let evaluated = try forEachKommun(kommuner) { db, index in
            // One read of each municipality's rows serves both its report and its part of the comparisons.
            let query = Query(db: db, kommun: kommuner[index])
            let report = try evaluate(query: query, name: names[index], threshold: threshold, year: year, base: baseYear ?? year - 1)
            return (report, try contributions(query: query, kommun: kommuner[index], year: year))
        }
        let table = evaluated.map(\.1)
        return try evaluated.map { entry in
            var report = entry.0
            Self.attachComparisons(to: &report, table: table, threshold: threshold)
            report.references = try store.referenceValues(references, kommun: report.kommun, year: year)
            return report
        }
    }

    /// `body` for each municipality, on as many threads as there are cores (each with its own read-only
    /// connection); the results in the order of `kommuner`.
    func forEachKommun<Value>(_ kommuner: [KommunCode], _ body: @escaping @Sendable (Database, Int) throws -> Value) throws -> [Value] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, kommuner.count))
        let results = LockedResults<Value>(count: kommuner.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                var configuration = Configuration()
                configuration.readonly = true
                let connection = try DatabaseQueue(path: store.path, configuration: configuration)
                try connection.read { db in
                    for index in stride(from: worker, to: kommuner.count, by: workers) {
                        results.set(index, .success(try body(db, index)))
                    }
                }
            } catch {
                results.fail(error)
            }
        }
        return try results.values()
    }

    private func evaluate(query: Query, name: String, threshold: Int, year: Int, base: Int) throws -> IndicatorReport {
        let kommun = query.kommun
        let years = try Array(Set(DataKind.allCases.filter(\.hasYear).flatMap { try query.years(of: $0) })).sorted()
        var results: [IndicatorResult] = []
        for definition in definitions {
            var result = try evaluate(definition, query: query, year: year, base: base)
            Disclosure.apply(to: &result, threshold: threshold)
            results.append(result)
        }
        return IndicatorReport(kommun: kommun, kommunName: name, year: year, baseYear: base, maskThreshold: threshold,
                               years: years, indicators: results)
    }

    private func evaluate(_ definition: IndicatorDefinition, query: Query, year: Int, base: Int) throws -> IndicatorResult {
        // A year counts for an indicator when its source has rows for that year: signals not reported for a
        // year are unknown, not zero.
        let sourceKind = definition.measure.primary.kind
        let known = try Set(query.years(of: sourceKind))
        let seriesYears = known.sorted()
        let observations = try query.observations(definition.measure, years: Array(Set(seriesYears + [year])).sorted(), known: known)
        let current = observations[year] ?? Observation(note: "inga uppgifter om \(sourceKind.rawValue) för \(year)")
        let previous = known.contains(base) ? observations[base] : nil

        var result = IndicatorResult(
            definition: definition,
            value: current.value.map { Self.rounded($0, definition.decimals) }, suppressed: false,
            previous: previous?.value.map { Self.rounded($0, definition.decimals) }, previousSuppressed: false,
            changeAbs: nil, changeRel: nil, pValue: nil, trend: nil,
            series: seriesYears.map { seriesYear in
                let observation = observations[seriesYear]
                return SeriesPoint(year: seriesYear, value: observation?.value.map { Self.rounded($0, definition.decimals) },
                                   suppressed: false, numerator: observation?.numerator ?? 0)
            },
            breakdowns: [], note: current.note, numerator: current.numerator, previousNumerator: previous?.numerator ?? 0,
            listed: current.listed)
        if let value = result.value, let earlier = result.previous {
            result.changeAbs = Self.rounded(value - earlier, definition.decimals)
            result.changeRel = earlier == 0 ? nil : Self.rounded((value - earlier) / earlier, 4)
        }
        if let previous, definition.testsTrend {
            (result.pValue, result.trend, result.changeTest) = Self.test(definition.measure, previous, current)
        }

        for breakdown in definition.breakdowns {
            let cells = try query.breakdown(definition.measure, by: breakdown.field, years: [year, base])
            var resultCells: [BreakdownCell] = []
            for key in cells.keys {
                let now = cells[key]?[year] ?? Observation(value: Self.zeroValue(definition.measure))
                let then = cells[key]?[base]
                var cell = BreakdownCell(key: key, label: breakdown.field.label(for: key),
                                         value: now.value.map { Self.rounded($0, definition.decimals) }, suppressed: false,
                                         previous: known.contains(base) ? (then?.value ?? Self.zeroValue(definition.measure)).map { Self.rounded($0, definition.decimals) } : nil,
                                         previousSuppressed: false, pValue: nil, trend: nil,
                                         numerator: now.numerator, previousNumerator: then?.numerator ?? 0)
                if known.contains(base) && definition.testsTrend {
                    (cell.pValue, cell.trend, cell.changeTest) = Self.test(definition.measure, then ?? Observation(value: Self.zeroValue(definition.measure)), now)
                }
                resultCells.append(cell)
            }
            resultCells.sort { Self.order($0, $1, field: breakdown.field) }
            result.breakdowns.append(BreakdownResult(field: breakdown.field, cells: resultCells))
        }
        return result
    }

    /// A cell absent in a year: 0 for counts, no value for proportions (0 of 0).
    static func zeroValue(_ measure: Measure) -> Double? {
        if case .ratio = measure { return nil }
        return 0
    }

    static func order(_ a: BreakdownCell, _ b: BreakdownCell, field: FieldReference) -> Bool {
        if let vocabulary = field.vocabulary {
            let codes = vocabulary.entries.map(\.code)
            return (codes.firstIndex(of: a.key) ?? codes.count) < (codes.firstIndex(of: b.key) ?? codes.count)
        }
        if a.key.isEmpty != b.key.isEmpty { return b.key.isEmpty }
        if (a.value ?? -1) != (b.value ?? -1) { return (a.value ?? -1) > (b.value ?? -1) }
        return a.label.compare(b.label, locale: Locale(identifier: "sv_SE")) == .orderedAscending
    }

    /// The exact test that fits the measure, and the trend it supports. Where even the most extreme outcome with these
    /// totals could not reach p < 0.05, there is no trend: the counts are too few to test (`tooFew`), which is not the
    /// same as "the difference may be chance".
    static func test(_ measure: Measure, _ earlier: Observation, _ later: Observation) -> (Double?, Trend?, ChangeTest) {
        guard let before = earlier.value, let after = later.value else { return (nil, nil, .notTested) }
        let p: Double, smallest: Double
        switch measure {
        case .ratio:
            guard let d1 = earlier.denominator, let d2 = later.denominator,
                  earlier.numerator <= d1, later.numerator <= d2 else { return (nil, nil, .notTested) }
            p = Statistics.fisherExactPValue(a: later.numerator, b: d2 - later.numerator, c: earlier.numerator, d: d1 - earlier.numerator)
            smallest = Statistics.smallestFisherPValue(row1: d2, column1: later.numerator + earlier.numerator, total: d1 + d2)
        case .rate:
            guard let e1 = earlier.exposure, let e2 = later.exposure else { return (nil, nil, .notTested) }
            p = Statistics.poissonTestPValue(x1: earlier.numerator, x2: later.numerator, exposure1: e1, exposure2: e2)
            smallest = Statistics.smallestPoissonPValue(total: earlier.numerator + later.numerator, exposure1: e1, exposure2: e2)
        case .sum, .distinct, .significantIncrease, .carriedOver:
            p = Statistics.poissonTestPValue(x1: earlier.numerator, x2: later.numerator)
            smallest = Statistics.smallestPoissonPValue(total: earlier.numerator + later.numerator)
        }
        // Nothing in either year: nothing changed and nothing to test.
        if earlier.numerator + later.numerator == 0 { return (p, nil, .notTested) }
        if smallest >= alpha { return (p, nil, .tooFew) }
        let trend: Trend = p < alpha ? (after > before ? .increase : after < before ? .decrease : .noSignificantChange) : .noSignificantChange
        return (p, trend, .tested)
    }

    package static func rounded(_ value: Double, _ decimals: Int) -> Double {
        let factor = pow(10.0, Double(decimals))
        return (value * factor).rounded() / factor
    }
}

/// The SQL behind the building blocks. Column names come from the kinds' declared columns, never from
/// the definition files' text, and every value is bound.
final class Query {
    typealias Observation = IndicatorEngine.Observation
    let db: Database
    let kommun: KommunCode
    private var tables: [DataKind: FactTable] = [:]
    private var yearsByKind: [DataKind: [Int]] = [:]

    init(db: Database, kommun: KommunCode) {
        self.db = db
        self.kommun = kommun
    }

    /// The municipality's rows of a kind, read once per evaluation.
    func facts(_ kind: DataKind) throws -> FactTable {
        if let table = tables[kind] { return table }
        let table = try FactTable(db: db, kind: kind, kommun: kommun)
        tables[kind] = table
        return table
    }

    /// Whether row `index` passes every condition of the selection.
    private func predicate(_ selection: Selection, _ table: FactTable) -> (Int) -> Bool {
        let tests: [(Int) -> Bool] = selection.conditions.map { condition in
            switch condition {
            case .oneOf(let field, let values), .noneOf(let field, let values):
                let wanted = Set(values.compactMap { table.id(of: $0, in: field.column) })
                let column = table.texts[field.column] ?? []
                if case .oneOf = condition { return { wanted.contains(column[$0]) } }
                return { !wanted.contains(column[$0]) }
            case .atLeast(let field, let minimum):
                if let column = table.integers[field.column] {
                    return { column[$0] != FactTable.missing && Int(column[$0]) >= minimum }
                }
                return { _ in false }
            }
        }
        return { index in tests.allSatisfy { $0(index) } }
    }

    /// Per year (and per `group` value): the sum of the selection's field, or the count of its distinct
    /// non-empty values. Accumulates into flat arrays indexed by (group, year), the hot loop of the engine.
    func aggregate(_ selection: Selection, distinct: Bool, group: FieldReference? = nil, years: [Int]? = nil) throws -> [String: [Int: Int]] {
        let table = try facts(selection.kind)
        guard table.count > 0 else { return [:] }
        let passes = predicate(selection, table)
        let yearColumn = table.integers[.year] ?? []
        let firstYear = Int(yearColumn.min() ?? 0), yearSpan = Int(yearColumn.max() ?? 0) - firstYear + 1
        var wantedYear = [Bool](repeating: years == nil, count: yearSpan)
        for year in years ?? [] where year >= firstYear && year - firstYear < yearSpan { wantedYear[year - firstYear] = true }

        // Groups: an interned text column's ids, or an integer column's distinct values.
        var groupNames: [String] = [""]
        var groupOf: (Int) -> Int = { _ in 0 }
        if let group, let column = table.texts[group.column], let names = table.dictionary[group.column] {
            groupNames = names
            groupOf = { Int(column[$0]) }
        } else if let group, let column = table.integers[group.column] {
            var index: [Int32: Int] = [:]
            groupNames = []
            for value in Set(column).sorted() {
                index[value] = groupNames.count
                groupNames.append(value == FactTable.missing ? "" : String(value))
            }
            groupOf = { index[column[$0]]! }
        }
        let cells = groupNames.count * yearSpan
        var present = [Bool](repeating: false, count: cells)
        var sums = [Int](repeating: 0, count: distinct ? 0 : cells)
        var sets = [Set<Int32>](repeating: [], count: distinct ? cells : 0)
        let countsRows = selection.field == nil
        let values = selection.field.flatMap { table.integers[$0.column] }
        let textValues = selection.field.flatMap { table.texts[$0.column] }
        let emptyID = selection.field.flatMap { table.id(of: "", in: $0.column) }
        // A zero report (``ZeroReport``) has no kategori, miljö or område: breakdowns by them leave it out (its källa
        // counts as reporting, and by källa it shows as 0).
        let markers = group != nil && group?.column != ZeroReport.sourceColumn ? table.texts[ZeroReport.marker] : nil
        let zeroReportID = markers.flatMap { _ in table.id(of: ZeroReport.markerValue, in: ZeroReport.marker) }
        for index in 0..<table.count {
            let yearIndex = Int(yearColumn[index]) - firstYear
            guard wantedYear[yearIndex], passes(index) else { continue }
            if let markers, let zeroReportID, markers[index] == zeroReportID { continue }
            let cell = groupOf(index) * yearSpan + yearIndex
            if distinct {
                guard let textValues, textValues[index] != emptyID else { continue }
                present[cell] = true
                sets[cell].insert(textValues[index])
            } else if countsRows {
                present[cell] = true
                sums[cell] += 1
            } else if let values {
                present[cell] = true
                // SQL's SUM: NULLs are skipped, but a group with rows still has a sum.
                if values[index] != FactTable.missing { sums[cell] += Int(values[index]) }
            }
        }
        var result: [String: [Int: Int]] = [:]
        for cell in 0..<cells where present[cell] {
            result[groupNames[cell / yearSpan], default: [:]][firstYear + cell % yearSpan] = distinct ? sets[cell].count : sums[cell]
        }
        return result
    }

    func years(of kind: DataKind) throws -> [Int] {
        if let known = yearsByKind[kind] { return known }
        let years = Set(try facts(kind).integers[.year] ?? []).map(Int.init).sorted()
        yearsByKind[kind] = years
        return years
    }

    /// Inhabitants of the whole municipality per year.
    func population() throws -> [Int: Int] {
        let table = try facts(.befolkning)
        let years = table.integers[.year] ?? [], inhabitants = table.integers[.population] ?? [], areas = table.texts[.area] ?? []
        let whole = table.id(of: "", in: .area)
        var result: [Int: Int] = [:]
        for index in 0..<table.count where areas[index] == whole {
            result[Int(years[index])] = Int(inhabitants[index])
        }
        return result
    }

    /// The measure for every year in `years`; years the store does not know get no value.
    func observations(_ measure: Measure, years: [Int], known: Set<Int>) throws -> [Int: Observation] {
        var result: [Int: Observation] = [:]
        switch measure {
        case .sum(let selection):
            let sums = try aggregate(selection, distinct: false)[""] ?? [:]
            for year in years where known.contains(year) {
                let sum = sums[year] ?? 0
                result[year] = Observation(value: Double(sum), numerator: sum)
            }
        case .distinct(let selection, let denominator):
            let counts = try aggregate(selection, distinct: true)[""] ?? [:]
            let totals = try denominator.map { try aggregate($0, distinct: true)[""] ?? [:] }
            for year in years where known.contains(year) {
                let count = counts[year] ?? 0
                var observation = Observation(value: Double(count), numerator: count)
                if let totals {
                    let total = totals[year] ?? 0
                    observation.denominator = total
                    observation.note = "\(count) av \(total)"
                }
                result[year] = observation
            }
        case .ratio(let numerator, let denominator, let scale):
            let top = try aggregate(numerator, distinct: false)[""] ?? [:]
            let bottom = try aggregate(denominator, distinct: false)[""] ?? [:]
            for year in years where known.contains(year) {
                result[year] = Self.ratio(top[year] ?? 0, bottom[year] ?? 0, scale: scale)
            }
        case .rate(let numerator, let per):
            let sums = try aggregate(numerator, distinct: false)[""] ?? [:]
            let population = try population()
            for year in years where known.contains(year) {
                let sum = sums[year] ?? 0
                if let inhabitants = population[year], inhabitants > 0 {
                    result[year] = Observation(value: Double(sum) * per / Double(inhabitants), numerator: sum, exposure: Double(inhabitants))
                } else {
                    result[year] = Observation(value: nil, numerator: sum, note: "befolkningsuppgift saknas för \(year)")
                }
            }
        case .significantIncrease(let selection, let by):
            let perKey = try aggregate(selection, distinct: false, group: by)
            for year in years where known.contains(year) {
                guard known.contains(year - 1) else {
                    result[year] = Observation(value: nil, note: "inget föregående år att jämföra med")
                    continue
                }
                var increased: [(String, Int, Int)] = []
                for (key, sums) in perKey where !key.isEmpty {
                    let before = sums[year - 1] ?? 0, after = sums[year] ?? 0
                    if after > before && Statistics.poissonTestPValue(x1: before, x2: after) < IndicatorEngine.alpha {
                        increased.append((by.label(for: key), before, after))
                    }
                }
                increased.sort { $0.0.compare($1.0, locale: Locale(identifier: "sv_SE")) == .orderedAscending }
                var observation = Observation(value: Double(increased.count), numerator: increased.count)
                observation.listed = increased.map(\.0)
                if !increased.isEmpty {
                    observation.note = increased.map { "\($0.0) (\($0.1) → \($0.2))" }.joined(separator: ", ")
                }
                result[year] = observation
            }
        case .carriedOver(let selection):
            for year in years where known.contains(year) {
                guard known.contains(year - 1) else {
                    result[year] = Observation(value: nil, note: "inget föregående år att jämföra med")
                    continue
                }
                let carried = try carriedOver(selection, into: year)
                var observation = Observation(value: Double(carried.count), numerator: carried.count)
                // The names are listed (JSON `listed`, the report's sentence), not repeated as a note.
                observation.listed = carried
                result[year] = observation
            }
        }
        return result
    }

    /// Values of the selection's field on rows of `year − 1` that pass its conditions and also stand, on
    /// any row, in `year`; in Swedish order.
    func carriedOver(_ selection: Selection, into year: Int) throws -> [String] {
        guard let field = selection.field else { return [] }
        let table = try facts(selection.kind)
        guard let column = table.texts[field.column], let names = table.dictionary[field.column] else { return [] }
        let years = table.integers[.year] ?? []
        let passes = predicate(selection, table)
        var before = Set<Int32>(), after = Set<Int32>()
        for index in 0..<table.count {
            if Int(years[index]) == year - 1 && passes(index) { before.insert(column[index]) }
            if Int(years[index]) == year { after.insert(column[index]) }
        }
        return before.intersection(after).map { names[Int($0)] }.filter { !$0.isEmpty }
            .sorted { $0.compare($1, locale: Locale(identifier: "sv_SE")) == .orderedAscending }
    }

    static func ratio(_ numerator: Int, _ denominator: Int, scale: Double) -> Observation {
        guard denominator > 0 else {
            return Observation(value: nil, numerator: numerator, denominator: denominator, note: "inga uppgifter att räkna andelen på")
        }
        return Observation(value: Double(numerator) / Double(denominator) * scale, numerator: numerator, denominator: denominator)
    }

    /// The measure per value of `field`, for the given years.
    func breakdown(_ measure: Measure, by field: FieldReference, years: [Int]) throws -> [String: [Int: Observation]] {
        var result: [String: [Int: Observation]] = [:]
        switch measure {
        case .sum(let selection), .distinct(let selection, _):
            let distinct = if case .distinct = measure { true } else { false }
            for (key, byYear) in try aggregate(selection, distinct: distinct, group: field, years: years) {
                for (year, value) in byYear { result[key, default: [:]][year] = Observation(value: Double(value), numerator: value) }
            }
        case .ratio(let numerator, let denominator, let scale):
            let top = try aggregate(numerator, distinct: false, group: field, years: years)
            let bottom = try aggregate(denominator, distinct: false, group: field, years: years)
            for key in Set(top.keys).union(bottom.keys) {
                for year in years where top[key]?[year] != nil || bottom[key]?[year] != nil {
                    result[key, default: [:]][year] = Self.ratio(top[key]?[year] ?? 0, bottom[key]?[year] ?? 0, scale: scale)
                }
            }
        case .rate, .significantIncrease, .carriedOver:
            break // Refused when the definition is loaded.
        }
        return result
    }
}

/// Results filled in by several threads, each at its own index.
final class LockedResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, Error>?]
    private var failure: Error?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Value, Error>) {
        lock.lock(); slots[index] = value; lock.unlock()
    }

    func fail(_ error: Error) {
        lock.lock(); if failure == nil { failure = error }; lock.unlock()
    }

    func values() throws -> [Value] {
        if let failure { throw failure }
        return try slots.map { try $0!.get() }
    }
}
