import Foundation
import Testing

/// `lagesbild text show|set|history`: the group's texts from the command line, with the same versions and checks as in
/// the workspace, and `report` printing them (its `--assessment` file replacing the stored assessment).
@Suite struct TextCommandTests {
    @Test func theGroupsTextsAreSavedShownListedAndPrinted() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let db = ["--db", cli.database]
        _ = try cli.succeed(["import", "--nya-namn", cli.fixture("indicators/signaler.csv"), cli.fixture("indicators/befolkning.csv"),
                             cli.fixture("indicators/aktiviteter.csv")] + db)
        let missing = try cli.run(["text", "show", "--year", "2024", "--avsnitt", "bedomning"] + db)
        #expect(missing.status == 1 && missing.stderr == "fel: Samverkansgruppens bedömning 2024 är inte skriven ännu\n")

        let file = try cli.write("bedomning.md", "Klottret i Centrum har ökat.\n\nMer i andra stycket.\n")
        let saved = try cli.succeed(["text", "set", "--year", "2024", "--avsnitt", "bedomning", "--fil", file] + db)
        #expect(saved.stdout == "Sparade samverkansgruppens bedömning 2024 som version 1.\n")
        let again = try cli.succeed(["text", "set", "--year", "2024", "--avsnitt", "bedomning", "--fil", file] + db)
        #expect(again.stdout == "Inget ändrades: bedömningen 2024 har redan den här texten (version 1).\n")
        let piped = try cli.run(["text", "set", "--year", "2024", "--avsnitt", "bedomning"] + db, input: "Klottret har ökat.\n")
        #expect(piped.status == 0 && piped.stdout == "Sparade samverkansgruppens bedömning 2024 som version 2.\n")
        #expect(try cli.succeed(["text", "show", "--year", "2024", "--avsnitt", "bedomning"] + db).stdout == "Klottret har ökat.\n")
        #expect(try cli.succeed(["text", "show", "--year", "2024", "--avsnitt", "bedomning", "--version", "1"] + db).stdout
                == "Klottret i Centrum har ökat.\n\nMer i andra stycket.\n")
        // A script that started from version 1 does not overwrite version 2.
        let stale = try cli.run(["text", "set", "--year", "2024", "--avsnitt", "bedomning", "--fil", file, "--version", "1"] + db)
        #expect(stale.status == 1 && stale.stderr.hasPrefix("fel: Samverkansgruppens bedömning 2024 har en nyare version 2, sparad "))
        #expect(stale.stderr.hasSuffix(" av (kommandorad), än version 1 som ändringen utgick från: texten sparades inte\n"))

        let history = try cli.succeed(["text", "history", "--year", "2024", "--avsnitt", "bedomning"] + db).stdout.split(separator: "\n")
        #expect(history.count == 4 && history[0].hasPrefix("Version  Sparad") && history[2].hasPrefix("      2  ") && history[3].hasPrefix("      1  "))
        #expect(history[2].contains("(kommandorad)") && history[2].hasSuffix("      18") && history[3].hasSuffix("      50"))

        // The problems are checked against the plan and the measurement points, naming the file and the line.
        let bad = try cli.write("problem.md", "## Klotter\nOrsaksanalys: Få vuxna ute.\nMätpunkt: MO1-99\n")
        let refused = try cli.run(["text", "set", "--year", "2024", "--avsnitt", "problem", "--fil", bad] + db)
        #expect(refused.status == 1 && refused.stderr.hasPrefix("fel: \(bad): Prioriterade problem, rad 1: \"MO1-99\" är ingen mätpunkt (mätpunkterna är MO1-01,"))
        #expect(try cli.query("SELECT COUNT(*) FROM group_text WHERE avsnitt = 'problem'", as: Int.self) == [0])
        let usage = try cli.run(["text", "show", "--year", "2024", "--avsnitt", "slutsats"] + db)
        #expect(usage.status == 2 && usage.stderr.contains("\"slutsats\" är inget avsnitt; välj bedomning, problem, kallor, omvarld"))

        // The report prints the stored assessment; --assessment replaces it; no file name is shown to readers.
        _ = try cli.succeed(["report", "--year", "2024", "--output", "r.html", "--date", "2025-02-01"] + db)
        let report = try String(contentsOfFile: cli.directory.appendingPathComponent("r.html").path, encoding: .utf8)
        #expect(report.contains("<div class=\"assessment-lead\"><p>Klottret har ökat.</p></div>"))
        _ = try cli.succeed(["report", "--year", "2024", "--output", "f.html", "--assessment", file, "--date", "2025-02-01"] + db)
        let fromFile = try String(contentsOfFile: cli.directory.appendingPathComponent("f.html").path, encoding: .utf8)
        #expect(fromFile.contains("<div class=\"assessment-lead\"><p>Klottret i Centrum har ökat.</p></div>") && !fromFile.contains("bedomning.md"))
    }
}
