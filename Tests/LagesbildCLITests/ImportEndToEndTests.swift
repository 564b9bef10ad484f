import Foundation
import Testing

/// `lagesbild init`, `import`, `status` and `imports` on the files coordinators really export.
@Suite struct ImportEndToEndTests {
    @Test func excelWindows1252SemicolonCRLFWithSwedishLabelsInMixedCase() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        #expect(output.stdout.contains("signaler (Windows-1252) – 4 nya, 0 ersatta, 0 oförändrade rader."))
        // Labels are stored by code; free labels as given, with å/ä/ö intact.
        let rows = try cli.query("SELECT kategori || '|' || miljo || '|' || omrade || '|' || kalla || '|' || manad || '|' || antal FROM signal ORDER BY manad, kategori", as: String.self)
        #expect(rows == [
            "negativ-social-kontroll|islamistisk|Hammerdal|Socialtjänst|0|1234",
            "klotter|hoger|Centrum|Skola|1|3",
            "symboler|hoger|Centrum|Fritid|2|5",
            "avstandstagande|ovrig|Gäddede|Skola|3|2",
        ])
        #expect(try cli.query("SELECT DISTINCT kommun FROM signal", as: String.self) == ["2313"])
    }

    @Test func utf8WithBOMCommaSeparatedEnglishHeadersAndQuotedComma() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("import/utbildning-2024-utf8bom.csv")])
        #expect(output.stdout.contains("utbildning (UTF-8 med BOM) – 3 nya"))
        let rows = try cli.query("SELECT forvaltning || '|' || utbildning || '|' || malgrupp || '|' || genomfort FROM utbildning ORDER BY forvaltning, utbildning", as: String.self)
        #expect(rows == [
            "Barn- och utbildningsförvaltningen, skola|grund|300|150",
            "Socialförvaltningen|fordjupad|2|1",
            "Socialförvaltningen|grund|120|80",
        ])
    }

    @Test func tabSeparatedPopulationWithWholeMunicipalityAndBlankTrailingLines() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/befolkning-tab.txt")])
        let rows = try cli.query("SELECT ar || '|' || omrade || '|' || invanare FROM befolkning ORDER BY ar, omrade", as: String.self)
        #expect(rows == ["2023||11600", "2024||11500", "2024|Centrum|4000"])
    }

    @Test func excelUnicodeTextIsUTF16LittleEndianWithBOM() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("import/samverkan-unicode.txt")])
        #expect(output.stdout.contains("samverkan (UTF-16LE) – 3 nya"))
        let rows = try cli.query("SELECT aktor || '|' || typ || '|' || ifnull(moten, 'null') FROM samverkan ORDER BY aktor", as: String.self)
        #expect(rows == ["IFK Strömsund|forening|null", "Polisen|myndighet|6", "Socialförvaltningen|forvaltning|10"])
    }

    @Test func statusShowsRowsAndTotalsPerKindAndYear() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv"), cli.fixture("import/befolkning-tab.txt"),
                         cli.fixture("import/utbildning-2024-utf8bom.csv"), cli.fixture("import/samverkan-unicode.txt")])
        let status = try cli.succeed(["status"]).stdout
        #expect(status.contains("Strömsunds kommun (2313)"))
        #expect(status.contains("signaler    2024      4  antal 1 244, orosanmälningar 15, polisanmälningar 3"))
        #expect(status.contains("befolkning  2024      2  invånare (hela kommunen) 11 500"))
        #expect(status.contains("utbildning  2024      3  genomfört 231, målgrupp 422"))
        #expect(status.contains("samverkan   2024      3  möten 16"))
        let log = try cli.succeed(["imports"]).stdout
        #expect(log.contains("signaler-2024-excel.csv"))
        #expect(log.split(separator: "\n").count == 6)
    }

    @Test func reimportingTheSameFileChangesNothingAndSaysSo() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let file = cli.fixture("import/signaler-2024-excel.csv")
        try cli.succeed(["import", "--nya-namn", file])
        let before = try cli.databaseContents()
        let again = try cli.succeed(["import", "--nya-namn", file])
        #expect(again.stdout.contains("samma innehåll lästes redan in (import 1); inget ändrades."))
        #expect(try cli.databaseContents() == before)
    }

    @Test func correctedFileReplacesValuesAndKeepsTheOldOnesInHistory() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-rattad.csv")])
        #expect(output.stdout.contains("1 nya, 1 ersatta, 1 oförändrade rader."))
        #expect(try cli.query("SELECT antal FROM signal WHERE manad = 1", as: Int.self) == [4])
        // The replaced value (3, from import 1) is kept, linked to import 2 that replaced it.
        #expect(try cli.query("SELECT antal || '|' || import_id || '|' || replaced_by FROM signal_history", as: String.self) == ["3|1|2"])
        let log = try cli.succeed(["imports"]).stdout
        #expect(log.contains("signaler-2024-rattad.csv"))
    }

    @Test func dryRunValidatesAndReportsButWritesNothing() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let before = try cli.databaseContents()
        let output = try cli.succeed(["import", "--nya-namn", "--dry-run", cli.fixture("import/signaler-2024-excel.csv")])
        #expect(output.stdout.contains("4 nya"))
        #expect(output.stdout.contains("Provkörning (--dry-run): inget skrevs till databasen."))
        #expect(try cli.databaseContents() == before)
    }

    @Test func oneBadFileMeansNothingFromAnyFileIsWritten() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let before = try cli.databaseContents()
        let bad = try cli.write("bad.csv", "år;kategori;antal\n2024;klotter;-3\n")
        let output = try cli.run(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv"), bad])
        #expect(output.status == 1)
        #expect(output.stderr.contains("bad.csv:2: kolumnen \"antal\": \"-3\" är inte ett icke-negativt heltal"))
        #expect(output.stderr.contains("Inget importerades"))
        #expect(try cli.databaseContents() == before)
    }

    @Test func databaseDefaultsToTheEnvironmentVariableThenTheCurrentFolder() throws {
        let cli = try CLI()
        let custom = cli.directory.appendingPathComponent("annan.sqlite").path
        let created = try cli.run(["init", "--kommun", "0180", "--namn", "Stockholms stad"], environment: ["LAGESBILD_DB": custom])
        #expect(created.status == 0)
        #expect(FileManager.default.fileExists(atPath: custom))
        #expect(!FileManager.default.fileExists(atPath: cli.database))
        let status = try cli.run(["status"], environment: ["LAGESBILD_DB": custom])
        #expect(status.stdout.contains("Stockholms stad (0180)"))
        // The file holds data about a sensitive subject: only its owner may read it.
        let mode = try FileManager.default.attributesOfItem(atPath: custom)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func initRefusesAnExistingDatabaseAndABadCode() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let again = try cli.run(["init", "--kommun", "2313"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("finns redan"))
        let bad = try cli.run(["init", "--kommun", "23a3", "--db", "x.sqlite"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\"23a3\" är inte en kommunkod med fyra siffror"))
    }
}

