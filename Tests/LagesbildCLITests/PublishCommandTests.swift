import Foundation
import Testing

/// `lagesbild publish` and `lagesbild published`: the workspace service's publication, versions and files from the
/// command line, with its sentences.
@Suite struct PublishCommandTests {
    static let noChromiumReason = "webbläsaren Chromium finns inte på servern (paketet chromium); HTML-rapporten kan skrivas ut som PDF från en webbläsare"
    /// No Chromium on PATH: the program itself needs no PATH.
    static let withoutChromium = ["PATH": "/nonexistent"]

    /// What the fixture's 2024 leaves open before publishing (the checklist), as `publish` prints it.
    static let openItems = """
        Öppna punkter, utskrivna i rapporten under Källor och begränsningar:
          Aktivitetsplanen följd upp: 1 av 7 aktiviteter är inte genomförda och saknar kommentar: "Fördjupad utbildning".
          Samverkansgruppens bedömning: Texten är inte skriven ännu.
          Prioriterade problem: Texten är inte skriven ännu.
          Källor och begränsningar: Texten är inte skriven ännu.
          Omvärld och kontakter: Texten är inte skriven ännu.

        """

    static func database() throws -> CLI {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn"] + ["signaler", "befolkning", "utbildning", "samverkan", "aktiviteter"].map { cli.fixture("indicators/\($0).csv") })
        return cli
    }

    /// A stored UTC time as the command line shows it: Swedish local time to the minute.
    static func local(_ utc: String) -> String {
        let parser = ISO8601DateFormatter()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Stockholm")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return parser.date(from: utc).map(formatter.string) ?? "?"
    }

    @Test func aYearIsPublishedInVersionsListedAndItsExactBytesWrittenOut() throws {
        let cli = try Self.database()
        let first = try cli.run(["publish", "--year", "2024", "--diarienummer", "KS 2025/17", "--faststalld", "2025-03-12", "--db", cli.database],
                                environment: Self.withoutChromium)
        let sha1 = try cli.query("SELECT sha256 FROM published_report WHERE id = 1", as: String.self)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "Publicerade lägesbilden 2024, version 1, rapport 1, sha256 \(sha1.first ?? "").\n" + Self.openItems
                + "PDF saknas: \(Self.noChromiumReason).\n")

        // Refused, nothing written: a bad field (named), a Chromium named that is not there, a year out of range.
        let before = try cli.databaseContents()
        let refusals: [([String], String)] = [
            (["--faststalld", "2025-02-30"], "fel: fastställd: \"2025-02-30\" är inget datum på formen ÅÅÅÅ-MM-DD, till exempel 2026-03-12\n"),
            (["--diarienummer", "KS<2025>"], "fel: diarienummer: \"KS<2025>\" är inget diarienummer: högst 40 tecken, bokstäver, siffror, mellanslag och / - . : _ ( ), till exempel \"KS 2026/123\"\n"),
            (["--chromium", "/finns/inte"], "fel: --chromium: /finns/inte finns inte eller är inte ett körbart program\n"),
        ]
        for (arguments, message) in refusals {
            let refused = try cli.run(["publish", "--year", "2024", "--db", cli.database] + arguments, environment: Self.withoutChromium)
            #expect(refused.status == 1 && refused.stderr == message && refused.stdout.isEmpty, "\(arguments): \(refused.stderr)")
        }
        #expect(try cli.databaseContents() == before)

