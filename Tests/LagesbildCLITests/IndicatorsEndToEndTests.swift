import Foundation
import Testing

/// `lagesbild indicators` and `compare` as analysts and coordinators run them.
@Suite struct IndicatorsEndToEndTests {
    func loaded() throws -> CLI {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn"] + ["signaler.csv", "befolkning.csv", "utbildning.csv", "samverkan.csv"].map { cli.fixture("indicators/\($0)") })
        return cli
    }

    @Test func jsonCarriesExactValuesWithTheMaskAndNulls() throws {
        let cli = try loaded()
        let output = try cli.succeed(["indicators", "--year", "2024", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["kommun"] as? String == "2313")
        #expect(json["year"] as? Int == 2024)
        let indicators = try #require(json["indicators"] as? [[String: Any]])
        #expect(indicators.count == 15)
        let signals = try #require(indicators.first { $0["id"] as? String == "MO1-01" })
        #expect(signals["value"] as? Double == 86)
        #expect(signals["previous"] as? Double == 45)
        #expect(signals["trend"] as? String == "increase")
        #expect(signals["target_area"] as? Int == 1)
        #expect(signals["unit"] as? String == "antal")
        let series = try #require(signals["series"] as? [[String: Any]])
        #expect(series.map { $0["year"] as? Int } == [2023, 2024, 2025])
        let breakdowns = try #require(signals["breakdowns"] as? [String: [[String: Any]]])
        #expect(Set(breakdowns.keys) == ["kategori", "miljo", "omrade", "kalla"])
        let hammerdal = try #require(breakdowns["omrade"]?.first { $0["key"] as? String == "Hammerdal" })
        // Exact value, with the mask as a flag.
        #expect(hammerdal["value"] as? Double == 4)
        #expect(hammerdal["suppressed"] as? Bool == true)
        let training = try #require(indicators.first { $0["id"] as? String == "MO2-03" })
        #expect(training["previous"] is NSNull)
        #expect(training["trend"] is NSNull)
        #expect(training["change_abs"] is NSNull)
        #expect(output.stdout.contains("\"note\" : \"3 av 4\""))
    }

    @Test func tableIsThePublishedViewUnlessExact() throws {
        let cli = try loaded()
        let table = try cli.succeed(["indicators", "--year", "2024"]).stdout
        #expect(table.contains("Mätpunkter 2024 för Strömsunds kommun (2313), jämfört med 2023"))
        #expect(table.contains("MO1-01  Registrerade signaler"))
        #expect(table.contains("↑ ökning"))
        // Hammerdal's 4 and, by secondary suppression, Gäddede's 12 are hidden.
        let hammerdal = try #require(table.split(separator: "\n").first { $0.hasPrefix("Hammerdal") })
        #expect(hammerdal.contains("<5"))
        #expect(!hammerdal.contains(" 4 "))
        // Gäddede's 12 is hidden to protect Hammerdal's 4, but it is not small: "..", not "<5" (2023's 2 is "<5").
        let gaddede = try #require(table.split(separator: "\n").first { $0.hasPrefix("Gäddede") })
        #expect(gaddede.split(separator: " ", omittingEmptySubsequences: true).dropFirst().prefix(2) == ["..", "<5"], "\(gaddede)")
        #expect(table.contains("<5 = maskerat: färre än 5 händelser"))
        #expect(table.contains(".. = dolt så att ett maskerat värde inte kan räknas fram ur summan."))
        let exact = try cli.succeed(["indicators", "--year", "2024", "--exact"]).stdout
        #expect(exact.contains("EXAKTA VÄRDEN"))
        #expect(exact.split(separator: "\n").first { $0.hasPrefix("Hammerdal") }?.contains("<5") == false)
    }

    @Test func csvIsSemicolonSeparatedWithSwedishHeaders() throws {
        let cli = try loaded()
        let csv = try cli.succeed(["indicators", "--year", "2024", "--format", "csv"]).stdout
        #expect(csv.hasPrefix("\u{FEFF}id;mätpunkt;enhet;nedbrytning;nyckel;etikett;år;värde;maskerat"))
        #expect(csv.contains("MO1-01;Registrerade signaler;antal;;;;2024;86;nej;2023;45;nej;41;0,9111;"))
        #expect(csv.contains("MO1-01;Registrerade signaler;antal;område;Hammerdal;Hammerdal;2024;4;ja;2023;3;ja;"))
    }

    @Test func compareTwoYearsThatAreNotNeighbours() throws {
        let cli = try loaded()
        let output = try cli.succeed(["compare", "--from", "2023", "--to", "2025", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["base_year"] as? Int == 2023)
        let signals = try #require((json["indicators"] as? [[String: Any]])?.first)
        #expect(signals["value"] as? Double == 0)
        #expect(signals["previous"] as? Double == 45)
        #expect(signals["trend"] as? String == "decrease")
        let table = try cli.succeed(["compare", "--from", "2023", "--to", "2024"]).stdout
        #expect(table.contains("jämfört med 2023"))
    }

    @Test func editedDefinitionsAreUsedAndMalformedOnesNamed() throws {
        let cli = try loaded()
        let folder = cli.directory.appendingPathComponent("mina-matpunkter")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            id: EGEN-01
            title: Klotter i Centrum
            description: Egen mätpunkt.
            target_area: 1
            unit: antal
            direction: lower
            mask_small_counts: true
            measure:
              type: sum
              source: signaler
              field: antal
              where: {kategori: Klotter, område: Centrum}
            """.write(to: folder.appendingPathComponent("EGEN-01.yaml"), atomically: true, encoding: .utf8)
        let own = try cli.succeed(["indicators", "--year", "2024", "--indicators", folder.path]).stdout
        #expect(own.contains("EGEN-01  Klotter i Centrum"))
        #expect(!own.contains("MO1-01"))

        try "id: TRASIG\ntitle: x\n".write(to: folder.appendingPathComponent("TRASIG.yaml"), atomically: true, encoding: .utf8)
        let broken = try cli.run(["indicators", "--year", "2024", "--indicators", folder.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("fel: TRASIG.yaml: nyckeln \"description\": saknas"))
    }

    @Test func shippedDefinitionsWorkOutsideTheRepository() throws {
        // The scratch folder has no Indicators/: the compiled-in definitions are used.
        let cli = try loaded()
        let output = try cli.succeed(["indicators", "--year", "2024"]).stdout
        #expect(output.contains("MO2-03  Andel förtroendevalda med kompetensutveckling"))
    }

    @Test func activityIndicatorsInJSONListTheCarriedOverActivities() throws {
        let cli = try loaded()
        try cli.succeed(["import", "--nya-namn", cli.fixture("indicators/aktiviteter.csv")])
        let output = try cli.succeed(["indicators", "--year", "2024", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let indicators = try #require(json["indicators"] as? [[String: Any]])
        let done = try #require(indicators.first { $0["id"] as? String == "MO3-01" })
        #expect(done["value"] as? Double == 66.7)
        #expect(done["target_area"] as? Int == 3)
        let carried = try #require(indicators.first { $0["id"] as? String == "MO3-03" })
        #expect(carried["listed"] as? [String] == ["Kartlägga samverkan", "Nano-utbildning för alla anställda"])
        #expect(carried["trend"] is NSNull)
    }
}
