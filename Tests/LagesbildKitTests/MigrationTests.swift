import Foundation
import GRDB
import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

/// A database made by an earlier version is upgraded when opened, its rows kept.
@Suite struct MigrationTests {
    /// A database that a newer lagesbild has migrated (a migration this program does not know) is refused with the
    /// unknown migrations named, before anything is written: the file is byte for byte the same afterwards.
    @Test func aNewerVersionsDatabaseIsRefusedBeforeAnythingIsWritten() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString).sqlite").path
        do { _ = try Store.create(path: path, kommun: KommunCode("2313")!, name: "Strömsunds kommun") }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v98-framtida'), ('v99-framtida'); CREATE TABLE framtida (x)")
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerDatabase(path: path, unknownMigrations: ["v98-framtida", "v99-framtida"])) {
            _ = try Store.open(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // This version's own database opens as before.
        let again = try DatabaseQueue(path: path)
        try again.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE '%-framtida'") }
        try again.close()
        _ = try Store.open(path: path)
    }

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

    /// v11 rebuilds web_user to admit the role `medlem`: every account keeps its id and columns, and the scope history
    /// that points at an account still does.
    @Test func accountsSurviveTheRebuildThatAdmitsTheMembersRole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString).sqlite").path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try Schema.migrator.migrate(queue, upTo: "v10-register")
        let accounts = """
            SELECT id || '|' || name || '|' || role || '|' || password_hash || '|' || replace(kallor, char(10), ',') || '|' || forvaltningar
                   || '|' || disabled || '|' || created_at FROM web_user ORDER BY id
            """
        let before = try queue.write { db in
            try db.execute(sql: """
                INSERT INTO setting (key, value) VALUES ('kommun', '2313');
                INSERT INTO import_log (id, imported_at, kind, file_name, sha256, encoding) VALUES (1, '2025-01-01T00:00:00Z', 'signaler', 'register', 'x', 'UTF-8');
                INSERT INTO web_user (id, name, role, password_hash, kallor, forvaltningar, disabled, created_at) VALUES
                    (3, 'samordnare', 'samordnare', '$2b$12$a', '', '', 0, '2025-01-01T10:00:00Z'),
                    (7, 'skola-norr', 'rapportor', '$2b$12$b', 'Grundskola' || char(10) || 'Gymnasiet', 'Utbildningsförvaltningen', 0, '2025-01-02T10:00:00Z'),
                    (9, 'ledamot-ks', 'lasare', '$2b$12$c', '', '', 1, '2025-01-03T10:00:00Z');
                INSERT INTO web_user_scope_history (user_id, kallor, forvaltningar, replaced_by) VALUES (7, 'Grundskolan', '', 1);
                """)
            // Before: no member of the group could be stored.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO web_user (name, role, password_hash, created_at) VALUES ('gruppen', 'medlem', 'h', '2025-01-04T10:00:00Z')")
            }
            return try String.fetchAll(db, sql: accounts)
        }
        #expect(before.count == 3)
        try Schema.migrator.migrate(queue)
        try queue.write { db in
            #expect(try String.fetchAll(db, sql: accounts) == before)
            #expect(try String.fetchAll(db, sql: "SELECT w.name FROM web_user_scope_history h JOIN web_user w ON w.id = h.user_id") == ["skola-norr"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            try db.execute(sql: "INSERT INTO web_user (name, role, password_hash, created_at) VALUES ('gruppen', 'medlem', 'h', '2025-01-04T10:00:00Z')")
            #expect(try Int64.fetchOne(db, sql: "SELECT id FROM web_user WHERE name = 'gruppen'") == 10)
            // The rebuilt table keeps its rules: one account per name, and only the known roles.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO web_user (name, role, password_hash, created_at) VALUES ('gruppen', 'lasare', 'h', '2025-01-04T10:00:00Z')")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO web_user (name, role, password_hash, created_at) VALUES ('gast', 'gast', 'h', '2025-01-04T10:00:00Z')")
            }
            // A scope history row still cannot name an account that is not there.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO web_user_scope_history (user_id, kallor, forvaltningar, replaced_by) VALUES (99, '', '', 1)")
            }
        }
    }
}

