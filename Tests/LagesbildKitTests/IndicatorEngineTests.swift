import Foundation
import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

/// The required indicators on Tests/Fixtures/indicators, with every expected value worked out by hand in
/// the comments (p-values from SciPy).
@Suite struct IndicatorEngineTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/indicators")

    static func store() throws -> Store {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString).sqlite").path
        let store = try Store.create(path: path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
        _ = try Importer(store: store).importFiles(["signaler.csv", "befolkning.csv", "utbildning.csv", "samverkan.csv"]
            .map { fixtures.appendingPathComponent($0).path }, addingNames: true)
        return store
    }

    static func report(year: Int, baseYear: Int? = nil) throws -> IndicatorReport {
        try IndicatorEngine(store: store(), definitions: DefinitionLoader.builtIn()).evaluate(kommun: KommunCode("2313")!, year: year, baseYear: baseYear)
    }

    @Test func allRequiredIndicatorsAreShipped() throws {
        #expect(try DefinitionLoader.builtIn().map(\.id) == [
            "MO1-01", "MO1-02", "MO1-03", "MO1-04", "MO1-05", "MO1-06", "MO1-07", "MO1-08", "MO1-09", "MO2-01", "MO2-02", "MO2-03",
            "MO3-01", "MO3-02", "MO3-03",
        ])
    }

    @Test func signalCountsRatesAndTrends() throws {
        let report = try Self.report(year: 2024)
        // 70 + 4 + 12 + 0 = 86 in 2024; 40 + 3 + 2 + 0 = 45 in 2023.
        let signals = try #require(report.indicator("MO1-01"))
        #expect(signals.value == 86)
        #expect(signals.previous == 45)
        #expect(signals.changeAbs == 41)
        #expect(signals.changeRel == 0.9111)
        #expect(abs(signals.pValue! - 0.0004305357384844261) < 1e-9)
        #expect(signals.trend == .increase)
        #expect(signals.series.map(\.year) == [2023, 2024, 2025])
        #expect(signals.series.map(\.value) == [45, 86, 0])

        // 86 × 10 000 / 11 500 = 74.78; 45 × 10 000 / 11 700 = 38.46. Test with population as exposure.
        let rate = try #require(report.indicator("MO1-02"))
        #expect(rate.value == 74.8)
        #expect(rate.previous == 38.5)
        #expect(abs(rate.pValue! - 0.00022595506023675318) < 1e-9)
        #expect(rate.trend == .increase)

        // Centrum, Hammerdal, Gäddede have antal ≥ 1 in both years; Backe reported 0.
        #expect(report.indicator("MO1-03")?.value == 3)
        #expect(report.indicator("MO1-03")?.trend == .noSignificantChange)

        // Centrum 40 → 70 (p 0.0054) and Gäddede 2 → 12 (p 0.013) rose significantly; Hammerdal 3 → 4 did not.
        let increase = try #require(report.indicator("MO1-04"))
        #expect(increase.value == 2)
        #expect(increase.listed == ["Centrum", "Gäddede"])
        #expect(increase.note == "Centrum (40 → 70), Gäddede (2 → 12)")

        // 18 / 86 = 20.93 %; 6 / 45 = 13.33 %; Fisher p 0.347.
        let concern = try #require(report.indicator("MO1-05"))
        #expect(concern.value == 20.9)
        #expect(concern.previous == 13.3)
        #expect(abs(concern.pValue! - 0.3471054426863489) < 1e-9)
        #expect(concern.trend == .noSignificantChange)
        // 25 / 86 = 29.07 %; 13 / 45 = 28.89 %.
        #expect(report.indicator("MO1-06")?.value == 29.1)
        #expect(report.indicator("MO1-06")?.previous == 28.9)

        // Four sources reported, Fritid with zero.
        #expect(report.indicator("MO1-07")?.value == 4)
    }

    @Test func collaborationAndTraining() throws {
        let report = try Self.report(year: 2024)
        let actors = try #require(report.indicator("MO1-08"))
        #expect(actors.value == 4)
        #expect(actors.previous == 2)
        #expect(actors.breakdowns.first?.cells.map(\.key) == ["forvaltning", "myndighet", "forening", "trossamfund"])
        #expect(actors.breakdowns.first?.cells.map(\.value) == [1, 1, 1, 1])
        // Polisen, IFK Strömsund, Svenska kyrkan are outside the municipality's own förvaltningar.
        #expect(report.indicator("MO1-09")?.value == 3)

        // (150 + 150) / (200 + 300) = 60.0 %; 2023: (80 + 150) / 500 = 46.0 %; Fisher p 1.19e-5.
        let basic = try #require(report.indicator("MO2-01"))
        #expect(basic.value == 60)
        #expect(basic.previous == 46)
        #expect(basic.trend == .increase)
        #expect(abs(basic.pValue! - 1.1946628538231831e-05) < 1e-12)
        let perDepartment = try #require(basic.breakdowns.first)
        #expect(perDepartment.cells.map(\.label) == ["Socialförvaltningen", "Barn- och utbildningsförvaltningen"])
        #expect(perDepartment.cells.map(\.value) == [75, 50])
        #expect(perDepartment.cells.map(\.previous) == [40, 50])
        // Training figures are never masked.
        #expect(perDepartment.cells.allSatisfy { !$0.suppressed })

        // Three of the four förvaltningar with a fördjupad row have someone trained.
        let deep = try #require(report.indicator("MO2-02"))
        #expect(deep.value == 3)
        #expect(deep.note == "3 av 4")
        // 25 / 41 = 60.98 %.
        #expect(report.indicator("MO2-03")?.value == 61)
        #expect(report.indicator("MO2-03")?.previous == nil)
        #expect(report.indicator("MO2-03")?.trend == nil)
    }

    @Test func breakdownNeedingSecondarySuppression() throws {
        let report = try Self.report(year: 2024)
        let signals = try #require(report.indicator("MO1-01"))
        let areas = try #require(signals.breakdowns.first { $0.field.column == .area })
        // Hammerdal (4) is below 5 and masked; being the only one, the next smallest non-zero cell,
        // Gäddede (12), is masked too, so 86 − 70 − 0 cannot reveal it. Backe's 0 is shown.
        #expect(areas.cells.map(\.label) == ["Centrum", "Gäddede", "Hammerdal", "Backe"])
        #expect(areas.cells.map(\.value) == [70, 12, 4, 0])
        #expect(areas.cells.map(\.suppressed) == [false, true, true, false])
        // Gäddede is hidden only to protect Hammerdal: its own count is not small.
        #expect(areas.cells.map(\.secondary) == [false, true, false, false])
        // 2023: Hammerdal 3 and Gäddede 2 are both below 5: two masked cells need no secondary suppression.
        #expect(areas.cells.map(\.previousSuppressed) == [false, true, true, false])
        #expect(areas.cells.map(\.previousSecondary) == [false, false, false, false])
        #expect(!signals.suppressed)

        let categories = try #require(signals.breakdowns.first { $0.field.column == .category })
        #expect(categories.cells.map(\.key) == ["flygblad", "klotter", "symboler", "uttalanden"])
        #expect(categories.cells.map(\.suppressed) == [true, false, false, true])
        // flygblad's 4 is masked; uttalanden's 12, the next smallest, is hidden to protect it.
        #expect(categories.cells.map(\.secondary) == [false, false, false, true])
    }

    @Test func aYearWithNoSignalsAndNoPopulation() throws {
        let report = try Self.report(year: 2025)
        let signals = try #require(report.indicator("MO1-01"))
        #expect(signals.value == 0)
        #expect(!signals.suppressed)
        #expect(signals.previous == 86)
        #expect(signals.trend == .decrease)
        let rate = try #require(report.indicator("MO1-02"))
        #expect(rate.value == nil)
        #expect(rate.note == "befolkningsuppgift saknas för 2025")
        #expect(rate.trend == nil)
        #expect(report.indicator("MO1-05")?.value == nil)
        #expect(report.indicator("MO1-05")?.note == "inga uppgifter att räkna andelen på")
        // Two sources reported zero: they still count as reporting.
        #expect(report.indicator("MO1-07")?.value == 2)
        #expect(report.indicator("MO1-04")?.value == 0)
        // No training data for 2025 at all: no value rather than zero.
        #expect(report.indicator("MO2-01")?.value == nil)
    }

    @Test func compareAnyTwoYears() throws {
        let report = try Self.report(year: 2025, baseYear: 2023)
        #expect(report.baseYear == 2023)
        #expect(report.indicator("MO1-01")?.previous == 45)
        #expect(report.indicator("MO1-01")?.value == 0)
    }

    @Test func smallTotalsAreMaskedAndSoAreRatesBuiltOnThem() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mask-\(UUID().uuidString).sqlite").path
        let store = try Store.create(path: path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("small-\(UUID().uuidString).csv")
        try "år;kategori;antal;orosanmälningar\n2024;klotter;3;1\n".write(to: file, atomically: true, encoding: .utf8)
        let population = FileManager.default.temporaryDirectory.appendingPathComponent("pop-\(UUID().uuidString).csv")
        try "år;invånare\n2024;11500\n".write(to: population, atomically: true, encoding: .utf8)
        _ = try Importer(store: store).importFiles([file.path, population.path], addingNames: true)
        let report = try IndicatorEngine(store: store, definitions: DefinitionLoader.builtIn()).evaluate(kommun: KommunCode("2313")!, year: 2024)
        #expect(report.indicator("MO1-01")?.suppressed == true)
        #expect(report.indicator("MO1-02")?.suppressed == true)
        #expect(report.indicator("MO1-05")?.suppressed == true)
        // Counts of areas and sources are not masked.
        #expect(report.indicator("MO1-07")?.suppressed == false)
        try store.setMaskThreshold(3)
        let lower = try IndicatorEngine(store: store, definitions: DefinitionLoader.builtIn()).evaluate(kommun: KommunCode("2313")!, year: 2024)
        #expect(lower.indicator("MO1-01")?.suppressed == false)
        #expect(lower.indicator("MO1-05")?.suppressed == true)
    }
}
