import Foundation
import Testing

/// `lagesbild register` and the import's refusal of unknown names, as a coordinator meets them on the command line.
@Suite struct RegisterCommandTests {
    @Test func unknownNamesAreRefusedUntilAddedAndTheRegisterIsKeptWithRenameMergeAndUndo() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let db = ["--db", cli.database]
        _ = try cli.succeed(["register", "add", "omraden", "Strömsund", "Hammerdal"] + db)
        let path = cli.directory.appendingPathComponent("signaler.csv")
        try Data("år;månad;kategori;område;källa;antal\n2024;3;klotter;Strömsond;Skola;4\n".utf8).write(to: path)
        let refused = try cli.run(["import", path.path] + db)
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("fel: \(path.path):2: kolumnen \"område\": okänt område \"Strömsond\"; menade du \"Strömsund\"?\n"
                                         + "\(path.path):2: kolumnen \"källa\": okänd källa \"Skola\"; registret över källor är tomt\n"))
        #expect(refused.stderr.hasSuffix("Namn som inte finns i registren läggs till med --nya-namn eller lagesbild register add.\n"))
        #expect(try cli.query("SELECT COUNT(*) FROM import_log", as: Int.self) == [0])

        let added = try cli.succeed(["import", "--nya-namn", path.path] + db)
        #expect(added.stdout.contains("Nya namn i registret över källor: \"Skola\".\nNya namn i registret över områden: \"Strömsond\".\n"))
        let merged = try cli.succeed(["register", "merge", "omraden", "strömsond", "Strömsund"] + db)
        #expect(merged.stdout == "Slog ihop område \"Strömsond\" till \"Strömsund\": 1 rader och 0 konton ändrade. "
                + "Ändringen står i importloggen som 2 och kan ångras.\n")
        #expect(try cli.succeed(["register", "list", "omraden"] + db).stdout.contains(/Strömsund +1 +0/))
        let renamed = try cli.succeed(["register", "rename", "kallor", "Skola", "Grundskola"] + db)
        #expect(renamed.stdout.hasPrefix("Bytte namn på källa \"Skola\" till \"Grundskola\": 1 rader"))
        #expect(try cli.query("SELECT omrade || '|' || kalla FROM signal", as: String.self) == ["Strömsund|Grundskola"])
        _ = try cli.succeed(["undo", "3"] + db)
        _ = try cli.succeed(["undo", "2"] + db)
        #expect(try cli.query("SELECT omrade || '|' || kalla FROM signal", as: String.self) == ["Strömsond|Skola"])

        // Errors name the value and what was expected; nothing is written.
        let errors: [([String], String)] = [
            (["register", "add", "omraden", "hammerdal"], "fel: område \"hammerdal\" finns redan i registret över områden som \"Hammerdal\"; slå ihop namnen i stället\n"),
            (["register", "rename", "kallor", "Skolan", "X"], "fel: okänd källa \"Skolan\"; menade du \"Skola\"?\n"),
            (["register", "merge", "omraden", "Hammerdal", "Gäddede"], "fel: okänt område \"Gäddede\"; inget liknande namn finns i registret över områden\n"),
        ]
        let log = try cli.query("SELECT COUNT(*) FROM import_log", as: Int.self)
        for (arguments, message) in errors {
            let output = try cli.run(arguments + db)
            #expect(output.status == 1 && output.stderr == message, "\(arguments): \(output.stderr)")
        }
        let usage = try cli.run(["register", "list", "personer"] + db)
        #expect(usage.status == 2 && usage.stderr.contains("\"personer\" är inget register; välj kallor, forvaltningar, omraden eller aktorer"))
        #expect(try cli.query("SELECT COUNT(*) FROM import_log", as: Int.self) == log)
    }
}
