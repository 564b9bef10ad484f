import Foundation
import Testing

/// Official statistics as coordinators download them: SCB's JSON-stat 2.0 and PxWeb CSV, Kolada's JSON.
@Suite struct ReferenceImportEndToEndTests {
    @Test func scbPopulationAsJSONStatForRiketCountyAndMunicipalities() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("reference/scb-folkmangd-jamtland.json")])
        #expect(output.stdout.contains("befolkning (JSON-stat 2.0, UTF-8) – 10 nya, 0 ersatta, 0 oförändrade rader."))
        let rows = try cli.query("SELECT kommun || '|' || ar || '|' || invanare FROM befolkning WHERE omrade = '' ORDER BY kommun, ar", as: String.self)
        #expect(rows == ["00|2023|10551659", "00|2024|10587710", "2281|2023|99000", "2281|2024|99500", "23|2023|132000", "23|2024|132500",
                         "2313|2023|11560", "2313|2024|11500", "2380|2023|65000", "2380|2024|65500"])
    }

    @Test func pxwebCSVWithYearsAsColumnsAndRegionsWithNames() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("reference/scb-folkmangd-pxweb.csv")])
        #expect(output.stdout.contains("befolkning (PxWeb-CSV, Windows-1252) – 6 nya"))
        let rows = try cli.query("SELECT kommun || '|' || ar || '|' || invanare FROM befolkning ORDER BY kommun, ar", as: String.self)
        #expect(rows == ["23|2023|132000", "23|2024|132500", "2313|2023|11560", "2313|2024|11500", "2380|2023|65000", "2380|2024|65500"])
        // The same figures as JSON-stat are then unchanged rows, not new ones.
        let again = try cli.succeed(["import", "--nya-namn", cli.fixture("reference/scb-folkmangd-jamtland.json")])
        #expect(again.stdout.contains("4 nya, 0 ersatta, 6 oförändrade rader."))
    }

    @Test func koladaValuesWithGendersNullsAndPagingFieldsAndKPITitles() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("reference/kolada-valdsbrott.json"), cli.fixture("reference/kolada-kpi.json")])
        #expect(output.stdout.contains("kolada-valdsbrott.json: referens (Kolada, UTF-8) – 7 nya"))
        #expect(output.stdout.contains("kolada-kpi.json: referens (Kolada, nyckeltal, UTF-8) – 1 nyckeltalsnamn."))
        // Kolada's "0000" is riket "00", its "0023" the county "23"; a null value is stored as no value.
        let rows = try cli.query("SELECT kommun || '|' || ar || '|' || matt || '|' || kon || '|' || ifnull(varde, 'null') FROM referens ORDER BY kommun, kon", as: String.self)
        #expect(rows == ["00|2024|N07403|K|701.0", "00|2024|N07403|M|1220.4", "00|2024|N07403|T|962.1", "23|2024|N07403|T|905.3",
                         "2313|2024|N07403|K|null", "2313|2024|N07403|M|901.0", "2313|2024|N07403|T|812.5"])
        #expect(try cli.query("SELECT titel FROM referens_titel WHERE matt = 'N07403'", as: String.self) == ["Anmälda våldsbrott, antal/100 000 inv"])
        // Importing the same file again changes nothing; a corrected value goes to history and undo restores it.
        #expect(try cli.succeed(["import", "--nya-namn", cli.fixture("reference/kolada-valdsbrott.json")]).stdout.contains("samma innehåll lästes redan in (import 1)"))
        let corrected = try cli.write("kolada-rattad.json", """
            {"count": 1, "next_page": null, "previous_page": null, "values": [{"kpi": "N07403", "municipality": "2313", "period": "2024",
             "values": [{"count": 1, "gender": "T", "status": "", "value": 815.0}]}]}
            """)
        #expect(try cli.succeed(["import", "--nya-namn", corrected]).stdout.contains("0 nya, 1 ersatta"))
        #expect(try cli.query("SELECT varde FROM referens_history", as: Double.self) == [812.5])
        try cli.succeed(["undo", "3"])
        #expect(try cli.query("SELECT varde FROM referens WHERE kommun = '2313' AND kon = 'T'", as: Double.self) == [812.5])
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let expected: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "unknown-region.json", text: """
            {"values": [{"kpi": "N07403", "municipality": "2399", "period": 2024, "values": [{"gender": "T", "value": 1.5}]}]}
            """, expected: "unknown-region.json: values[0] (kpi N07403, municipality 2399, period 2024): kolumnen \"municipality\": \"2399\" är ingen regionkod i SCB:s indelning"),
        BadCase(name: "other.json", text: #"{"name": "Strömsund", "items": [1, 2, 3]}"#,
                expected: "other.json: JSON-filen är varken JSON-stat 2.0 från SCB:s statistikdatabas"),
        BadCase(name: "not-json.json", text: #"{"values": [1, 2"#, expected: "not-json.json: filen är inte giltig JSON"),
        BadCase(name: "text-value.json", text: """
            {"values": [{"kpi": "N07403", "municipality": "2313", "period": 2024, "values": [{"gender": "T", "value": "många"}]}]}
            """, expected: "text-value.json: values[0].values[0] (kpi N07403, municipality 2313, period 2024): kolumnen \"value\": \"många\" är inte ett tal"),
        BadCase(name: "sizes.json", text: """
            {"version": "2.0", "class": "dataset", "id": ["Region", "ContentsCode", "Tid"], "size": [2, 1, 2],
             "dimension": {"Region": {"category": {"index": {"2313": 0, "2380": 1}}}, "ContentsCode": {"category": {"index": {"BE0101N1": 0}}},
                           "Tid": {"category": {"index": {"2023": 0, "2024": 1}}}},
             "value": [11560, 11500, 65000]}
            """, expected: "sizes.json: JSON-stat: dimensionernas storlekar (2 × 1 × 2 = 4) stämmer inte med antalet värden (3)"),
        BadCase(name: "jsonstat-region.json", text: """
            {"version": "2.0", "class": "dataset", "id": ["Region", "Tid"], "size": [1, 1], "label": "Folkmängd",
             "dimension": {"Region": {"label": "region", "category": {"index": ["9999"]}}, "Tid": {"label": "år", "category": {"index": ["2024"]}}},
             "value": [100]}
            """, expected: "jsonstat-region.json: värde 0 (region 9999, år 2024): \"9999\" är ingen regionkod"),
        BadCase(name: "pxweb-text.csv", text: "\"Folkmängd efter region och år\"\n\n\"region\";\"2024\"\n\"2313 Strömsund\";elva\n",
                expected: "pxweb-text.csv:4: kolumnen \"2024\": \"elva\" är inte ett tal"),
        // Values go through the same validator as every CSV row, placed where the file has them.
        BadCase(name: "negativ.json", text: """
            {"version": "2.0", "class": "dataset", "id": ["Region", "Tid"], "size": [1, 1], "label": "Folkmängd",
             "dimension": {"Region": {"label": "region", "category": {"index": ["2313"]}}, "Tid": {"label": "år", "category": {"index": ["2024"]}}},
             "value": [-5]}
            """, expected: "negativ.json: värde 0 (region 2313, år 2024): kolumnen \"invånare\": \"-5\" är inte ett icke-negativt heltal"),
        BadCase(name: "pxweb-saknas.csv", text: "\"Folkmängd efter region och år\"\n\n\"region\";\"2023\";\"2024\"\n\"2313 Strömsund\";11560;..\n",
                expected: "pxweb-saknas.csv:4: kolumnen \"2024\": värdet saknas men är obligatoriskt"),
        BadCase(name: "personnummer.json", text: """
            {"values": [{"kpi": "N07403 19850101-1234", "municipality": "2313", "period": 2024, "values": [{"gender": "T", "value": 1.5}]}]}
            """, expected: "personnummer.json: values[0].values[0] (kpi N07403 19850101-1234, municipality 2313, period 2024): kolumnen \"mått\": värdet ser ut som ett personnummer"),
        BadCase(name: "pxweb-utan-titel.csv", text: "\"region\";\"2024\"\n\"2313 Strömsund\";11500\n",
                expected: "pxweb-utan-titel.csv: PxWeb-filen saknar en titel eller rubrik som säger vad talen är"),
    ]

    @Test(arguments: badCases) func badOfficialFilesAreRefusedAndNothingIsWritten(_ bad: BadCase) throws {
        let cli = try CLI()
        try cli.initDatabase()
        let file = try cli.write(bad.name, bad.text)
        let before = try cli.databaseContents()
        // Together with a good file: all or nothing.
        let result = try cli.run(["import", "--nya-namn", cli.fixture("reference/kolada-valdsbrott.json"), file])
        #expect(result.status == 1)
        #expect(result.stderr.contains(bad.expected), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal") && !result.stderr.contains("Stack"))
        #expect(try cli.databaseContents() == before)
    }
}
