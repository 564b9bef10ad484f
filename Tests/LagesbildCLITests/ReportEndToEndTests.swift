import Foundation
import Testing

/// `lagesbild report` on the indicator fixtures: the figures, the masks, escaping, determinism.
@Suite struct ReportEndToEndTests {
    func loaded() throws -> CLI {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn"] + ["signaler.csv", "befolkning.csv", "utbildning.csv", "samverkan.csv"].map { cli.fixture("indicators/\($0)") })
        return cli
    }

    func report(_ cli: CLI, _ extra: [String] = []) throws -> String {
        let output = try cli.succeed(["report", "--year", "2024", "--date", "2025-03-01"] + extra)
        #expect(output.stdout.contains("Skrev lagesbild-2313-2024.html") || extra.contains("--output"))
        let path = extra.firstIndex(of: "--output").map { extra[$0 + 1] } ?? cli.directory.appendingPathComponent("lagesbild-2313-2024.html").path
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// A change from or to a masked value has no arrow, no direction and no test in the published report: not in a
    /// breakdown's row, not beside the key figures, not in the sentence. (Before: "Övrig eller oklar: .. → 21, ↑ ökning".)
    @Test func aMaskedValueShowsNoDirection() throws {
        let cli = try loaded()
        let html = try report(cli)
        let rows = html.matches(of: /<tr><th scope="row">([^<]*)<\/th><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/)
        let masked = rows.filter { ["<5", "&lt;5", ".."].contains(String($0.2)) || ["<5", "&lt;5", ".."].contains(String($0.3)) }
        #expect(!masked.isEmpty, "the fixtures have masked breakdown cells")
        for row in masked { #expect(row.4 == "–", "\(row.1): \(row.2) / \(row.3) has the trend \(row.4)") }
        #expect(!html.contains("små antal redovisas inte exakt, men"))
        #expect(!html.contains("små antal redovisas inte exakt, och skillnaden"))
        // The internal report, exact, keeps every trend.
        let internalHTML = try report(cli, ["--internal", "--output", cli.directory.appendingPathComponent("intern.html").path])
        #expect(internalHTML.matches(of: /<td>[↑↓→][^<]*<\/td><\/tr>/).count > html.matches(of: /<td>[↑↓→][^<]*<\/td><\/tr>/).count)
    }

    /// The JSON says which of the three a change is: tested, too few to test, or a fact not tested.
    @Test func theJSONSaysWhetherAChangeWasTested() throws {
        let cli = try loaded()
        let json = try cli.succeed(["indicators", "--year", "2024", "--format", "json"]).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let indicators = try #require(object["indicators"] as? [[String: Any]])
        func test(_ id: String) -> String? { indicators.first { $0["id"] as? String == id }?["change_test"] as? String }
        #expect(test("MO1-01") == "tested" && test("MO1-09") == "too_few" && test("MO2-02") == "not_tested" && test("MO1-07") == "not_tested")
        #expect(indicators.first { $0["id"] as? String == "MO1-09" }?["trend"] is NSNull)
    }

    @Test func theReportShowsTheFixtureFiguresWithSmallCountsMasked() throws {
        let cli = try loaded()
        let html = try report(cli)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"sv\">"))
        #expect(html.contains("<h1>Lägesbild 2024 – radikalisering och våldsbejakande extremism</h1>"))
        #expect(html.contains("Kommunstyrelsen, Kommunfullmäktige, Lokala brottsförebyggande rådet (BRÅ)"))
        #expect(html.contains("<dt>Upprättad av</dt><dd>Samverkansgruppen mot VBE</dd>"))
        // Page 2 for decision-makers: one item per measure family (the count of signals, not also signals per 10 000),
        // and no p-value there.
        let highlights = try #require(html.firstMatch(of: /<ol class="highlights">(.*?)<\/ol>/.dotMatchesNewlines()).map { String($0.1) })
        #expect(highlights.contains("Registrerade signaler ökade") != highlights.contains("Signaler per 10 000 invånare ökade"), "\(highlights)")
        #expect(!html.contains("p under 0,05; annars"))
        #expect(html.contains("Registrerade signaler ökade från 45 år 2023 till 86 år 2024; ökningen är statistiskt säkerställd."))
        #expect(html.contains("Andel signaler som orosanmälts ökade från 13,3\u{00A0}% år 2023 till 20,9\u{00A0}% år 2024; skillnaden kan bero på slumpen."))
        // The municipality's own departments, counted: a fact, stated without a test.
        #expect(html.contains("Förvaltningar med fördjupat utbildad funktion: 3 år 2024 (3 av 4) mot 0 år 2023."))
        // 1 → 3 actors outside the municipality: no split of 4 events could reach p < 0.05.
        #expect(html.contains("Externa samverkansaktörer ökade från 1 år 2023 till 3 år 2024; antalen är för få för att pröva statistiskt om förändringen är mer än slump."))
        // Hammerdal's 4 is masked, and Gäddede's 12 hidden so that 86 − 70 − 0 cannot give Hammerdal's away: not as
        // "<5" (it is not small) but as "..", explained under the table. Centrum's 70 and Backe's 0 are shown.
        #expect(html.contains("<tr><th scope=\"row\">Hammerdal</th><td class=\"num\">&lt;5</td><td class=\"num\">&lt;5</td>"))
        #expect(html.contains("<tr><th scope=\"row\">Gäddede</th><td class=\"num\">..</td><td class=\"num\">&lt;5</td>"))
        #expect(html.contains("<p class=\"legend\">.. = dolt så att ett maskerat värde inte kan räknas fram ur summan (röjandekontroll).</p>"))
        #expect(html.contains("<tr><th scope=\"row\">Centrum</th><td class=\"num\">70</td><td class=\"num\">40</td>"))
        #expect(html.contains("<tr><th scope=\"row\">Backe</th><td class=\"num\">0</td>"))
        #expect(!html.contains("<tr><th scope=\"row\">Hammerdal</th><td class=\"num\">4</td>"))
        // The group's assessment is never invented.
        #expect(html.contains("Samverkansgruppens bedömning saknas."))
        // The data sources, from the import log.
        #expect(html.contains("<td class=\"file\">signaler.csv</td>"))
        #expect(!html.contains("Fiktiva demodata"))
        // The report states the version that made it, as `lagesbild --version` prints it.
        let version = try cli.succeed(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(html.contains("<p>Framtagen med \(version) 2025-03-01.") && html.contains("<meta name=\"generator\" content=\"\(version)\">"), "\(version)")
    }

    @Test func selfContainedWithThePolicyAndNoScriptOrExternalReference() throws {
        let cli = try loaded()
        let html = try report(cli)
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:\">"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("//fonts"))
        #expect(!html.contains("<link") && !html.contains("<img"))
        // A chart may fill with a pattern defined in the same SVG (`url(#id)`), and the typefaces are in the file
        // (`url(data:font/woff2;base64,…)`); never anything outside.
        #expect(html.components(separatedBy: "url(").dropFirst().allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("data:font/woff2;base64,") })
        #expect(html.components(separatedBy: "@font-face").count == 9)
        #expect(html.components(separatedBy: "<h1").count == 2)
    }

