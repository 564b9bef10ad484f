import Foundation
import Testing

/// Import kind `omraden` (the områden's boundaries from GeoJSON) and the report's area map.
@Suite struct AreaMapTests {
    /// A square of about 11 × 11 km around a point, as a GeoJSON Polygon ring in WGS84.
    static func square(_ longitude: Double, _ latitude: Double, close: Bool = true) -> String {
        var ring = [(longitude - 0.1, latitude - 0.05), (longitude + 0.1, latitude - 0.05), (longitude + 0.1, latitude + 0.05),
                    (longitude - 0.1, latitude + 0.05)]
        if close { ring.append(ring[0]) }
        return "[[" + ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]]"
    }

    static func collection(_ features: [(name: String, type: String, coordinates: String)]) -> String {
        "{\"type\":\"FeatureCollection\",\"features\":[" + features.map { feature in
            "{\"type\":\"Feature\",\"properties\":{\"namn\":\"\(feature.name)\"},\"geometry\":{\"type\":\"\(feature.type)\",\"coordinates\":\(feature.coordinates)}}"
        }.joined(separator: ",") + "]}"
    }

    /// Tests/Fixtures/indicators with boundaries for its four områden and one the signals do not name.
    func loaded() throws -> CLI {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("indicators/signaler.csv"), cli.fixture("indicators/befolkning.csv")])
        let areas = Self.collection([("Centrum", "Polygon", Self.square(15.55, 63.85)), ("Hammerdal", "Polygon", Self.square(15.35, 63.6)),
                                     ("Gäddede", "MultiPolygon", "[" + Self.square(14.15, 64.5) + "]"), ("Backe", "Polygon", Self.square(16.4, 63.8)),
                                     ("Ström", "Polygon", Self.square(15.0, 64.0))])
        let path = try cli.write("omraden.geojson", Array(areas.utf8))
        let output = try cli.succeed(["import", "--nya-namn", path])
        #expect(output.stdout.contains("omraden.geojson: omraden (GeoJSON, UTF-8) – 5 nya, 0 ersatta, 0 oförändrade rader."))
        #expect(output.stdout.contains("omraden.geojson: obs: området \"Ström\" finns inte bland signalernas områden; kontrollera stavningen"))
        return cli
    }

    func fill(_ html: String, _ area: String) throws -> String? {
        let map = try #require(html.firstMatch(of: /<svg class="map"[\s\S]*?<\/svg>/).map { String($0.0) })
        return map.firstMatch(of: try Regex("<path data-kod=\"\(area)\" fill=\"([^\"]+)\"")).map { String($0.output[1].substring ?? "") }
    }

    /// 2024 in the fixtures: Centrum 70 and Backe 0 shown, Hammerdal's 4 masked ("<5") and Gäddede's 12 hidden with it
    /// ("..": the breakdown table's own rule, secondary suppression). Without the områden's population the map shows counts: 70 / 4 = 17.5 → width 20,
    /// classes 0–19 … 60–79; Centrum in the darkest, Backe in the lightest, Hammerdal and Gäddede hatched.
    @Test func theAreaMapShowsCountsInClassesAndHatchesWhatIsMasked() throws {
        let cli = try loaded()
        try cli.succeed(["report", "--year", "2024", "--date", "2025-03-01", "--output", "r.html"])
        let html = try String(contentsOfFile: cli.directory.appendingPathComponent("r.html").path, encoding: .utf8)
        #expect(html.contains("<h3>Signaler per område 2024</h3>"))
        #expect(try fill(html, "Centrum") == "#08519C" && fill(html, "Backe") == "#DEEBF7")
        #expect(try fill(html, "Hammerdal") == "url(#karta-omraden-hatch)" && fill(html, "Gäddede") == "url(#karta-omraden-hatch)")
        #expect(try fill(html, "Ström") == "#FFFFFF")
        for label in ["0–19", "20–39", "40–59", "60–79", "litet antal (&lt;5) eller dolt (..), redovisas inte", "uppgift saknas i databasen"] {
            #expect(html.contains(">\(label)</text>"), "legend: \(label)")
        }
        #expect(html.contains("<tr><th scope=\"row\">Hammerdal</th><td class=\"num\">&lt;5</td></tr>"))
        #expect(html.contains("<tr><th scope=\"row\">Gäddede</th><td class=\"num\">..</td></tr>"))
        #expect(html.contains("Områden med färre än 5 signaler är streckade och redovisas inte (&lt;5). Så är också området med näst minst antal (..), "
                              + "eftersom summan annars skulle avslöja det enda dolda."))
        #expect(html.contains("<tr><th scope=\"row\">Centrum</th><td class=\"num\">70</td></tr>"))
        #expect(!html.contains(">4</tspan>") && !html.contains(">12</tspan>"))
    }

    /// With the områden's population in the store the map shows signals per 1 000: Centrum 70 / 7 000 → 10,0, Backe 0,0;
    /// 10 / 4 = 2.5 would need a fifth class for 10 itself, so width 5: three classes, 0,0–4,9, 5,0–9,9, 10,0–14,9.
    @Test func withTheAreasPopulationItShowsSignalsPerThousand() throws {
        let cli = try loaded()
        let population = try cli.write("befolkning-omraden.csv", Array("år;område;invånare\n2024;Centrum;7000\n2024;Backe;500\n2024;Hammerdal;2000\n2024;Gäddede;1000\n".utf8))
        try cli.succeed(["import", "--nya-namn", population])
        try cli.succeed(["report", "--year", "2024", "--date", "2025-03-01", "--output", "r.html"])
        let html = try String(contentsOfFile: cli.directory.appendingPathComponent("r.html").path, encoding: .utf8)
        #expect(try fill(html, "Centrum") == "#08519C" && fill(html, "Backe") == "#9ECAE1")
        #expect(html.contains(">10,0</tspan>") && html.contains(">0,0–4,9</text>") && html.contains(">10,0–14,9</text>"))
        #expect(html.contains("<tr><th scope=\"row\">Centrum</th><td class=\"num\">70</td><td class=\"num\">7\u{00A0}000</td><td class=\"num\">10,0</td></tr>"))
    }

    @Test func boundariesAreKeptWithHistoryAndUndo() throws {
        let cli = try loaded()
        // SWEREF 99 TM, told by the crs member: Centrum's boundary replaced.
        let sweref = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3006\"}},\"features\":["
            + "{\"type\":\"Feature\",\"properties\":{\"område\":\"Centrum\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
            + "[[[525000,7080000],[535000,7080000],[535000,7090000],[525000,7090000],[525000,7080000]]]}}]}"
        let output = try cli.succeed(["import", "--nya-namn", try cli.write("centrum.geojson", Array(sweref.utf8))])
        #expect(output.stdout.contains("centrum.geojson: omraden (GeoJSON, UTF-8) – 0 nya, 1 ersatta, 0 oförändrade rader."))
        #expect(try cli.query("SELECT geometri FROM omrade_grans WHERE omrade = 'Centrum'", as: String.self)
                == ["525000 7080000,535000 7080000,535000 7090000,525000 7090000,525000 7080000"])
        let id = try #require(try cli.query("SELECT MAX(id) FROM import_log", as: Int.self).first)
        try cli.succeed(["undo", String(id)])
        #expect(try cli.query("SELECT COUNT(*) FROM omrade_grans", as: Int.self) == [5])
        #expect(try cli.query("SELECT geometri FROM omrade_grans WHERE omrade = 'Centrum'", as: String.self).first?.hasPrefix("525") == false)
        try cli.succeed(["check"])
        #expect(try cli.succeed(["status"]).stdout.contains("Områdenas gränser (omraden): 5 – Backe, Centrum, Gäddede, Hammerdal, Ström."))
    }

    @Test(arguments: [
        ("feature.geojson", "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[15,63]}}",
         "feature.geojson: filen är inte en GeoJSON FeatureCollection (\"type\": \"FeatureCollection\" med \"features\")"),
        ("punkt.geojson", collection([("Centrum", "Point", "[15.5,63.8]")]),
         "punkt.geojson: objekt 1: geometritypen \"Point\" går inte att använda; bara Polygon och MultiPolygon"),
        ("paris.geojson", collection([("Centrum", "Polygon", square(15.5, 63.8)), ("Paris", "Polygon", "[[[2.25,48.8],[2.45,48.8],[2.45,48.9],[2.25,48.9],[2.25,48.8]]]")]),
         "paris.geojson: objekt 2: koordinaten [2.25, 48.8] ligger utanför Sverige (läst som WGS84 (longitud, latitud))"),
        ("oppen.geojson", collection([("Centrum", "Polygon", square(15.5, 63.8, close: false))]),
         "oppen.geojson: objekt 1: en ring är inte sluten (första och sista punkten ska vara samma) eller har färre än fyra punkter"),
        ("namnlos.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"kod\":\"1\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":\(square(15.5, 63.8))}}]}",
         "namnlos.geojson: objekt 1: saknar ett namn: egenskapen \"område\" eller \"namn\" med områdets namn som i signalfilerna"),
    ])
    func badBoundaryFilesAreRefusedAndNothingIsWritten(name: String, text: String, message: String) throws {
        let cli = try CLI()
        try cli.initDatabase()
        _ = try cli.write(name, Array(text.utf8))
        let result = try cli.run(["import", "--nya-namn", name])
        #expect(result.status == 1)
        #expect(result.stderr == "fel: \(message)\nInget importerades: rätta felen och kör kommandot igen.\n", "\(result.stderr)")
        #expect(try cli.query("SELECT COUNT(*) FROM import_log", as: Int.self) == [0])
    }

    @Test func aFileOverTenMegabytesIsRefused() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let padding = String(repeating: " ", count: 10_000_001)
        _ = try cli.write("stor.geojson", Array((Self.collection([("Centrum", "Polygon", Self.square(15.5, 63.8))]) + padding).utf8))
        let result = try cli.run(["import", "--nya-namn", "stor.geojson"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("fel: stor.geojson: filen är större än 10 MB; förenkla gränserna (t.ex. med mapshaper) eller dela upp filen\n"), "\(result.stderr)")
        #expect(try cli.query("SELECT COUNT(*) FROM import_log", as: Int.self) == [0])
    }
}