/// Files longer than one multi-row insert (128 rows): replacement, unchanged rows and duplicates inside a group.
@Suite struct LargeFileImportTests {
    func signals(_ rows: [(area: String, count: Int)]) -> String {
        "år;kategori;område;antal\n" + rows.map { "2024;klotter;\($0.area);\($0.count)" }.joined(separator: "\n") + "\n"
    }

    @Test func replacementsAndUnchangedRowsInsideMultiRowGroups() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let first = (0..<300).map { (area: "Område \($0)", count: $0) }
        try cli.succeed(["import", "--nya-namn", try cli.write("a.csv", signals(first))])
        var second = first
        second[5].count = 500
        second[140].count = 400
        second.append((area: "Område 300", count: 7))
        let output = try cli.succeed(["import", "--nya-namn", try cli.write("b.csv", signals(second))])
        #expect(output.stdout.contains("1 nya, 2 ersatta, 298 oförändrade rader."))
        #expect(try cli.query("SELECT antal FROM signal_history ORDER BY antal", as: Int.self) == [5, 140])
        #expect(try cli.query("SELECT SUM(antal) FROM signal", as: Int.self) == [(0..<300).reduce(0, +) - 5 - 140 + 500 + 400 + 7])
    }

    @Test func duplicateKeysInsideOneGroupAreFound() throws {
        let cli = try CLI()
        try cli.initDatabase()
        var rows = (0..<300).map { (area: "Område \($0)", count: 1) }
        // Rows 140 and 150 fall in the second group of 128 rows.
        rows[150].area = "Område 140"
        let before = try cli.databaseContents()
        let output = try cli.run(["import", "--nya-namn", try cli.write("dubbel.csv", signals(rows))])
        #expect(output.status == 1)
        #expect(output.stderr.contains("dubbel.csv:152: samma rad (samma nyckel) finns redan på rad 142 i filen"))
        #expect(try cli.databaseContents() == before)
    }
}