    @Test func internalShowsExactValuesAndMarksEveryPage() throws {
        let cli = try loaded()
        let html = try report(cli, ["--internal", "--output", cli.directory.appendingPathComponent("intern.html").path])
        #expect(html.contains("@page { @top-center { content: \"Internt arbetsmaterial – ej röjandekontrollerat\"; } }"))
        #expect(html.contains("<tr><th scope=\"row\">Hammerdal</th><td class=\"num\">4</td><td class=\"num\">3</td>"))
    }

    @Test func sameInputsAndDateGiveAByteIdenticalFile() throws {
        let cli = try loaded()
        let first = try report(cli)
        let second = try report(cli)
        #expect(first == second)
    }

    @Test func textFromDataIsEscaped() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let hostile = "<script>alert(1)</script>"
        let file = try cli.write("elak.csv", """
            år;kategori;område;källa;antal
            2024;klotter;"\(hostile)";"</style><b>x</b> & ""citat"" 'apostrof'";9

            """)
        try cli.succeed(["import", "--nya-namn", file])
        let assessment = try cli.write("bedomning.md", "# Läget\n\nText med <script>alert(2)</script> och [länk](https://example.org) och ![bild](https://example.org/x.png).\n")
        let html = try report(cli, ["--assessment", assessment])
        #expect(!html.contains(hostile))
        #expect(!html.contains("<script>alert(2)"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;/style&gt;&lt;b&gt;x&lt;/b&gt; &amp; &quot;citat&quot; &#39;apostrof&#39;"))
        #expect(html.contains("&lt;script>alert(2)&lt;/script>") || html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(html.contains("<h3>Läget</h3>"))
        #expect(!html.contains("example.org"))
        #expect(html.components(separatedBy: "</style>").count == 2)
    }

    @Test func assessmentBesideTheDatabaseIsUsed() throws {
        let cli = try loaded()
        let folder = cli.directory.appendingPathComponent("Reports/2024")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "Samverkansgruppen bedömer att läget är **oförändrat**.\n".write(to: folder.appendingPathComponent("bedomning.md"), atomically: true, encoding: .utf8)
        let html = try report(cli)
        #expect(html.contains("Samverkansgruppen bedömer att läget är <strong>oförändrat</strong>."))
        #expect(!html.contains("Samverkansgruppens bedömning saknas."))
    }

    @Test func aYearWithoutDataIsAClearError() throws {
        let cli = try loaded()
        let output = try cli.run(["report", "--year", "2019"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("fel: databasen har inga uppgifter för 2313 år 2019 (år med uppgifter: 2023, 2024, 2025)"))
        let badDate = try cli.run(["report", "--year", "2024", "--date", "1 mars"])
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("fel: värdet '1 mars' är ogiltigt för '--date <datum>': \"1 mars\" är inte ett datum på formen ÅÅÅÅ-MM-DD"))
        // A date that is not in the calendar is refused too.
        let noSuchDay = try cli.run(["report", "--year", "2024", "--date", "2024-02-30"])
        #expect(noSuchDay.status == 2)
    }
}

