import Foundation
import GRDB
import Testing
@testable import LagesbildIngest
@testable import LagesbildModel
@testable import LagesbildStore

/// The registers of källor, förvaltningar, områden and aktörer: seeded from what is stored, checked at import,
/// renamed and merged with history and undo.
@Suite struct RegisterTests {
    let folder: URL
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-register-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store.create(path: folder.appendingPathComponent("lagesbild.sqlite").path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
    }

    func file(_ text: String, name: String = "signaler.csv") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func refusal(_ path: String, addingNames: Bool = false) -> [String] {
        do {
            _ = try Importer(store: store).importFiles([path], addingNames: addingNames)
            return []
        } catch let failure as ImportFailure {
            return failure.errors.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") }
        } catch {
            return ["\(error)"]
        }
    }

    /// Every stored row and history row of the tables a register names, the register and the scopes, as text.
    func snapshot() throws -> [String] {
        try store.read { db in
            var lines: [String] = []
            for table in ["signal", "signal_history", "befolkning", "befolkning_history", "utbildning", "utbildning_history", "register"] {
                lines += try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2, 3").map { "\(table) \($0)" }
            }
            lines += try Row.fetchAll(db, sql: "SELECT name, kallor, forvaltningar FROM web_user ORDER BY id").map { "web_user \($0)" }
            return lines
        }
    }

