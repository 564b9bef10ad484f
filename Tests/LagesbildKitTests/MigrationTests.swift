import Foundation
import GRDB
import Testing
@testable import LagesbildKit

/// A database made by an earlier version is upgraded when opened, its rows kept.
@Suite struct MigrationTests {
    @Test func populationSurvivesTheRebuildThatAdmitsCountyAndNationalRows() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString).sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v4-aktiviteter")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO setting (key, value) VALUES ('kommun', '2313');
                INSERT INTO import_log (id, imported_at, kind, file_name, sha256, encoding) VALUES (1, '2025-01-01T00:00:00Z', 'befolkning', 'b.csv', 'x', 'UTF-8');
                INSERT INTO befolkning (kommun, ar, omrade, invanare, import_id, line) VALUES ('2313', 2024, '', 11500, 1, 2);
                INSERT INTO befolkning_history (kommun, ar, omrade, invanare, import_id, line, replaced_by) VALUES ('2313', 2024, '', 11400, 1, 2, 1);
                """)
            // Before: a county's population could not be stored.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO befolkning (kommun, ar, omrade, invanare, import_id, line) VALUES ('23', 2024, '', 130000, 1, 3)")
            }
        }
        try Schema.migrator.migrate(queue)
        try queue.write { db in
            #expect(try Int.fetchAll(db, sql: "SELECT invanare FROM befolkning") == [11500])
            #expect(try Int.fetchAll(db, sql: "SELECT invanare FROM befolkning_history") == [11400])
            try db.execute(sql: "INSERT INTO befolkning (kommun, ar, omrade, invanare, import_id, line) VALUES ('23', 2024, '', 130000, 1, 3)")
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO befolkning (kommun, ar, omrade, invanare, import_id, line) VALUES ('231', 2024, '', 1, 1, 4)")
            }
            #expect(try db.tableExists("referens") && db.tableExists("referens_history") && db.tableExists("referens_titel"))
        }
    }
}