/// A database full of markup-like labels: the report's text, parsed as HTML, is exactly the labels.
@Suite struct ReportEscapingTests {
    @Test func labelsComeOutOfTheParsedHTMLExactlyAsTheyWentIn() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let labels = ["<script>alert(1)</script>", "</style><h1>x</h1>", "Tom & Jerry \"citat\" 'enkel'", "<!-- kommentar -->", "a<b>c</b>&amp;"]
        var text = "år;kategori;område;källa;antal\n"
        for (index, label) in labels.enumerated() {
            let quoted = "\"" + label.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            text += "2024;klotter;\(quoted);\(quoted);\(10 + index)\n"
        }
        try cli.succeed(["import", "--nya-namn", try cli.write("markup.csv", text)])
        // Actors are not listed in the report, but their markup must not become markup either.
        try "år;aktör;typ\n2024;\"<img src=x onerror=alert(2)>\";annan\n".write(to: cli.directory.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        try cli.succeed(["import", "--nya-namn", "s.csv"])
        try cli.succeed(["report", "--year", "2024", "--date", "2025-01-01", "--output", "r.html"])

        let parser = Process()
        parser.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        parser.arguments = ["python3", CLI.repository.appendingPathComponent("scripts/html-text.py").path, cli.directory.appendingPathComponent("r.html").path]
        let pipe = Pipe()
        parser.standardOutput = pipe
        try parser.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        parser.waitUntilExit()
        #expect(parser.terminationStatus == 0)
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tags = try #require(parsed["tags"] as? [String])
        let texts = try #require(parsed["texts"] as? [String])
        #expect(!tags.contains("script"))
        #expect(!tags.contains("img"))
        #expect(tags.filter { $0 == "h1" }.count == 1)
        for label in labels {
            #expect(texts.contains(label), "\(label) is not in the report's text")
        }
    }
}

/// The activity plan's follow-up in the report.
extension ReportEndToEndTests {
    @Test func activityPlanSectionWithStatusPerTargetAreaAndCarriedOverActivities() throws {
        let cli = try loaded()
        try cli.succeed(["import", "--nya-namn", cli.fixture("indicators/aktiviteter.csv")])
        let html = try report(cli)
        #expect(html.contains("<h2 id=\"aktivitetsplan-rubrik\">Uppföljning av aktivitetsplanen</h2>"))
        // The summary's sentence: 4 of the 6 activities not cancelled were done; 1 ongoing, 1 not started.
        let sentence = "4 av 6 aktiviteter i aktivitetsplanen för 2024 genomfördes, 1 pågår och 1 har inte påbörjats; de förs över till 2025. En aktivitet ställdes in."
        #expect(html.components(separatedBy: sentence).count == 3) // in the summary and in the section
        // The status table per target area, with the total row.
        #expect(html.contains("<tr><th scope=\"row\">2 Kunskap och stöd</th><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">3</td></tr>"))
        #expect(html.contains("<tr class=\"total\"><th scope=\"row\">Totalt</th><td class=\"num\">4</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">7</td></tr>"))
        // The stacked chart reads without colour: a text alternative with every count.
        #expect(html.contains("3 Situations- och behovsanpassade åtgärder: genomförd 1, pågående 0, ej påbörjad 0, inställd 1."))
        // Activities carried over from 2023 are marked; the one done in 2023 is not.
        #expect(html.contains("<th scope=\"row\">Kartlägga samverkan <span class=\"carried\">(överförd från 2023)</span></th><td>Lokal samordnare mot VBE</td><td>Selektiv</td><td>Genomförd</td>"))
        #expect(html.contains("<th scope=\"row\">Leda samverkan</th>"))
        #expect(html.contains("<td>Ersätts av regional rutin</td>"))
        #expect(html.contains("MO3-01"))
        // The section comes before the group's assessment.
        let section = try #require(html.range(of: "id=\"aktivitetsplan\""))
        let assessment = try #require(html.range(of: "id=\"bedomning\""))
        #expect(section.lowerBound < assessment.lowerBound)
    }

    @Test func withoutActivitiesTheSectionSaysHowToAddThem() throws {
        let cli = try loaded()
        let html = try report(cli)
        #expect(html.contains("Uppgifter om aktivitetsplanen saknas för 2024."))
        #expect(html.contains("<code>lagesbild import aktiviteter-2024.csv</code>"))
        // No indicator block, and no summary line, for a kind the store has never held.
        #expect(!html.contains("id=\"ind-mo3-01\""))
        #expect(!html.contains("Andel genomförda aktiviteter kan inte redovisas"))
    }
}
