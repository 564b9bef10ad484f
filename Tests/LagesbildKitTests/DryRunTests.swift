import Foundation
import GRDB
import Testing
@testable import LagesbildIngest
@testable import LagesbildModel
@testable import LagesbildStore

/// `import --dry-run` and the workspace's preview: the same report as the import (every count, duplicate,
/// earlier import and notice), nothing written, and SQLite's writer left free for everyone else meanwhile.
@Suite struct DryRunTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-dryrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func signals(_ rows: some Sequence<(area: Int, count: Int)>) -> String {
        "år;månad;kategori;område;källa;antal\n" + rows.map { "2024;1;klotter;Område \($0.area);Skola;\($0.count)\n" }.joined()
    }

    /// A store with `base` imported, one command per file.
    static func store(in folder: URL, _ name: String, base: [String]) throws -> Store {
        let store = try Store.create(path: folder.appendingPathComponent(name).path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
        for file in base { _ = try Importer(store: store).importFiles([file], addingNames: true) }
        return store
    }

    static func outcome(_ store: Store, _ files: [String], dryRun: Bool) -> Result<[FileImportResult], ImportFailure> {
        Result {
            let report = try Importer(store: store).importFiles(files, dryRun: dryRun, addingNames: true)
            #expect(report.dryRun == dryRun)
            return report.files
        }.mapError { $0 as! ImportFailure }
    }

    static func contents(_ store: Store) throws -> [String] {
        try store.read { db in
            try ["import_log", "signal", "signal_history", "befolkning", "referens", "referens_titel", "omrade_grans"].map { table in
                "\(table): " + (try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map(\.description).joined(separator: ", "))
            }
        }
    }

    @Test func aDryRunReportsExactlyWhatTheImportWouldDo() throws {
        let folder = try Self.folder()
        let base = try Self.write(Self.signals((0..<200).map { ($0, 1) }), "bas.csv", in: folder)
        // Groups of more than the writer's 128 rows per insert, new keys mixed with stored ones (half of them
        // changed), a stored row twice (unchanged both times, as the import counts it), a file that replaces
        // rows an earlier file of the same command wrote, copies of a stored and of an earlier file, and a
        // new område that only an earlier file of the command names.
        let changed = try Self.write(Self.signals((100..<400).map { ($0, $0 < 200 && $0 % 2 == 0 ? 1 : 2) } + [(area: 150, count: 1)]), "andrad.csv", in: folder)
        let again = try Self.write(Self.signals((300..<450).map { ($0, $0 < 350 ? 3 : 2) }), "igen.csv", in: folder)
        let baseCopy = try Self.write(Self.signals((0..<200).map { ($0, 1) }), "bas-kopia.csv", in: folder)
        let changedCopy = try Self.write(String(contentsOfFile: changed, encoding: .utf8), "andrad-kopia.csv", in: folder)
        let areas = try Self.write(Self.collection(["Område 1", "Område 420", "Ström"]), "omraden.geojson", in: folder)
        let workbook = folder.appendingPathComponent("blad.xlsx")
        let columns = ["år", "månad", "kategori", "område", "källa", "antal"].map { WorkbookWriter.Column(header: $0, width: 10) }
        let sheetRows = (190..<210).map { ["2024", "1", "klotter", "Område \($0)", "Skola", "7"] }
        try WorkbookWriter.write(WorkbookWriter.parts([WorkbookWriter.Sheet(name: "Första", columns: columns, rows: sheetRows),
                                                       WorkbookWriter.Sheet(name: "Andra", columns: columns, rows: sheetRows)], title: "Signaler"), to: workbook)
        let reference = IndicatorEngineTests.fixtures.deletingLastPathComponent().appendingPathComponent("reference")
        let command = [changed, again, baseCopy, changedCopy, areas, workbook.path,
                       reference.appendingPathComponent("kolada-kpi.json").path, reference.appendingPathComponent("scb-folkmangd-jamtland.json").path]

        let dryStore = try Self.store(in: folder, "prov.sqlite", base: [base])
        let realStore = try Self.store(in: folder, "skarp.sqlite", base: [base])
        let before = try Self.contents(dryStore)
        let dry = Self.outcome(dryStore, command, dryRun: true)
        let real = Self.outcome(realStore, command, dryRun: false)
        #expect(dry == real)
        let lines = try ImportReport(files: dry.get(), dryRun: true).lines.map {
            $0.replacingOccurrences(of: folder.path + "/", with: "").replacingOccurrences(of: reference.path + "/", with: "")
        }
        #expect(lines == [
            "andrad.csv: signaler (UTF-8) – 200 nya, 50 ersatta, 51 oförändrade rader.",
            "igen.csv: signaler (UTF-8) – 50 nya, 50 ersatta, 50 oförändrade rader.",
            "bas-kopia.csv: samma innehåll lästes redan in (import 1); inget ändrades.",
            "andrad-kopia.csv: samma innehåll lästes redan in (import 2); inget ändrades.",
            "omraden.geojson: omraden (GeoJSON, UTF-8) – 3 nya, 0 ersatta, 0 oförändrade rader.",
            "omraden.geojson: obs: området \"Ström\" finns inte bland signalernas områden; kontrollera stavningen",
            "blad.xlsx, blad \"Första\": signaler (xlsx) – 0 nya, 20 ersatta, 0 oförändrade rader.",
            "blad.xlsx, blad \"Andra\": signaler (xlsx) – 0 nya, 0 ersatta, 20 oförändrade rader.",
            "kolada-kpi.json: referens (Kolada, nyckeltal, UTF-8) – 1 nyckeltalsnamn.",
            "scb-folkmangd-jamtland.json: befolkning (JSON-stat 2.0, UTF-8) – 10 nya, 0 ersatta, 0 oförändrade rader.",
        ])
        #expect(try Self.contents(dryStore) == before)
        // The same command again: every file is one the store has.
        #expect(Self.outcome(realStore, command, dryRun: true) == Self.outcome(realStore, command, dryRun: false))
    }

    @Test func aDryRunFindsTheSameErrors() throws {
        let folder = try Self.folder()
        let base = try Self.write(Self.signals((0..<200).map { ($0, 1) }), "bas.csv", in: folder)
        // In one file: a new key twice, a stored row twice unchanged (not an error to the import), a replaced
        // row twice, a bad count; in the next, a key the first also has.
        var rows = (150..<350).map { (area: $0, count: 1) }
        rows += [(area: 300, count: 1), (area: 10, count: 1), (area: 10, count: 1), (area: 20, count: 5), (area: 20, count: 5)]
        let first = try Self.write(Self.signals(rows) + "2024;1;klotter;Område 999;Skola;-1\n", "fel.csv", in: folder)
        let second = try Self.write(Self.signals([(area: 300, count: 4), (area: 301, count: 4), (area: 301, count: 4)]), "fel2.csv", in: folder)
        let dry = Self.outcome(try Self.store(in: folder, "prov.sqlite", base: [base]), [first, second], dryRun: true)
        let real = Self.outcome(try Self.store(in: folder, "skarp.sqlite", base: [base]), [first, second], dryRun: false)
        #expect(dry == real)
        guard case .failure(let failure) = dry else {
            Issue.record("the dry run found no errors")
            return
        }
        #expect(failure.errors.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") } == [
            "fel.csv:202: samma rad (samma nyckel) finns redan på rad 152 i filen",
            "fel.csv:206: samma rad (samma nyckel) finns redan på rad 205 i filen",
            "fel.csv:207: kolumnen \"antal\": \"-1\" är inte ett icke-negativt heltal",
            "fel2.csv:4: samma rad (samma nyckel) finns redan på rad 3 i filen",
        ])
    }

    /// Finding 5 of the penetration test: a preview of a large upload held SQLite's writer, and another user's
    /// login (an audit row) waited for it. From inside the dry run, a write through another connection that
    /// does not wait at all must go through.
    @Test func aDryRunLeavesTheWriterFree() throws {
        let folder = try Self.folder()
        let store = try Self.store(in: folder, "lagesbild.sqlite", base: [])
        // More rows than the 65 536 after which the import first reports its progress.
        let file = try Self.write(Self.signals((0..<70_000).map { ($0, 1) }), "stor.csv", in: folder)
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        let other = try DatabaseQueue(path: store.path, configuration: configuration)
        var writes: [Result<Void, any Error>] = []
        let report = try Importer(store: store).importFiles([file], dryRun: true, addingNames: true, progress: { _ in
            writes.append(Result {
                try other.write { db in
                    try db.execute(sql: "INSERT INTO audit_log (at, user, address, action, detail) VALUES ('2024-05-01T08:00:00Z', 'anna', '127.0.0.1', 'inloggning', '')")
                }
            })
        })
        #expect(report.files.first?.inserted == 70_000)
        #expect(!writes.isEmpty)
        for write in writes { #expect(throws: Never.self) { try write.get() } }
        #expect(try store.auditLog().count == writes.count)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signal") } == 0)
    }

    static func collection(_ names: [String]) -> String {
        "{\"type\":\"FeatureCollection\",\"features\":[" + names.enumerated().map { index, name in
            let longitude = 14.5 + Double(index) * 0.3, latitude = 63.8
            let ring = [(longitude - 0.1, latitude - 0.05), (longitude + 0.1, latitude - 0.05), (longitude + 0.1, latitude + 0.05),
                        (longitude - 0.1, latitude + 0.05), (longitude - 0.1, latitude - 0.05)]
            return "{\"type\":\"Feature\",\"properties\":{\"namn\":\"\(name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[["
                + ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]]}}"
        }.joined(separator: ",") + "]}"
    }
}
