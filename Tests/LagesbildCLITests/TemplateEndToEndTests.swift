import Foundation
import Testing

/// `lagesbild mall`: the template opens in LibreOffice Calc (headless), is filled in with openpyxl (another
/// real reader and writer of .xlsx) and imports as it is. `.ci/run` installs both; in CI (CI=true) a missing
/// tool fails the test instead of skipping it.
@Suite(.serialized) struct TemplateEndToEndTests {
    /// LibreOffice and a python3 with openpyxl, or nil when one is missing.
    static let tools: (soffice: String, python: String)? = {
        guard let soffice = BrowserReportTests.tool(["soffice", "libreoffice"]) else { return nil }
        // The python3 on PATH: the one `.ci/run` installs openpyxl for with `python3 -m pip`.
        guard let python = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map({ "\($0)/python3" })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              (try? BrowserReportTests.run(python, ["-c", "import openpyxl"]).status) == 0 else { return nil }
        return (soffice, python)
    }()

    /// Runs where the tools are, and always in CI (CI=true), where a missing tool fails the test: never a silent skip.
    static var enabled: Bool { tools != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    @Test(.enabled(if: enabled, "needs LibreOffice Calc and openpyxl"))
    func theTemplateOpensInLibreOfficeAndAFilledInCopyImportsUnchanged() throws {
        let tools = try #require(Self.tools, "LibreOffice Calc and openpyxl are needed (apt-get install libreoffice-calc-nogui; pip install openpyxl); .ci/run installs them")
        let cli = try CLI()
        try cli.initDatabase()
        // Områden and förvaltningar already in the database become suggestions.
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv"), cli.fixture("import/utbildning-2024-utf8bom.csv")])
        let output = try cli.succeed(["mall", "--year", "2025", "--output", "mall.xlsx"])
        #expect(output.stdout.contains("Skrev mall.xlsx."))

        // LibreOffice reads every sheet (proving the package opens without repair) and writes each as CSV.
        let converted = cli.directory.appendingPathComponent("csv")
        let conversion = try BrowserReportTests.run(tools.soffice, [
            "-env:UserInstallation=file://\(cli.directory.appendingPathComponent("lo-profile").path)", "--headless",
            "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir", converted.path, cli.directory.appendingPathComponent("mall.xlsx").path,
        ])
        #expect(conversion.status == 0)
        func sheet(_ name: String) throws -> String {
            try String(contentsOf: converted.appendingPathComponent("mall-\(name).csv"), encoding: .utf8)
        }
        #expect(try sheet("Signaler").hasPrefix("År;Månad;Kategori;Miljö;Område;Källa;Antal;Orosanmälningar;Polisanmälningar"))
        #expect(try sheet("Utbildning").hasPrefix("År;Förvaltning;Utbildning;Målgrupp;Genomfört"))
        #expect(try sheet("Befolkning").hasPrefix("År;Område;Invånare"))
        #expect(try sheet("Samverkan").hasPrefix("År;Aktör;Typ;Möten"))
        #expect(try sheet("Aktiviteter").hasPrefix("År;Aktivitet;Målområde;Ansvarig;Insatsnivå;Status;Kommentar"))
        let lists = try sheet("Listor")
        #expect(lists.contains("Negativ social kontroll") && lists.contains("Ej påbörjad") && lists.contains("Hammerdal")
                && lists.contains("Socialförvaltningen"))
        #expect(try sheet("Instruktioner").contains("lagesbild import"))

        // openpyxl sees the drop-down lists and the checks, and fills in rows as a coordinator would.
        let script = """
            import openpyxl, posixpath, sys, zipfile
            from xml.etree import ElementTree
            # The package's structure, as Excel checks it before opening: every part has a content type, every
            # relationship points at a part that exists, and the XML of every part is well-formed.
            package = zipfile.ZipFile(sys.argv[1])
            names = set(package.namelist())
            assert package.testzip() is None
            types = ElementTree.fromstring(package.read("[Content_Types].xml"))
            overrides = {e.get("PartName").lstrip("/") for e in types if e.tag.endswith("Override")}
            defaults = {e.get("Extension") for e in types if e.tag.endswith("Default")}
            for name in names:
                assert name in overrides or name.rsplit(".", 1)[-1] in defaults, name
                ElementTree.fromstring(package.read(name))
            for name in [n for n in names if n.endswith(".rels")]:
                base = posixpath.dirname(posixpath.dirname(name))
                for relation in ElementTree.fromstring(package.read(name)):
                    target = posixpath.normpath(posixpath.join(base, relation.get("Target")))
                    assert target in names, (name, target)
            wb = openpyxl.load_workbook(sys.argv[1])
            assert wb["Listor"].sheet_state == "hidden"
            signals = wb["Signaler"]
            kinds = sorted(v.type for v in signals.data_validations.dataValidation)
            assert kinds.count("list") >= 3 and kinds.count("whole") >= 4, kinds
            assert signals.freeze_panes == "A2", signals.freeze_panes
            signals.append([2025, 3, "Klotter", "Högerextrem", "Hammerdal", "Skola", 4, 1, 0])
            signals.append([2025, None, "Spridande av symboler", "Oklar", "Centrum", "Polisen", 2, None, None])
            wb["Befolkning"].append([2025, "Hela kommunen", 11420])
            wb["Aktiviteter"].append([2025, "Leda samverkansgruppen mot VBE", "Organisation och samordning", "Säkerhetssamordnare", "Universell", "Genomförd", "Fyra möten"])
            wb.save(sys.argv[2])
            """
        let filled = try BrowserReportTests.run(tools.python, ["-c", script, cli.directory.appendingPathComponent("mall.xlsx").path,
                                                               cli.directory.appendingPathComponent("ifylld.xlsx").path])
        #expect(filled.status == 0, "\(filled.output)")
        let imported = try cli.succeed(["import", "--nya-namn", "ifylld.xlsx"])
        #expect(imported.stdout.contains("blad \"Signaler\": signaler (xlsx) – 2 nya"))
        #expect(imported.stdout.contains("blad \"Befolkning\": befolkning (xlsx) – 1 nya"))
        #expect(imported.stdout.contains("blad \"Aktiviteter\": aktiviteter (xlsx) – 1 nya"))
        #expect(imported.stdout.contains("hoppade över bladen \"Instruktioner\" (ingen filtyp), \"Utbildning\" (bara rubrikrad), \"Samverkan\" (bara rubrikrad), \"Listor\" (dolt)."))
        #expect(try cli.query("SELECT kategori || '|' || manad || '|' || antal FROM signal WHERE ar = 2025 ORDER BY kategori", as: String.self)
                == ["klotter|3|4", "symboler|0|2"])
        #expect(try cli.query("SELECT invanare FROM befolkning WHERE ar = 2025", as: Int.self) == [11420])
    }

    @Test func theTemplateWithoutADatabaseHasTheVocabulariesOnly() throws {
        let cli = try CLI()
        let output = try cli.succeed(["mall", "--db", "finns-inte.sqlite"])
        #expect(output.stdout.contains("Skrev lagesbild-mall.xlsx."))
        #expect(FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("lagesbild-mall.xlsx").path))
        // The empty template imports as nothing to import, clearly.
        try cli.initDatabase()
        let result = try cli.run(["import", "--nya-namn", "lagesbild-mall.xlsx"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("arbetsboken har inget blad med data att läsa in"))
    }
}