    @Test func theMigrationSeedsTheRegistersFromEveryNameStoredAndLosesNothing() throws {
        // A database of the version before registers, with free-text names in rows, history, scopes and boundaries.
        let path = folder.appendingPathComponent("gammal.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v8-omraden")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO setting (key, value) VALUES ('kommun', '2313'), ('mask_threshold', '5');
                INSERT INTO kommun (kod, namn) VALUES ('2313', 'Strömsunds kommun');
                INSERT INTO import_log (id, imported_at, kind, file_name, sha256, encoding) VALUES (1, '2025-01-01T00:00:00Z', 'signaler', 's.csv', 'a', 'UTF-8');
                INSERT INTO signal VALUES ('2313', 2024, 3, 'klotter', 'hoger', 'Strömsund', 'Grundskola', 4, 1, 0, 1, 2);
                INSERT INTO signal VALUES ('2313', 2024, 3, 'klotter', 'hoger', '', 'Polis', 2, NULL, NULL, 1, 3);
                INSERT INTO signal_history (kommun, ar, manad, kategori, miljo, omrade, kalla, antal, import_id, line, replaced_by)
                    VALUES ('2313', 2024, 3, 'klotter', 'hoger', 'Stromsund', 'Grundskolan', 3, 1, 2, 1);
                INSERT INTO utbildning VALUES ('2313', 2024, 'Socialförvaltningen', 'grund', 120, 80, 1, 2);
                INSERT INTO befolkning VALUES ('2313', 2024, 'Hammerdal', 3000, 1, 2), ('2313', 2024, '', 11500, 1, 3);
                INSERT INTO samverkan VALUES ('2313', 2024, 'Polisen', 'myndighet', 6, 1, 2);
                INSERT INTO omrade_grans VALUES ('2313', 'Gäddede', '1 2,3 4', 1, 2);
                INSERT INTO web_user (name, role, password_hash, kallor, forvaltningar, created_at)
                    VALUES ('fritid', 'rapportor', 'x', 'Fritidsgården' || char(10) || 'Grundskola', 'Kulturförvaltningen', '2025-01-01T00:00:00Z');
                """)
        }
        try queue.close()
        let opened = try Store.open(path: path)
        #expect(try opened.registerNames(.kallor) == ["Fritidsgården", "Grundskola", "Grundskolan", "Polis"])
        #expect(try opened.registerNames(.forvaltningar) == ["Kulturförvaltningen", "Socialförvaltningen"])
        #expect(try opened.registerNames(.omraden) == ["Gäddede", "Hammerdal", "Stromsund", "Strömsund"])
        #expect(try opened.registerNames(.aktorer) == ["Polisen"])
        // The rows are as they were.
        #expect(try opened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signal") } == 2)
        #expect(try opened.registerEntries(.kallor).map { "\($0.name) \($0.rows) \($0.accounts)" }
                == ["Fritidsgården 0 1", "Grundskola 1 1", "Grundskolan 0 0", "Polis 1 0"])
    }

    @Test func anUnknownNameIsRefusedWithTheNearestRegisteredNames() throws {
        try store.addRegisterNames(["Strömsund", "Hammerdal", "Gäddede"], to: .omraden)
        try store.addRegisterNames(["Grundskola"], to: .kallor)
        let path = try file("år;månad;kategori;område;källa;antal\n2024;3;klotter;Strömsund;Grundskola;1\n2024;3;klotter;Strömsond;Grundskola;1\n"
                            + "2024;3;flygblad;Hammerdal;Grundskolor;1\n2024;4;klotter;Långt bort;Grundskola;1\n")
        #expect(refusal(path) == [
            "signaler.csv:3: kolumnen \"område\": okänt område \"Strömsond\"; menade du \"Strömsund\"?",
            "signaler.csv:4: kolumnen \"källa\": okänd källa \"Grundskolor\"; menade du \"Grundskola\"?",
            "signaler.csv:5: kolumnen \"område\": okänt område \"Långt bort\"; inget liknande namn finns i registret över områden",
        ])
        #expect(try store.importLog().isEmpty)
        let actors = try file("år;aktör;typ\n2024;Polisen;myndighet\n", name: "samverkan.csv")
        #expect(refusal(actors) == ["samverkan.csv:2: kolumnen \"aktör\": okänd aktör \"Polisen\"; registret över samverkansaktörer är tomt"])
    }

    @Test func aSpellingThatFoldsToARegisteredNameIsStoredAsRegistered() throws {
        try store.addRegisterNames(["Strömsund"], to: .omraden)
        try store.addRegisterNames(["Grundskola"], to: .kallor)
        _ = try Importer(store: store).importFiles([try file("år;kategori;område;källa;antal\n2024;klotter;STROMSUND;GRUNDSKOLA;1\n2024;flygblad;;Grundskola;0\n")])
        let rows = try store.read { db in try String.fetchAll(db, sql: "SELECT omrade || '|' || kalla FROM signal ORDER BY kategori") }
        #expect(rows == ["|Grundskola", "Strömsund|Grundskola"])
    }

    @Test func theSamordnaresOptionAddsTheUnknownNamesInTheSameTransaction() throws {
        let path = try file("år;kategori;område;källa;antal\n2024;klotter;Strömsund;Skola;1\n2024;flygblad;strömsund;Skola;2\n")
        let report = try Importer(store: store).importFiles([path], addingNames: true)
        #expect(report.addedNames == [AddedName(register: .omraden, name: "Strömsund"), AddedName(register: .kallor, name: "Skola")])
        #expect(report.lines.suffix(2) == ["Nya namn i registret över källor: \"Skola\".", "Nya namn i registret över områden: \"Strömsund\"."])
        #expect(try store.registerNames(.omraden) == ["Strömsund"])
        #expect(try store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT omrade FROM signal") } == ["Strömsund"])
        // A rapportör never adds names, whatever is asked.
        let other = try file("år;kategori;källa;antal\n2024;klotter;Fritid;1\n", name: "fritid.csv")
        #expect(throws: ImportFailure.self) {
            try Importer(store: store).importFiles([other], scope: ImportScope(kallor: ["Fritid"], forvaltningar: []), addingNames: true)
        }
        // Undoing the import takes away the names it added and nothing uses any more.
        _ = try store.undo(importID: try #require(report.files.first?.importID))
        #expect(try store.registerNames(.omraden).isEmpty && store.registerNames(.kallor).isEmpty)
    }

    @Test func aRenameKeepsHistoryFollowsIntoScopesAndIsUndoneExactly() throws {
        _ = try Importer(store: store).importFiles([try file("år;månad;kategori;område;källa;antal\n2024;3;klotter;Stromsund;Skola;4\n2024;4;klotter;;Skola;1\n")],
                                                    addingNames: true)
        _ = try store.addUser(name: "skola", role: .rapportor, passwordHash: "x", kallor: ["Skola"])
        let before = try snapshot()
        let change = try store.renameRegisterName(.kallor, from: "skola", to: "Grundskola")
        #expect(change.from == ["Skola"] && change.to == "Grundskola" && change.rows == 2 && change.accounts == 1)
        #expect(try store.registerNames(.kallor) == ["Grundskola"])
        #expect(try store.user(named: "skola")?.kallor == ["Grundskola"])
        #expect(try store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT kalla FROM signal_history WHERE replaced_by = ?", arguments: [change.logEntry]) } == ["Skola"])
        #expect(try store.importLog().last?.register == .kallor)
        #expect(try store.check().isSound)
        // The import that wrote the rows cannot be undone past the rename.
        #expect(throws: UndoError.self) { try store.undo(importID: 1) }
        let undo = try store.undo(importID: change.logEntry)
        #expect(undo.removed == 2 && undo.restored == 2)
        #expect(try snapshot() == before)
        // A rename whose new name later rows use cannot be undone until they are gone.
        let again = try store.renameRegisterName(.kallor, from: "Skola", to: "Grundskola")
        _ = try Importer(store: store).importFiles([try file("år;månad;kategori;källa;antal\n2024;5;klotter;Grundskola;1\n", name: "maj.csv")])
        #expect(throws: UndoError.nameInUse(again.logEntry, name: "Grundskola", uses: ["import \(again.logEntry + 1)"])) {
            try store.undo(importID: again.logEntry)
        }
        _ = try store.undo(importID: again.logEntry + 1)
        _ = try store.undo(importID: again.logEntry)
        #expect(try snapshot() == before)
        // A spelling fix of the same name is a rename too.
        _ = try store.renameRegisterName(.omraden, from: "Stromsund", to: "Strömsund")
        #expect(try store.registerNames(.omraden) == ["Strömsund"])
        #expect(throws: RegisterError.nameExists(.kallor, "skola", existing: "Skola")) { try store.addRegisterNames(["skola"], to: .kallor) }
    }

    @Test func aMergeMovesRowsAndScopesAndIsRefusedWhenTwoRowsWouldShareAKey() throws {
        _ = try Importer(store: store).importFiles([try file("""
            år;månad;kategori;område;källa;antal
            2024;3;klotter;;Grundskola;4
            2024;3;klotter;;Grundskolan;2
            2024;4;klotter;;Grundskolan;1
            """)], addingNames: true)
        _ = try store.addUser(name: "skola", role: .rapportor, passwordHash: "x", kallor: ["Grundskolan", "Grundskola"])
        let before = try snapshot()
        #expect(throws: RegisterError.collision(.kallor, rows: ["signaler år 2024, månad 3, kategori klotter, miljö (tomt), område (tomt): källa \"Grundskola\" och \"Grundskolan\""])) {
            try store.mergeRegisterNames(.kallor, from: ["Grundskolan"], into: "Grundskola")
        }
        #expect(try snapshot() == before)
        // Without the colliding row the merge goes through; the scope holds the name once.
        let removal = try store.deleteRow(kind: .signaler, key: [.kommun: "2313", .year: "2024", .month: "3", .category: "klotter", .environment: "",
                                                                  .area: "", .source: "Grundskolan"], label: "borttagning")
        let afterRemoval = try snapshot()
        let merge = try store.mergeRegisterNames(.kallor, from: ["grundskolan"], into: "grundskola")
        #expect(merge.from == ["Grundskolan"] && merge.to == "Grundskola" && merge.rows == 1 && merge.accounts == 1)
        #expect(try store.registerNames(.kallor) == ["Grundskola"])
        #expect(try store.user(named: "skola")?.kallor == ["Grundskola"])
        _ = try store.undo(importID: merge.logEntry)
        #expect(try snapshot() == afterRemoval)
        _ = try store.undo(importID: removal)
        #expect(try snapshot() == before)
    }
}
