import Foundation
import Testing

/// Population from SCB's tables as they are really saved: monthly and quarterly tables (a stock is never
/// summed over time), and tables broken down by age, sex and civil status (a part is never taken for the whole).
@Suite struct OfficialPopulationTests {
    /// A JSON-stat 2.0 dataset in the shape SCB's API writes, for one region and the given dimensions
    /// (id, label, codes with labels, eliminationValueCode) before ContentsCode and Tid.
    static func dataset(label: String = "Folkmängden per månad efter region, ålder, kön och månad", region: String = "2313",
                        dimensions: [(id: String, label: String, categories: [(String, String)], total: String?)],
                        periods: [String], values: [Int?], aggregationAllowed: Bool = true) -> String {
        func category(_ pairs: [(String, String)]) -> String {
            let index = pairs.enumerated().map { "\"\($0.element.0)\": \($0.offset)" }.joined(separator: ", ")
            let labels = pairs.map { "\"\($0.0)\": \"\($0.1)\"" }.joined(separator: ", ")
            return "\"category\": {\"index\": {\(index)}, \"label\": {\(labels)}}"
        }
        var dimensionTexts = ["\"Region\": {\"label\": \"region\", \(category([(region, region)])), \"extension\": {\"show\": \"value\"}}"]
        for dimension in dimensions {
            let total = dimension.total.map { ", \"eliminationValueCode\": \"\($0)\"" } ?? ""
            dimensionTexts.append("\"\(dimension.id)\": {\"label\": \"\(dimension.label)\", \(category(dimension.categories)), \"extension\": {\"elimination\": true\(total)}}")
        }
        dimensionTexts.append("\"ContentsCode\": {\"label\": \"tabellinnehåll\", \(category([("000005FF", "Folkmängd")])), \"extension\": {\"measuringType\": {\"000005FF\": \"Stock\"}}}")
        dimensionTexts.append("\"Tid\": {\"label\": \"månad\", \(category(periods.map { ($0, $0) }))}")
        let ids = ["Region"] + dimensions.map(\.id) + ["ContentsCode", "Tid"]
        let sizes = [1] + dimensions.map(\.categories.count) + [1, periods.count]
        return """
            {"version": "2.0", "class": "dataset", "label": "\(label)", "source": "SCB",
             "id": [\(ids.map { "\"\($0)\"" }.joined(separator: ", "))], "size": [\(sizes.map(String.init).joined(separator: ", "))],
             "dimension": {\(dimensionTexts.joined(separator: ", "))},
             "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
             "extension": {"px": {"tableid": "TAB5444", "aggregallowed": \(aggregationAllowed)}},
             "value": [\(values.map { $0.map(String.init) ?? "null" }.joined(separator: ", "))]}
            """
    }

    static let bothSexes = (id: "Kon", label: "kön", categories: [("1", "män"), ("2", "kvinnor")], total: String?.none)
    static let allAges = (id: "Alder", label: "ålder", categories: [("tot", "totalt ålder")], total: String?("tot"))

    func population(_ cli: CLI) throws -> [String] {
        try cli.query("SELECT kommun || '|' || ar || '|' || invanare FROM befolkning ORDER BY kommun, ar", as: String.self)
    }

    @Test func monthlyTableGivesDecembersValueNotTheSumOfMonths() throws {
        let cli = try CLI()
        try cli.initDatabase()
        // Men and women, months 2024M10–2025M02: 2024 is December's men + women; 2025 has no December yet.
        let file = try cli.write("folkmangd-manad.json", Self.dataset(
            dimensions: [Self.allAges, Self.bothSexes], periods: ["2024M10", "2024M11", "2024M12", "2025M01", "2025M02"],
            values: [5760, 5755, 5751, 5749, 5745, 5790, 5788, 5781, 5779, 5777]))
        let output = try cli.succeed(["import", "--nya-namn", file])
        #expect(output.stdout.contains("befolkning (JSON-stat 2.0, UTF-8) – 1 nya"), "\(output.stdout)")
        #expect(try population(cli) == ["2313|2024|11532"])
    }

