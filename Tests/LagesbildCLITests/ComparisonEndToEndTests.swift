import Foundation
import Testing

/// Comparisons on Tests/Fixtures/comparison: three municipalities, worked out by hand.
///
/// 2024: Strömsund (2313, Jämtlands län) 3 signals, 11 500 inhabitants; Östersund (2380, Jämtlands län) 100
/// signals, 65 500; Sundsvall (2281, Västernorrlands län) 60 signals, 99 500.
/// Jämtlands län in the store: 103 signals, 77 000 inhabitants → 13.376 → 13.4 per 10 000; 2 of 8 municipalities.
/// Riket in the store: 163 signals, 176 500 inhabitants → 9.235 → 9.2 per 10 000; 3 of 290.
/// Östersund against the rest of the county (Strömsund): x1 = 100, e1 = 65 500; x2 = 3, e2 = 11 500;
/// SciPy binomtest(3, 103, 11500/77000) gives p = 0.00013650199380279247: Östersund higher, Strömsund lower.
@Suite struct ComparisonEndToEndTests {
    func loaded() throws -> CLI {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("comparison/signaler-tre-kommuner.csv"), cli.fixture("comparison/befolkning-tre-kommuner.csv")])
        return cli
    }

    func indicators(_ cli: CLI, kommun: String) throws -> (json: [String: Any], byID: [String: [String: Any]]) {
        let output = try cli.succeed(["indicators", "--year", "2024", "--kommun", kommun, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let list = try #require(json["indicators"] as? [[String: Any]])
        return (json, Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as! String, $0) }))
    }

    @Test func countyAndNationalValuesAndTheTestAgainstTheRestOfTheCounty() throws {
        let cli = try loaded()
        let ostersund = try indicators(cli, kommun: "2380").byID
        let rate = try #require(ostersund["MO1-02"]?["comparison"] as? [String: Any])
        let lan = try #require(rate["lan"] as? [String: Any]), riket = try #require(rate["riket"] as? [String: Any])
        #expect(lan["code"] as? String == "23")
        #expect(lan["name"] as? String == "Jämtlands län")
        #expect(lan["value"] as? Double == 13.4)
        #expect(lan["municipalities"] as? Int == 2 && lan["of"] as? Int == 8)
        #expect(abs((lan["p_value"] as? Double ?? 0) - 0.00013650199380279247) < 1e-12)
        #expect(lan["result"] as? String == "higher")
        #expect(riket["value"] as? Double == 9.2)
        #expect(riket["municipalities"] as? Int == 3 && riket["of"] as? Int == 290)
        #expect(riket["p_value"] == nil && riket["code"] == nil)
        // The county's count, 103, less Östersund's published 100 would reveal Strömsund's 3: masked.
        #expect(lan["suppressed"] as? Bool == true)
        #expect(riket["suppressed"] as? Bool == false)
        let count = try #require(ostersund["MO1-01"]?["comparison"] as? [String: Any])
        #expect((count["lan"] as? [String: Any])?["value"] as? Double == 103)
        #expect((count["riket"] as? [String: Any])?["value"] as? Double == 163)
        // Shares and distinct counts are not compared.
        #expect(ostersund["MO1-03"]?["comparison"] is NSNull)

        let stromsund = try indicators(cli, kommun: "2313").byID
        let stromsundRate = try #require((stromsund["MO1-02"]?["comparison"] as? [String: Any])?["lan"] as? [String: Any])
        #expect(stromsundRate["result"] as? String == "lower")
        // The rest of the county is Östersund's 100: nothing to protect.
        #expect(stromsundRate["suppressed"] as? Bool == false)

        // Sundsvall is alone in its county in the store: no one to test against.
        let sundsvall = try indicators(cli, kommun: "2281").byID
        let alone = try #require((sundsvall["MO1-02"]?["comparison"] as? [String: Any])?["lan"] as? [String: Any])
        #expect(alone["municipalities"] as? Int == 1 && alone["of"] as? Int == 7)
        #expect(alone["p_value"] is NSNull && alone["result"] is NSNull)
    }

    @Test func allMunicipalitiesAtOnceGiveTheSameComparisons() throws {
        let cli = try loaded()
        // `--all` sums the rows it reads into memory; one municipality's report asks SQL for the year's sums.
        let output = try cli.succeed(["indicators", "--year", "2024", "--all", "--format", "json"])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
        #expect(all.map { $0["kommun"] as? String } == ["2281", "2313", "2380"])
        for entry in all {
            let single = try indicators(cli, kommun: entry["kommun"] as! String).byID
            for indicator in try #require(entry["indicators"] as? [[String: Any]]) {
                let id = indicator["id"] as! String
                let fromAll = try JSONSerialization.data(withJSONObject: ["c": indicator["comparison"]!], options: .sortedKeys)
                let fromOne = try JSONSerialization.data(withJSONObject: ["c": single[id]!["comparison"]!], options: .sortedKeys)
                #expect(fromAll == fromOne, "\(entry["kommun"]!) \(id)")
            }
        }
    }

    @Test func conditionsSelectTheSameRowsInBothWays() throws {
        let cli = try loaded()
        let folder = cli.directory.appendingPathComponent("egna")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            id: X-01
            title: Klotter och flygblad utom islamistiska, rader med minst 2
            description: Test.
            target_area: 1
            unit: antal
            direction: neutral
            measure:
              type: sum
              source: signaler
              field: antal
              where: {kategori: [klotter, flygblad], miljö: {not: islamistisk}, antal: {min: 2}}
            """.write(to: folder.appendingPathComponent("X-01.yaml"), atomically: true, encoding: .utf8)
        // Strömsund 2 (klotter; flygblad 1 is below the minimum), Östersund 60, Sundsvall 35 (flygblad is islamistisk).
        func comparison(_ arguments: [String]) throws -> Any {
            let output = try cli.succeed(["indicators", "--year", "2024", "--indicators", folder.path, "--format", "json"] + arguments)
            let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
            let report = (json as? [[String: Any]])?.first { $0["kommun"] as? String == "2380" } ?? json as! [String: Any]
            return ((report["indicators"] as! [[String: Any]])[0])["comparison"]!
        }
        let single = try #require(try comparison(["--kommun", "2380"]) as? [String: Any])
        #expect((single["lan"] as? [String: Any])?["value"] as? Double == 62)
        #expect((single["riket"] as? [String: Any])?["value"] as? Double == 97)
        let fromAll = try comparison(["--all"])
        #expect(try JSONSerialization.data(withJSONObject: fromAll, options: .sortedKeys) == JSONSerialization.data(withJSONObject: single, options: .sortedKeys))
    }

    @Test func aStoreOfOneMunicipalityHasNoComparison() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn"] + ["signaler.csv", "befolkning.csv"].map { cli.fixture("indicators/\($0)") })
        let report = try indicators(cli, kommun: "2313")
        #expect(report.byID["MO1-02"]?["comparison"] is NSNull)
        // The shipped reference series is listed, with null where nothing is imported.
        let references = try #require(report.json["reference"] as? [[String: Any]])
        #expect(references.map { $0["id"] as? String } == ["REF-01"])
        #expect(references.first?["kommun"] is NSNull && references.first?["riket"] is NSNull)
    }

    @Test func referenceSeriesBesideTheMunicipality() throws {
        let cli = try loaded()
        try cli.succeed(["import", "--nya-namn", cli.fixture("reference/kolada-valdsbrott.json"), cli.fixture("reference/kolada-kpi.json")])
        let references = try #require(try indicators(cli, kommun: "2313").json["reference"] as? [[String: Any]])
        let series = try #require(references.first)
        #expect(series["id"] as? String == "REF-01")
        #expect(series["source"] as? String == "Kolada")
        #expect(series["unit"] as? String == "per 100 000 invånare")
        #expect(series["year"] as? Int == 2024)
        #expect(series["kommun"] as? Double == 812.5)
        #expect(series["lan"] as? Double == 905.3)
        #expect(series["riket"] as? Double == 962.1)
    }
}

/// The report's "Jämförelse med omvärlden".
extension ComparisonEndToEndTests {
    @Test func reportSectionSetsTheMunicipalityBesideCountyAndSwedenWithSources() throws {
        let cli = try loaded()
        try cli.succeed(["import", "--nya-namn", cli.fixture("reference/kolada-valdsbrott.json"), cli.fixture("reference/kolada-kpi.json")])
        let path = cli.directory.appendingPathComponent("ostersund.html").path
        try cli.succeed(["report", "--year", "2024", "--kommun", "2380", "--date", "2025-03-01", "--output", path])
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let nbsp = "\u{00A0}"
        #expect(html.contains("<h2 id=\"jamforelse-rubrik\">Jämförelse med omvärlden</h2>"))
        // After Målområde 1, before Målområde 2.
        let section = try #require(html.range(of: "id=\"jamforelse\""))
        #expect(try #require(html.range(of: "id=\"malomrade-1\"")).lowerBound < section.lowerBound)
        #expect(section.lowerBound < (try #require(html.range(of: "id=\"malomrade-2\""))).lowerBound)
        // The honest sentence, with the county's small remainder masked.
        #expect(html.contains("Signaler per 10 000 invånare: Östersund 15,3 per 10 000 invånare, Jämtlands län &lt;5 (2 av 8 kommuner i databasen). Östersund ligger högre än övriga kommuner i länet; skillnaden är statistiskt säkerställd (p &lt;\(nbsp)0,001)."))
        #expect(html.contains("<td class=\"num\">15,3</td><td class=\"num\">&lt;5</td><td>högre, säkerställt</td>"))
        // No national figure from 3 of 290 municipalities: no column, no bar, and a sentence says why; the county's
        // heading says how much of it the store holds.
        #expect(html.contains("<th scope=\"col\" class=\"num\">Jämtlands län, 2 av 8 kommuner</th><th scope=\"col\">Mot övriga länet</th>"))
        #expect(html.contains("Riket redovisas inte här: databasen har uppgifter från 3 av 290 kommuner, och ett värde räknat på dem vore inte rikets. "
                              + "Rikets värden från officiell statistik står i tabellen över referensdata."))
        #expect(!html.contains("Riket 9,2") && !html.contains(">9,2<"))
        #expect(!html.contains(">13,4<"))
        // The reference series and the attribution its licence asks for.
        #expect(html.contains("<th scope=\"row\">Anmälda våldsbrott per 100 000 invånare <span class=\"unit\">(per 100 000 invånare)</span></th><td class=\"num\">–</td><td class=\"num\">905,3</td><td class=\"num\">962,1</td><td>Kolada</td>"))
        #expect(html.contains("Källa: Kolada (RKA), CC BY 4.0"))

        // Strömsund: the difference is a significant "lower"; the county value is then published.
        let own = cli.directory.appendingPathComponent("stromsund.html").path
        try cli.succeed(["report", "--year", "2024", "--date", "2025-03-01", "--output", own])
        let stromsund = try String(contentsOfFile: own, encoding: .utf8)
        #expect(stromsund.contains("Strömsund ligger lägre än övriga kommuner i länet; skillnaden är statistiskt säkerställd"))
        #expect(stromsund.contains("<td class=\"num\">13,4</td><td>lägre, säkerställt</td>"))
        #expect(stromsund.contains("<td class=\"num\">812,5</td><td class=\"num\">905,3</td><td class=\"num\">962,1</td>"))
    }

    @Test func withoutOtherMunicipalitiesOrReferenceDataOneLineSaysHowToAddThem() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn"] + ["signaler.csv", "befolkning.csv"].map { cli.fixture("indicators/\($0)") })
        let path = cli.directory.appendingPathComponent("r.html").path
        try cli.succeed(["report", "--year", "2024", "--date", "2025-03-01", "--output", path])
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("Här ställs kommunens siffror bredvid länets och rikets."))
        #expect(!html.contains("Källa: Kolada"))
    }

    /// The county map on Tests/Fixtures/countymap, worked out by hand (2024, per 10 000 inhabitants):
    /// Strömsund 40 / 11 500 = 34.8, Östersund 200 / 65 500 = 30.5, Berg 20 / 7 000 = 28.6; Krokom's 3 is a small count
    /// (hidden), and as the only hidden one it would follow from the county's total, so the next smallest, Åre's 12
    /// (10.0), is hidden too. Classes from the largest shown value 34.8: width 10 (34.8 / 4 = 8.7 → 10), four classes
    /// 0–9,9 … 30–39,9: Strömsund and Östersund in the darkest (#08519C), Berg in the third (#4292C6). Ragunda, Bräcke
    /// and Härjedalen are not in the store: white, "–".
    @Test func theCountyMapShadesByClassAndHatchesWhatIsMasked() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("countymap/signaler-lanet.csv"), cli.fixture("countymap/befolkning-lanet.csv")])
        try cli.succeed(["report", "--year", "2024", "--date", "2025-03-01", "--output", "r.html"])
        let html = try String(contentsOfFile: cli.directory.appendingPathComponent("r.html").path, encoding: .utf8)
        let map = try #require(html.firstMatch(of: /<svg class="map"[\s\S]*?<\/svg>/).map { String($0.0) })
        func fill(_ code: String) -> String? {
            map.firstMatch(of: try! Regex("<path data-kod=\"\(code)\" fill=\"([^\"]+)\"")).map { String($0.output[1].substring ?? "") }
        }
        #expect(fill("2313") == "#08519C" && fill("2380") == "#08519C" && fill("2326") == "#4292C6")
        #expect(fill("2309") == "url(#karta-lan-mo1-02-hatch)" && fill("2321") == "url(#karta-lan-mo1-02-hatch)")
        #expect(fill("2303") == "#FFFFFF" && fill("2305") == "#FFFFFF" && fill("2361") == "#FFFFFF")
        // Strömsund outlined; labels with the values, "<5" where masked; a legend that names the classes.
        #expect(map.contains("<path data-kod=\"2313\" fill=\"#08519C\" stroke=\"#1A1A1A\" stroke-width=\"2.6\""))
        #expect(map.contains(">Strömsund</tspan><tspan") && map.contains(">34,8</tspan>") && map.contains(">Krokom</tspan>"))
        #expect(!map.contains(">3</tspan>") && !map.contains(">10,0</tspan>") && !map.contains(">2,0</tspan>"))
        #expect(map.contains(">..</tspan>"))
        for label in ["0,0–9,9", "10,0–19,9", "20,0–29,9", "30,0–39,9", "litet antal (&lt;5) eller dolt (..), redovisas inte", "uppgift saknas i databasen"] {
            #expect(map.contains(">\(label)</text>"), "legend: \(label)")
        }
        // The same figures in the table beside the map, masked alike.
        for row in ["<th scope=\"row\">Krokom</th><td class=\"num\">&lt;5</td><td class=\"num\">15\u{00A0}000</td><td class=\"num\">&lt;5</td>",
                    "<th scope=\"row\">Åre</th><td class=\"num\">..</td><td class=\"num\">12\u{00A0}000</td><td class=\"num\">..</td>",
                    "<th scope=\"row\">Strömsund</th><td class=\"num\">40</td><td class=\"num\">11\u{00A0}500</td><td class=\"num\">34,8</td>",
                    "<th scope=\"row\">Ragunda</th><td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td>"] {
            #expect(html.contains(row), "table row: \(row)")
        }
        // The table is in the order of the names (Swedish: Å, Ä, Ö last), not of the codes.
        let names = html.matches(of: /<tr( class="own")?><th scope="row">([^<]+)<\/th><td class="num">[^<]*<\/td><td class="num">[0-9\u{00A0}–]+<\/td>/).map { String($0.2) }
        let county = ["Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"]
        #expect(names.filter(county.contains) == county, "\(names)")
        #expect(html.contains("Kommuner med ett antal under 5 är streckade och redovisas inte (&lt;5), och så är kommunen med näst minst antal (..), "
                              + "eftersom länets summa annars skulle avslöja den enda dolda; 5 av 8 kommuner i länet finns i databasen. Kommungränser: Valmyndigheten via okfse/sweden-geojson (2020), förenklade."))
        // The internal report shows every value.
        try cli.succeed(["report", "--year", "2024", "--date", "2025-03-01", "--internal", "--output", "intern.html"])
        let exact = try String(contentsOfFile: cli.directory.appendingPathComponent("intern.html").path, encoding: .utf8)
        #expect(exact.contains("<th scope=\"row\">Krokom</th><td class=\"num\">3</td>") && exact.contains(">2,0</tspan>"))
    }
}
