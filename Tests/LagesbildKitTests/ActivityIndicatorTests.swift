import Foundation
import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

/// MO3-01…03 on Tests/Fixtures/indicators/aktiviteter.csv, every value worked out by hand below.
///
/// 2023: genomförd 1 (Leda samverkan), pågående 2, ej påbörjad 1, inställd 1 (Demokratidag): 5 activities,
/// 4 not cancelled. 2024: genomförd 4 (Leda samverkan, Kartlägga samverkan, Demokratidag, Rutiner för
/// informationsdelning), pågående 1, ej påbörjad 1, inställd 1 (Ärendehantering VBE): 7 activities, 6 not
/// cancelled. Carried over into 2024: Kartlägga samverkan (pågående 2023) and Nano-utbildning (pågående
/// 2023); not Leda samverkan (done), not Demokratidag (cancelled in 2023), not Informationsmaterial (absent).
@Suite struct ActivityIndicatorTests {
    static func report(year: Int) throws -> IndicatorReport {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("activities-\(UUID().uuidString).sqlite").path
        let store = try Store.create(path: path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
        _ = try Importer(store: store).importFiles([IndicatorEngineTests.fixtures.appendingPathComponent("aktiviteter.csv").path], addingNames: true)
        return try IndicatorEngine(store: store, definitions: DefinitionLoader.builtIn()).evaluate(kommun: KommunCode("2313")!, year: year)
    }

    @Test func shareOfActivitiesDoneLeavesCancelledOnesOut() throws {
        let report = try Self.report(year: 2024)
        let done = try #require(report.indicators.first { $0.definition.id == "MO3-01" })
        // 4 / 6 = 66.7 %; 2023: 1 / 4 = 25.0 %.
        #expect(done.value == 66.7)
        #expect(done.previous == 25.0)
        #expect(done.changeAbs == 41.7)
        // Fisher's exact test on [[4, 2], [1, 3]]: SciPy fisher_exact gives 0.5238095238095238.
        #expect(abs((done.pValue ?? 0) - 0.5238095238095238) < 1e-9)
        #expect(done.trend == .noSignificantChange)
        #expect(done.suppressed == false)
        let areas = try #require(done.breakdowns.first { $0.field.column == .targetArea })
        // Target area 1: 2/2; 2: 1/3 (Rutiner done, Nano ongoing, Fördjupad not started); 3: 1/1 (the
        // cancelled one left out). 2023: 1/2, 0/1, 0/1 (Informationsmaterial; Demokratidag cancelled).
        #expect(areas.cells.map(\.key) == ["1", "2", "3"])
        #expect(areas.cells.map(\.label) == ["Organisation och samordning", "Kunskap och stöd", "Situations- och behovsanpassade åtgärder"])
        #expect(areas.cells.map(\.value) == [100.0, 33.3, 100.0])
        #expect(areas.cells.map(\.previous) == [50.0, 0.0, 0.0])
        let levels = try #require(done.breakdowns.first { $0.field.column == .level })
        // Universell: Leda, Nano, Demokratidag → 2/3; selektiv: Kartlägga, Rutiner, Fördjupad → 2/3; the only
        // indikerad activity was cancelled, so there is no share to show.
        #expect(levels.cells.map(\.key) == ["universell", "selektiv"])
        #expect(levels.cells.map(\.value) == [66.7, 66.7])
    }

    @Test func activitiesAreCountedByStatusWithoutMaskOrTest() throws {
        let report = try Self.report(year: 2024)
        let count = try #require(report.indicators.first { $0.definition.id == "MO3-02" })
        #expect(count.value == 7)
        #expect(count.previous == 5)
        #expect(count.pValue == nil && count.trend == nil)
        let statuses = try #require(count.breakdowns.first)
        #expect(statuses.cells.map(\.key) == ["genomford", "pagaende", "ej-paborjad", "installd"])
        #expect(statuses.cells.map(\.value) == [4, 1, 1, 1])
        #expect(statuses.cells.map(\.previous) == [1, 2, 1, 1])
        // One inställd activity is a small count, but activities are not events about people.
        #expect(!statuses.cells.contains { $0.suppressed })
    }

    @Test func carriedOverActivitiesAreListed() throws {
        let report = try Self.report(year: 2024)
        let carried = try #require(report.indicators.first { $0.definition.id == "MO3-03" })
        #expect(carried.value == 2)
        #expect(carried.listed == ["Kartlägga samverkan", "Nano-utbildning för alla anställda"])
        #expect(carried.suppressed == false)
        // The first year has no plan before it to carry anything from.
        let first = try #require(try Self.report(year: 2023).indicators.first { $0.definition.id == "MO3-03" })
        #expect(first.value == nil)
    }
}