    @Test func quarterlyTableGivesTheFourthQuarterAndAYearlyValueWinsOverDecember() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let quarters = try cli.write("kvartal.json", Self.dataset(dimensions: [], periods: ["2023K3", "2023K4", "2024K1"], values: [11570, 11560, 11555]))
        try cli.succeed(["import", "--nya-namn", quarters])
        #expect(try population(cli) == ["2313|2023|11560"])
        let mixed = try cli.write("blandat.json", Self.dataset(dimensions: [], periods: ["2024", "2024M11", "2024M12"], values: [11500, 11510, 11499]))
        try cli.succeed(["import", "--nya-namn", mixed])
        #expect(try population(cli) == ["2313|2023|11560", "2313|2024|11500"])
    }

    @Test func completeAgeSplitAndBothSexesAreSummed() throws {
        let cli = try CLI()
        try cli.initDatabase()
        // Ages 0–99 and "100+", men and women: men 50 + age, women 60 + age.
        let ages = (0...99).map { ("\($0)", "\($0) år") } + [("100+", "100+ år")]
        var values: [Int?] = []
        for age in 0...100 { values += [50 + age, 60 + age] }
        let file = try cli.write("alder.json", Self.dataset(label: "Folkmängden efter region, ålder och kön. År",
            dimensions: [(id: "Alder", label: "ålder", categories: ages, total: nil), Self.bothSexes], periods: ["2024"], values: values))
        try cli.succeed(["import", "--nya-namn", file])
        // Men: 101 × 50 + (0 + … + 100) = 10 100; women: 101 × 60 + 5 050 = 11 110.
        #expect(try population(cli) == ["2313|2024|21210"])
    }

    @Test func theTotalCategoryIsTakenWhenTheFileHasIt() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let civil = (id: "Civilstand", label: "civilstånd", categories: [("OG", "ogifta"), ("G", "gifta"), ("TotSa", "totalt, samtliga civilstånd")], total: String?("TotSa"))
        let file = try cli.write("civil.json", Self.dataset(dimensions: [civil], periods: ["2024"], values: [5200, 4100, 11500]))
        try cli.succeed(["import", "--nya-namn", file])
        #expect(try population(cli) == ["2313|2024|11500"])
    }

    @Test func pxwebCSVWithMonthsAsColumnsTakesDecember() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let file = try cli.write("manad.csv", """
            "Folkmängden per månad efter region, ålder, kön och månad"

            "region";"ålder";"kön";"2024M11";"2024M12";"2025M01"
            "2313 Strömsund";"totalt ålder";"män";5755;5751;5749
            "2313 Strömsund";"totalt ålder";"kvinnor";5788;5781;5779

            """)
        let output = try cli.succeed(["import", "--nya-namn", file])
        #expect(output.stdout.contains("befolkning (PxWeb-CSV, UTF-8) – 1 nya"), "\(output.stdout)")
        #expect(try population(cli) == ["2313|2024|11532"])
    }

    struct Refused: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let expected: String
        var testDescription: String { name }
    }

    static let refused: [Refused] = [
        Refused(name: "manader-utan-december.json",
                text: dataset(dimensions: [allAges], periods: ["2026M01", "2026M02", "2026M03", "2026M04"], values: [11480, 11476, 11470, 11466]),
                expected: "manader-utan-december.json: filen har folkmängden för \"2026M01\", \"2026M02\", \"2026M03\", \"2026M04\" men för inget årsskifte (året, december som \"2024M12\" eller fjärde kvartalet som \"2024K4\"); folkmängden summeras aldrig över månader. Hämta tabellen \"Folkmängd efter region och år\" (BE0101N1) i stället"),
        Refused(name: "ogifta-man-alder-0.json",
                text: dataset(label: "Folkmängden efter region, civilstånd, ålder och kön. År", region: "00",
                              dimensions: [(id: "Civilstand", label: "civilstånd", categories: [("OG", "ogifta")], total: nil),
                                           (id: "Alder", label: "ålder", categories: [("0", "0 år")], total: nil),
                                           (id: "Kon", label: "kön", categories: [("1", "män")], total: nil)],
                              periods: ["2024"], values: [50937]),
                expected: "ogifta-man-alder-0.json: filen gäller bara civilstånd \"ogifta\"; hämta folkmängden totalt"),
        Refused(name: "bara-man.json", text: dataset(dimensions: [allAges, (id: "Kon", label: "kön", categories: [("1", "män")], total: nil)], periods: ["2024"], values: [5751]),
                expected: "bara-man.json: filen gäller bara kön \"män\"; hämta folkmängden totalt"),
        Refused(name: "tre-civilstand.json",
                text: dataset(dimensions: [(id: "Civilstand", label: "civilstånd", categories: [("OG", "ogifta"), ("G", "gifta"), ("SK", "skilda")], total: nil)],
                              periods: ["2024"], values: [5200, 4100, 1200]),
                expected: "tre-civilstand.json: filen gäller bara civilstånd \"ogifta\", \"gifta\", \"skilda\"; hämta folkmängden totalt"),
        Refused(name: "alder-lucka.json",
                text: dataset(dimensions: [(id: "Alder", label: "ålder", categories: [("0-4", "0-4 år"), ("10-14", "10-14 år"), ("15+", "15+ år")], total: nil)],
                              periods: ["2024"], values: [500, 600, 10000]),
                expected: "alder-lucka.json: filen gäller bara åldrarna \"0-4 år\", \"10-14 år\", \"15+ år\", inte alla åldrar från 0 till en öppen högsta klass som \"100+\" utan lucka eller överlapp; hämta folkmängden totalt"),
        Refused(name: "alder-utan-topp.json",
                text: dataset(dimensions: [(id: "Alder", label: "ålder", categories: [("0-49", "0-49 år"), ("50-99", "50-99 år")], total: nil)],
                              periods: ["2024"], values: [6000, 5400]),
                expected: "alder-utan-topp.json: filen gäller bara åldrarna \"0-49 år\", \"50-99 år\", inte alla åldrar"),
        Refused(name: "far-inte-summeras.json",
                text: dataset(dimensions: [bothSexes], periods: ["2024"], values: [5751, 5781], aggregationAllowed: false),
                expected: "far-inte-summeras.json: kön har flera kategorier och ingen summa, och tabellen får inte summeras (aggregallowed: false); hämta folkmängden totalt"),
        Refused(name: "okand-dimension.json",
                text: dataset(dimensions: [(id: "Fodelseland", label: "födelseland", categories: [("SE", "Sverige"), ("UT", "utrikes")], total: nil)],
                              periods: ["2024"], values: [10000, 1500]),
                expected: "okand-dimension.json: dimensionen \"födelseland\" har kategorierna \"Sverige\", \"utrikes\" och ingen av dem är totalt; hämta folkmängden totalt"),
        Refused(name: "pxweb-bara-kvinnor.csv", text: """
                "Folkmängd efter region, kön och år"

                "region";"kön";"2024"
                "2313 Strömsund";"kvinnor";5781

                """, expected: "pxweb-bara-kvinnor.csv: filen gäller bara kön \"kvinnor\"; hämta folkmängden totalt"),
        Refused(name: "pxweb-manader.csv", text: """
                "Folkmängden per månad efter region och månad"

                "region";"2026M01";"2026M02"
                "2313 Strömsund";11480;11476

                """, expected: "pxweb-manader.csv:3: filen har folkmängden för \"2026M01\", \"2026M02\" men för inget årsskifte"),
        Refused(name: "referens-manader.json", text: """
                {"version": "2.0", "class": "dataset", "label": "Anmälda brott", "id": ["Region", "ContentsCode", "Tid"], "size": [1, 1, 2],
                 "dimension": {"Region": {"category": {"index": {"2313": 0}}}, "ContentsCode": {"category": {"index": {"BRA01": 0}, "label": {"BRA01": "Anmälda brott"}}},
                               "Tid": {"category": {"index": {"2024M01": 0, "2024M02": 1}}}},
                 "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]}, "value": [12, 9]}
                """, expected: "referens-manader.json: perioden \"2024M01\" är inte ett år; referensserier läses per år. Hämta årsvärden"),
    ]

    @Test(arguments: refused) func partsOfThePopulationAndPeriodsWithoutAYearEndAreRefused(_ bad: Refused) throws {
        let cli = try CLI()
        try cli.initDatabase()
        let file = try cli.write(bad.name, bad.text)
        let before = try cli.databaseContents()
        let result = try cli.run(["import", "--nya-namn", cli.fixture("reference/scb-folkmangd-jamtland.json"), file])
        #expect(result.status == 1)
        #expect(result.stderr.contains(bad.expected), "\(result.stderr)")
        #expect(try cli.databaseContents() == before)
    }
}