/// Municipality codes are checked against SCB's register.
@Suite struct MunicipalityRegisterEndToEndTests {
    @Test func anUnknownMunicipalityCodeIsRefusedWithFileLineAndValue() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let before = try cli.databaseContents()
        let file = try cli.write("kommuner.csv", "kommun;år;kategori;antal\n2313;2024;klotter;1\n9999;2024;klotter;1\n180;2024;klotter;2\n")
        let output = try cli.run(["import", "--nya-namn", file])
        #expect(output.status == 1)
        #expect(output.stderr.contains("kommuner.csv:3: kolumnen \"kommun\": \"9999\" är ingen kommun i SCB:s kommunindelning"))
        #expect(!output.stderr.contains("kommuner.csv:4"))
        #expect(try cli.databaseContents() == before)
    }

    @Test func initTakesTheOfficialNameFromTheRegister() throws {
        let cli = try CLI()
        let created = try cli.succeed(["init", "--kommun", "2080"])
        #expect(created.stdout.contains("Falu kommun (2080)"))
        let unknown = try cli.run(["init", "--kommun", "9999", "--db", "x.sqlite"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("\"9999\" är ingen kommun i SCB:s kommunindelning"))
    }
}

/// The activity plan's follow-up (`aktiviteter`) in the files a coordinator keeps it in.
@Suite struct ActivityImportEndToEndTests {
    @Test func excelFileWithEveryStatusSpellingAndTargetAreasByName() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("import/aktiviteter-2024-excel.csv")])
        #expect(output.stdout.contains("aktiviteter (Windows-1252) – 8 nya, 0 ersatta, 0 oförändrade rader."))
        let rows = try cli.query("""
            SELECT malomrade || '|' || status || '|' || insatsniva || '|' || aktivitet FROM aktivitet ORDER BY malomrade, aktivitet
            """, as: String.self)
        #expect(rows == [
            "1|genomford|universell|Leda samverkansgruppen mot VBE",
            "1|pagaende|selektiv|Samverkanskartläggning",
            "2|ej-paborjad|selektiv|Fördjupad utbildning per förvaltning",
            "2|genomford||Informationsmaterial till föreningar",
            "2|pagaende|universell|Nano-utbildning för alla anställda",
            "3|ej-paborjad|universell|Demokratidag för kommunmedborgare",
            "3|installd|universell|Lägesbild till KS, KF och BRÅ",
            "3|installd|indikerad|Rutin för ärenden som rör VBE",
        ])
        #expect(try cli.query("SELECT kommentar FROM aktivitet WHERE aktivitet LIKE 'Rutin%'", as: String.self) == ["Ersätts av regional rutin; se protokoll"])
        let status = try cli.succeed(["status"]).stdout
        #expect(status.contains("aktiviteter  2024      8  genomförda 2"))
    }

    @Test func englishHeadersAndACorrectedPlanReplaceWithHistory() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/aktiviteter-2024-excel.csv")])
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("import/activities-2025-english.csv")])
        #expect(output.stdout.contains("aktiviteter (UTF-8 med BOM) – 2 nya"))
        #expect(try cli.query("SELECT count(*) FROM aktivitet WHERE ar = 2025 AND status = 'genomford'", as: Int.self) == [2])
        // A corrected 2024 plan: the ongoing course is now done; the old row goes to history and undo restores it.
        let corrected = try cli.write("aktiviteter-2024-rattad.csv", """
            år;målområde;aktivitet;ansvarig;status
            2024;2;Nano-utbildning för alla anställda;HR-chef;genomförd

            """)
        #expect(try cli.succeed(["import", "--nya-namn", corrected]).stdout.contains("0 nya, 1 ersatta"))
        #expect(try cli.query("SELECT status FROM aktivitet_history", as: String.self) == ["pagaende"])
        try cli.succeed(["undo", "3"])
        #expect(try cli.query("SELECT status FROM aktivitet WHERE ar = 2024 AND aktivitet LIKE 'Nano%'", as: String.self) == ["pagaende"])
    }

    @Test func badActivityFileWritesNothing() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let bad = try cli.write("plan.csv", """
            år;målområde;aktivitet;ansvarig;status
            2024;1;Leda samverkan;Säkerhetssamordnare;genomförd
            2024;4;Utbildning;HR-chef;genomförd
            2024;2;Leda samverkan;HR-chef;klar ibland

            """)
        let before = try cli.databaseContents()
        let result = try cli.run(["import", "--nya-namn", bad, cli.fixture("import/activities-2025-english.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("plan.csv:3: kolumnen \"målområde\": okänt värde \"4\""))
        #expect(result.stderr.contains("plan.csv:4: kolumnen \"status\": okänt värde \"klar ibland\""))
        #expect(try cli.databaseContents() == before)
    }
}
