import Foundation
import GRDB
import Testing
@testable import LagesbildIngest
@testable import LagesbildModel
@testable import LagesbildStore

/// `lagesbild backup` while imports run: every copy is whole (SQLite's integrity check and the store's own rules) and
/// holds each import entirely or not at all.
@Suite struct BackupTests {
    @Test func backupsTakenDuringImportsAreWholeAndHoldNoHalfImport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store.create(path: folder.appendingPathComponent("lagesbild.sqlite").path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
        // Eight files of 3 000 rows each, with keys of their own.
        let files = try (0..<8).map { file -> String in
            var text = "år;månad;kategori;område;källa;antal\n"
            for row in 0..<3_000 { text += "\(2016 + file);\(row % 12 + 1);klotter;Område \(row);Skola;\(row % 7)\n" }
            let path = folder.appendingPathComponent("signaler-\(file).csv").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let finished = DispatchSemaphore(value: 0)
        let importer = Thread {
            for file in files { _ = try? Importer(store: store).importFiles([file], addingNames: true) }
            finished.signal()
        }
        importer.start()
        var copies: [String] = []
        repeat {
            let copy = folder.appendingPathComponent("kopia-\(copies.count).sqlite").path
            try store.backup(to: copy)
            copies.append(copy)
        } while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut
        #expect(copies.count >= 2)
        var sawPartial = false
        for copy in copies {
            let queue = try DatabaseQueue(path: copy)
            let (integrity, rows, logged) = try queue.read { db in
                (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signal") ?? -1,
                 try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(rows_inserted), 0) FROM import_log") ?? -2)
            }
            try queue.close()
            #expect(integrity == ["ok"], "\(copy)")
            #expect(rows == logged && rows % 3_000 == 0, "\(copy): \(rows) rows, \(logged) in the import log")
            if rows % 3_000 != 0 { sawPartial = true }
            let report = try Store.open(path: copy).check()
            #expect(report.isSound, "\(copy): \(report.problems)")
        }
        #expect(!sawPartial)
        // The copy has the original's file mode (0600).
        let mode = try FileManager.default.attributesOfItem(atPath: copies[0])[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A copy is never written over an existing file.
        #expect(throws: StoreError.backupExists(path: copies[0])) { try store.backup(to: copies[0]) }
    }
}
