import Foundation
import GRDB
import Testing
@testable import LagesbildIndicators
@testable import LagesbildIngest
@testable import LagesbildModel
@testable import LagesbildStore

/// A zero report: a källa says it saw no signals in a month (a signal row with antal 0 and no kategori). It is stored
/// like every row (history, undo), counts its källa as reporting, and never stands beside signals of the same month.
@Suite struct ZeroReportTests {
    let folder: URL
    let store: Store
    let kommun = KommunCode("2313")!

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-zero-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store.create(path: folder.appendingPathComponent("lagesbild.sqlite").path, kommun: kommun, name: "Strömsunds kommun")
    }

    func file(_ text: String) throws -> String {
        let path = folder.appendingPathComponent("signaler-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func importSignals(_ text: String) throws -> ImportReport { try Importer(store: store).importFiles([file(text)], addingNames: true) }

    func refusal(_ text: String) throws -> [String] {
        let before = try store.importLog().count
        var messages: [String] = []
        do {
            _ = try importSignals(text)
            Issue.record("imported: \(text)")
        } catch let failure as ImportFailure {
            messages = failure.errors.map { "rad \($0.line ?? 0), \($0.column ?? ""): \($0.problem.sentence)" }
        }
        #expect(try store.importLog().count == before, "nothing written")
        return messages
    }

    func status(year: Int = 2025) throws -> [String: ReportingStatus.Source] {
        Dictionary(uniqueKeysWithValues: try store.reportingStatus(kommun: kommun, year: year).signalSources.map { ($0.kalla, $0) })
    }

    func report(year: Int = 2025) throws -> IndicatorReport {
        try IndicatorEngine(store: store, definitions: DefinitionLoader.builtIn()).evaluate(kommun: kommun, year: year)
    }

    @Test func aZeroReportIsStoredCountedAndLeftOutOfBreakdowns() throws {
        _ = try importSignals("""
            år;månad;kategori;miljö;område;källa;antal;orosanmälningar
            2025;3;klotter;höger;Centrum;Grundskola;4;1
            2025;4;;;;Grundskola;0;
            2025;4;;;;Fritidsgården;0;0
            """)
        let rows = try store.storedRows(kind: .signaler, kommun: kommun, year: 2025, month: 4)
        #expect(rows.map { "\($0.text(.source)) [\($0.text(.category))] \($0.integer(.count) ?? -1)" } == ["Fritidsgården [] 0", "Grundskola [] 0"])

        // The overview's states: signals in March, a zero report in April, nothing in May.
        let school = try #require(try status()["Grundskola"])
        #expect(school.state(of: 3) == .signals && school.state(of: 4) == .zero && school.state(of: 5) == .missing)
        #expect(try status()["Fritidsgården"]?.state(of: 4) == .zero)

        // Two källor reported (MO1-07), one of them only "no signals"; the sums hold only the signals.
        let report = try report()
        #expect(report.indicator("MO1-07")?.value == 2)
        #expect(report.indicator("MO1-01")?.value == 4)
        #expect(report.indicator("MO1-03")?.value == 1)
        // By kategori, miljö and område the zero reports are not there at all (no empty group); by källa they are 0.
        let breakdowns = try #require(report.indicator("MO1-01")).breakdowns
        func keys(_ field: ColumnKey) -> [String] { breakdowns.first { $0.field.column == field }?.cells.map(\.key) ?? [] }
        #expect(keys(.category) == ["klotter"])
        #expect(keys(.environment) == ["hoger"])
        #expect(keys(.area) == ["Centrum"])
        #expect(Set(keys(.source)) == ["Grundskola", "Fritidsgården"])
        #expect(try store.check().isSound)
    }

    @Test func checkFindsANameOutsideItsRegister() throws {
        _ = try importSignals("år;månad;kategori;område;källa;antal\n2025;3;klotter;Centrum;Skola;2\n")
        #expect(try store.check().isSound)
        try store.write { db in try db.execute(sql: "DELETE FROM register WHERE kind = 'omraden' AND name = 'Centrum'") }
        #expect(try store.check().problems == ["1 rader i signal har ett namn i omrade som saknas i registret över områden"])
    }

    @Test func aRowWithoutKategoriMustBeAZeroReport() throws {
        #expect(try refusal("år;månad;kategori;källa;antal\n2025;4;;Skola;3\n") == [
            "rad 2, kategori: kategori saknas men antal är 3: en rad med signaler ska ha en kategori (en rad utan kategori är en nollrapport, inga signaler den månaden, och har antal 0)",
        ])
        #expect(try refusal("år;månad;kategori;område;källa;antal\n2025;4;;Centrum;Skola;0\n") == [
            "rad 2, område: en rad utan kategori är en nollrapport (inga signaler den månaden) och har ingen område; lämna område tom eller ange kategorin",
        ])
        #expect(try refusal("år;månad;kategori;källa;antal;polisanmälningar\n2025;4;;Skola;0;1\n").count == 1)
        #expect(try refusal("år;månad;kategori;källa;antal\n2025;4;;;0\n") == [
            "rad 2, källa: en rad utan kategori är en nollrapport (inga signaler den månaden) och ska ange källan som inte hade några signaler",
        ])
    }

    @Test func aZeroReportNeverStandsBesideSignals() throws {
        // In the same file.
        #expect(try refusal("år;månad;kategori;källa;antal\n2025;4;klotter;Skola;2\n2025;4;;Skola;0\n") == [
            "rad 3, kategori: nollrapport för källan \"Skola\" april 2025, men rad 2 har signaler för samma källa och månad",
        ])
        // Over stored signals: refused, the signals stay.
        _ = try importSignals("år;månad;kategori;källa;antal\n2025;4;klotter;Skola;2\n2025;4;flygblad;Skola;1\n")
        #expect(try refusal("år;månad;kategori;källa;antal\n2025;4;;Skola;0\n") == [
            "rad 2, kategori: nollrapport för källan \"Skola\" april 2025, men det finns redan 2 signalrader för samma källa och månad; ta bort dem först (en nollrapport ersätter inga signaler)",
        ])
        // Another källa, or another month, is fine.
        _ = try importSignals("år;månad;kategori;källa;antal\n2025;4;;Fritid;0\n2025;5;;Skola;0\n")
        #expect(try store.check().isSound)
    }

    @Test func laterSignalsReplaceAZeroReportAndUndoBringsItBack() throws {
        let zero = try #require(try importSignals("år;månad;kategori;källa;antal\n2025;4;;Skola;0\n").files.first?.importID)
        let signals = try importSignals("år;månad;kategori;källa;antal\n2025;4;klotter;Skola;2\n")
        #expect(signals.lines == [
            "\(signals.files[0].fileName): signaler (UTF-8) – 1 nya, 0 ersatta, 0 oförändrade rader.",
            "\(signals.files[0].fileName): obs: 1 tidigare nollrapport (inga signaler) ersattes av signaler för samma källa och månad",
        ])
        #expect(try status()["Skola"]?.state(of: 4) == .signals)
        #expect(try store.check().isSound)
        let entry = try #require(signals.files.first?.importID)
        #expect(try store.importLog().first { $0.id == entry }?.rowsDeleted == 1)
        // The zero report's import cannot be undone past the signals that replaced it.
        #expect(throws: UndoError.self) { try store.undo(importID: zero) }

        let undone = try store.undo(importID: entry)
        #expect(undone.removed == 1 && undone.restored == 1)
        #expect(try status()["Skola"]?.state(of: 4) == .zero)
        _ = try store.undo(importID: zero)
        #expect(try status()["Skola"] == nil)
        #expect(try store.check().isSound)
    }

    @Test func aDryRunSaysWhatTheImportWould() throws {
        _ = try importSignals("år;månad;kategori;källa;antal\n2025;4;;Skola;0\n")
        let dry = try Importer(store: store).importFiles([file("år;månad;kategori;källa;antal\n2025;4;klotter;Skola;2\n")], dryRun: true, addingNames: true)
        #expect(dry.files.first?.notices == ["1 tidigare nollrapport (inga signaler) ersattes av signaler för samma källa och månad"])
        #expect(try status()["Skola"]?.state(of: 4) == .zero)
        do {
            _ = try Importer(store: store).importFiles([file("år;månad;kategori;källa;antal\n2025;4;klotter;Skola;2\n2025;4;;Skola;0\n")], dryRun: true, addingNames: true)
            Issue.record("dry run accepted a zero report beside signals")
        } catch let failure as ImportFailure {
            #expect(failure.errors.map(\.line) == [3])
        }
    }

    @Test func aMonthReportReplacesTheMonthAndSaysWhenNothingChanged() throws {
        _ = try importSignals("år;månad;kategori;källa;antal\n2025;4;klotter;Skola;2\n2025;4;flygblad;Skola;1\n2025;4;klotter;Fritid;5\n")
        let month = SourceMonth(kommun: "2313", year: 2025, month: 4, source: "Skola")
        // "No signals" for the month: Skola's two rows go to history under one entry; Fritid's stay.
        let zero = try Importer(store: store).importFiles([file("år;månad;kategori;källa;antal\n2025;4;;Skola;0\n")], kind: .signaler, addingNames: true,
                                                          replacing: .signalMonth(month))
        let entry = try #require(zero.files.first?.importID)
        #expect(try status()["Skola"]?.state(of: 4) == .zero)
        #expect(try store.storedRows(kind: .signaler, kommun: kommun, year: 2025, month: 4).count == 2)
        #expect(try store.importLog().first { $0.id == entry }?.rowsDeleted == 2)
        // The same again changes nothing and writes nothing.
        let before = try store.importLog().count
        let again = try Importer(store: store).importFiles([file("år;månad;kategori;källa;antal\n2025;4;;Skola;0\n")], kind: .signaler, addingNames: true,
                                                           replacing: .signalMonth(month))
        #expect(again.files.first?.changedNothing == true && again.files.first?.importID == nil)
        #expect(try store.importLog().count == before)
        // Undo brings the two rows back.
        _ = try store.undo(importID: entry)
        #expect(Set(try store.storedRows(kind: .signaler, kommun: kommun, year: 2025, month: 4).map { "\($0.text(.source)) \($0.text(.category))" })
                == ["Fritid klotter", "Skola flygblad", "Skola klotter"])
        #expect(try store.check().isSound)
    }
}