/// Reports published before versions existed become versions of their year and kind, in the order they were
/// published, without a PDF and saying why.
@Suite struct PublishedVersionMigrationTests {
    @Test func earlierPublicationsBecomeVersionsInTheOrderTheyWerePublished() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("versions-\(UUID().uuidString).sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v10-register")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO setting (key, value) VALUES ('kommun', '2313');
                INSERT INTO kommun (kod, namn) VALUES ('2313', 'Strömsunds kommun');
                INSERT INTO published_report (id, kommun, year, internal, html, sha256, published_by, published_at) VALUES
                    (1, '2313', 2024, 0, x'01', 'a', 's', '2025-03-01T10:00:00Z'),
                    (2, '2313', 2024, 1, x'02', 'b', 's', '2025-03-02T10:00:00Z'),
                    (3, '2313', 2024, 0, x'03', 'c', 's', '2025-03-03T10:00:00Z'),
                    (4, '2313', 2023, 0, x'04', 'd', 's', '2025-03-04T10:00:00Z');
                """)
        }
        try queue.close()
        let store = try Store.open(path: path)
        let reports = try store.publishedReports(includeInternal: true)
        #expect(reports.map(\.id) == [4, 3, 2, 1] && reports.map(\.version) == [1, 2, 1, 1])
        #expect(reports.map(\.supersededBy) == [nil, nil, nil, 3])
        #expect(Set(reports.map(\.pdfMissing)) == ["rapporten publicerades innan lagesbild sparade en PDF med varje publicering"])
        #expect(try store.publishedReportHTML(id: 3)?.html == Data([3]))
    }
}

/// The migrations are literal SQL, frozen once shipped: a fresh database's schema is the committed one, and the
/// oldest database upgrades through every step with its rows.
@Suite struct FrozenSchemaTests {
    static let schemaFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema.sql")

    static func schema(of queue: DatabaseQueue) throws -> String {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name").map { row in
                "-- \(row["type"] as String) \(row["name"] as String)\n\(row["sql"] as String);\n"
            }.joined(separator: "\n")
        }
    }

    /// To accept a deliberate change (a new migration), run the tests once with LAGESBILD_WRITE_SCHEMA=1 and commit the file.
    @Test func aFreshDatabaseHasTheCommittedSchema() throws {
        let queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue)
        let schema = try Self.schema(of: queue)
        if ProcessInfo.processInfo.environment["LAGESBILD_WRITE_SCHEMA"] == "1" {
            try schema.write(to: Self.schemaFile, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.schemaFile, encoding: .utf8)
        #expect(schema == committed, "the schema differs from Tests/Fixtures/schema.sql: a shipped migration changed, or a new one needs the file updated")
    }

    @Test func theOldestDatabaseUpgradesThroughEveryStepWithItsRows() throws {
        let queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue, upTo: "v1-store")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO setting (key, value) VALUES ('kommun', '2313'), ('mask_threshold', '5');
                INSERT INTO kommun (kod, namn) VALUES ('2313', 'Strömsunds kommun');
                INSERT INTO import_log (id, imported_at, kind, file_name, sha256, encoding, rows_inserted) VALUES
                    (1, '2024-02-01T10:00:00Z', 'signaler', 's.csv', 'a1', 'Windows-1252', 1),
                    (2, '2024-02-02T10:00:00Z', 'signaler', 's2.csv', 'a2', 'UTF-8', 0);
                INSERT INTO signal VALUES ('2313', 2024, 3, 'klotter', 'hoger', 'Centrum', 'Skola', 4, 1, 0, 2, 2);
                INSERT INTO signal_history (kommun, ar, manad, kategori, miljo, omrade, kalla, antal, orosanmalningar, polisanmalningar, import_id, line, replaced_by)
                    VALUES ('2313', 2024, 3, 'klotter', 'hoger', 'Centrum', 'Skola', 3, NULL, NULL, 1, 2, 2);
                INSERT INTO utbildning VALUES ('2313', 2024, 'Socialförvaltningen', 'grund', 120, 80, 1, 2);
                INSERT INTO befolkning VALUES ('2313', 2024, '', 11500, 1, 2);
                INSERT INTO befolkning_history (kommun, ar, omrade, invanare, import_id, line, replaced_by) VALUES ('2313', 2024, '', 11400, 1, 2, 2);
                INSERT INTO samverkan VALUES ('2313', 2024, 'Polisen', 'myndighet', 6, 1, 2);
                """)
        }
        try Schema.migrator.migrate(queue)
        try queue.read { (db: Database) throws in
            #expect(try String.fetchAll(db, sql: "SELECT kommun || '|' || ar || '|' || manad || '|' || antal || '|' || import_id FROM signal") == ["2313|2024|3|4|2"])
            #expect(try Int.fetchAll(db, sql: "SELECT antal FROM signal_history WHERE replaced_by = 2") == [3])
            #expect(try Int.fetchAll(db, sql: "SELECT genomfort FROM utbildning") == [80])
            #expect(try Int.fetchAll(db, sql: "SELECT invanare FROM befolkning") == [11500])
            #expect(try Int.fetchAll(db, sql: "SELECT invanare FROM befolkning_history") == [11400])
            #expect(try Int.fetchAll(db, sql: "SELECT moten FROM samverkan") == [6])
            #expect(try String.fetchAll(db, sql: "SELECT action FROM import_log ORDER BY id") == ["import", "import"])
            #expect(try String.fetchAll(db, sql: "SELECT value FROM setting ORDER BY key") == ["2313", "5"])
            #expect(try db.tableExists("aktivitet") && db.tableExists("referens") && db.tableExists("referens_titel"))
        }
        // The upgraded database has exactly a fresh database's schema.
        let fresh = try DatabaseQueue()
        try Schema.migrator.migrate(fresh)
        #expect(try FrozenSchemaTests.schema(of: queue) == FrozenSchemaTests.schema(of: fresh))
    }
}