        let second = try cli.run(["publish", "--year", "2024", "--db", cli.database], environment: Self.withoutChromium)
        let sha2 = try cli.query("SELECT sha256 FROM published_report WHERE id = 2", as: String.self).first ?? ""
        #expect(second.stdout == "Publicerade lägesbilden 2024, version 2 (ersätter version 1), rapport 2, sha256 \(sha2).\n" + Self.openItems
                + "PDF saknas: \(Self.noChromiumReason).\n")

        let times = try cli.query("SELECT published_at FROM published_report ORDER BY id", as: String.self).map(Self.local)
        let pdf = "saknas: \(Self.noChromiumReason)"
        let list = try cli.succeed(["published", "list", "--db", cli.database]).stdout
        #expect(list == """
            Id  År    Version  Slag    Publicerad        Av             Ersatt av              PDF
            --  ----  -------  ------  ----------------  -------------  ---------------------  \(String(repeating: "-", count: pdf.count))
             2  2024        2  publik  \(times[1])  (kommandorad)                         \(pdf)
             1  2024        1  publik  \(times[0])  (kommandorad)  version 2, \(times[1].prefix(10))  \(pdf)

            """, "\(list)")

        // The exact stored bytes, to stdout and to a file.
        let stored = try #require(try cli.query("SELECT html FROM published_report WHERE id = 1", as: Data.self).first)
        #expect(String(decoding: stored, as: UTF8.self).contains("Version 1 · Fastställd av samverkansgruppen 2025-03-12 · Dnr KS 2025/17"))
        #expect(Data(try cli.succeed(["published", "get", "1", "--db", cli.database]).stdout.utf8) == stored)
        let written = try cli.succeed(["published", "get", "1", "--output", "v1.html", "--db", cli.database])
        #expect(written.stdout == "Skrev v1.html: lägesbilden 2024, version 1, HTML, sha256 \(sha1.first ?? "").\n")
        #expect(try Data(contentsOf: cli.directory.appendingPathComponent("v1.html")) == stored)
        let noPDF = try cli.run(["published", "get", "1", "--pdf", "--db", cli.database])
        #expect(noPDF.status == 1 && noPDF.stderr == "fel: rapport 1 har ingen PDF: \(Self.noChromiumReason)\n", "\(noPDF.stderr)")
        let unknown = try cli.run(["published", "get", "9", "--db", cli.database])
        #expect(unknown.status == 1 && unknown.stderr == "fel: det finns ingen publicerad rapport med id 9 (se lagesbild published list)\n")

        let log = try cli.query("SELECT action || ': ' || detail || ' ' || user FROM audit_log WHERE action = 'publicering' ORDER BY id", as: String.self)
        #expect(log == ["publicering: rapport 1, 2024, version 1, sha256 \(sha1.first?.prefix(12) ?? ""), PDF saknas: \(Self.noChromiumReason) (kommandorad)",
                        "publicering: rapport 2, 2024, version 2 (ersätter rapport 1), sha256 \(sha2.prefix(12)), PDF saknas: \(Self.noChromiumReason) (kommandorad)"])
    }

    @Test func anEmptyListSaysHowToPublish() throws {
        let cli = try CLI()
        try cli.initDatabase()
        #expect(try cli.succeed(["published", "list", "--db", cli.database]).stdout
                    == "Inga rapporter är publicerade ännu. Publicera med: lagesbild publish --year ÅR\n")
    }

    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs where Chromium is, and always in CI (CI=true), where a missing Chromium fails the test: never a silent skip.
    @Test(.enabled(if: chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil, "needs chromium; .ci/run installs it"))
    func thePDFIsPrintedStoredAndWrittenOut() throws {
        let chromium = try #require(Self.chromium, "headless Chromium is needed (apt-get install chromium); .ci/run installs it")
        let cli = try Self.database()
        let published = try cli.succeed(["publish", "--year", "2024", "--intern", "--chromium", chromium, "--db", cli.database])
        let sha = try #require(try cli.query("SELECT pdf_sha256 FROM published_version WHERE report_id = 1", as: String.self).first)
        let html = try #require(try cli.query("SELECT sha256 FROM published_report WHERE id = 1", as: String.self).first)
        #expect(published.stdout == "Publicerade lägesbilden 2024 (internt arbetsmaterial), version 1, rapport 1, sha256 \(html).\n"
                + Self.openItems + "PDF: sha256 \(sha); hämta den med: lagesbild published get 1 --pdf --output lagesbild-2024-intern-v1.pdf\n")
        let written = try cli.succeed(["published", "get", "1", "--pdf", "--output", "lagesbild-2024-intern-v1.pdf", "--db", cli.database])
        #expect(written.stdout == "Skrev lagesbild-2024-intern-v1.pdf: lägesbilden 2024, version 1, PDF, sha256 \(sha).\n")
        let pdf = try Data(contentsOf: cli.directory.appendingPathComponent("lagesbild-2024-intern-v1.pdf"))
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        #expect(pdf == (try cli.query("SELECT pdf FROM published_version WHERE report_id = 1", as: Data.self).first))
    }
}
