import Foundation
import Testing

/// The demo report printed to PDF by a real browser (headless Chromium), read back with poppler-utils.
/// `.ci/run` installs both; in CI (CI=true) a missing tool fails the test instead of skipping it.
@Suite(.serialized) struct BrowserReportTests {
    static func tool(_ names: [String]) -> String? {
        for name in names {
            for folder in ["/usr/bin", "/usr/local/bin", "/bin"] {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The tools, or nil when one is missing.
    static let tools: (chromium: String, pdfinfo: String, pdftotext: String)? = {
        guard let chromium = tool(["chromium", "chromium-browser", "google-chrome"]), let pdfinfo = tool(["pdfinfo"]),
              let pdftotext = tool(["pdftotext"]) else { return nil }
        return (chromium, pdfinfo, pdftotext)
    }()

    /// Runs where the tools are, and always in CI (CI=true), where a missing tool fails the test: never a silent skip.
    static var enabled: Bool { tools != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    static func printDemoReport() throws -> (cli: CLI, pdf: String, tools: (chromium: String, pdfinfo: String, pdftotext: String)) {
        let tools = try #require(Self.tools, "headless Chromium and poppler-utils are needed (apt-get install chromium poppler-utils); .ci/run installs them")
        let cli = try CLI()
        let demo = try cli.run(["demo", "--dir", "demo", "--date", "2026-03-15"])
        #expect(demo.status == 0, "demo failed: \(demo.stderr)")
        let html = cli.directory.appendingPathComponent("demo/lagesbild-2313-2025.html").path
        let pdf = cli.directory.appendingPathComponent("demo/lagesbild.pdf").path
        let printed = try run(tools.chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                               "--user-data-dir=\(cli.directory.appendingPathComponent("chromium-profile").path)",
                                               "--print-to-pdf=\(pdf)", URL(fileURLWithPath: html).absoluteString])
        #expect(printed.status == 0)
        #expect(FileManager.default.fileExists(atPath: pdf))
        return (cli, pdf, tools)
    }

    /// The report carries its typefaces (Reports/fonts.css): printed on a machine with none of the fonts it names (no
    /// LibreOffice, no Liberation, no DejaVu: fontconfig told to reject every installed font), it has the same pages,
    /// line for line, as on this one, and the PDF embeds the report's own faces only. Before the fonts were embedded,
    /// the demo printed as 11 pages instead of 16 that way.
    @Test(.enabled(if: enabled, "needs chromium and poppler-utils"))
    func theReportPrintsTheSameWithoutTheMachinesFonts() throws {
        let (cli, pdf, tools) = try Self.printDemoReport()
        let html = cli.directory.appendingPathComponent("demo/lagesbild-2313-2025.html").path
        let bare = cli.directory.appendingPathComponent("utan-typsnitt.pdf").path
        let cache = cli.directory.appendingPathComponent("fontconfig-cache").path
        let configuration = try cli.write("fonts.conf", """
            <?xml version="1.0"?>
            <!DOCTYPE fontconfig SYSTEM "fonts.dtd">
            <fontconfig>
              <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
              <cachedir>\(cache)</cachedir>
              <selectfont><rejectfont><glob>/usr/share/fonts/*</glob><glob>/usr/local/share/fonts/*</glob><glob>/root/.fonts/*</glob></rejectfont></selectfont>
            </fontconfig>
            """)
        let printed = try Self.run(tools.chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                                    "--user-data-dir=\(cli.directory.appendingPathComponent("chromium-bare").path)",
                                                    "--print-to-pdf=\(bare)", URL(fileURLWithPath: html).absoluteString],
                                   environment: ["FONTCONFIG_FILE": configuration])
        #expect(printed.status == 0)
        func pages(_ file: String) throws -> String {
            try Self.run(tools.pdfinfo, [file]).output.split(separator: "\n").first { $0.hasPrefix("Pages:") }.map(String.init) ?? "?"
        }
        let (barePages, machinePages) = (try pages(bare), try pages(pdf))
        #expect(barePages == machinePages, "without the machine's fonts: \(barePages); with them: \(machinePages)")
        let (bareText, machineText) = (try Self.run(tools.pdftotext, ["-layout", bare, "-"]).output, try Self.run(tools.pdftotext, ["-layout", pdf, "-"]).output)
        #expect(bareText == machineText)
        if let pdffonts = Self.tool(["pdffonts"]) {
            let fonts = try Self.run(pdffonts, [bare]).output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ")[0] }
            #expect(!fonts.isEmpty && fonts.allSatisfy { $0.contains("+Liberation") }, "\(fonts)")
        }
    }

    @Test(.enabled(if: enabled, "needs chromium and poppler-utils"))
    func demoReportPrintsAsA4WithItsKeyTextsOnEveryPageAndNothingOutside() throws {
        let (_, pdf, tools) = try Self.printDemoReport()

        let info = try Self.run(tools.pdfinfo, [pdf]).output
        #expect(info.contains("(A4)"), "pdfinfo: \(info)")
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        #expect((10...16).contains(pages), "the demo report has \(pages) pages; at most 16")

        let text = try Self.run(tools.pdftotext, ["-layout", pdf, "-"]).output
        let pageTexts = text.split(separator: "\u{000C}", omittingEmptySubsequences: false).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(pageTexts.count == pages)
        // Compared with lines joined: where a line wraps depends on the fonts the machine has.
        let flowing = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for key in ["Lägesbild 2025 – radikalisering och", "Strömsunds kommun (2313)", "Kommunstyrelsen, Kommunfullmäktige, Lokala brottsförebyggande rådet",
                    "Samverkansgruppen mot VBE", "Sammanfattning", "Registrerade signaler ökade från",
                    "Andel anställda med grundutbildning", "Fiktivt exempel, skrivet för demon.", "Metod och källor", "Fishers",
                    "Signaler per 10 000 invånare i Jämtlands län 2025", "Utveckling över tid"] {
            #expect(flowing.contains(key), "missing in PDF: \(key)")
        }
        // No file name is shown to readers (the assessment came from a file beside the database).
        #expect(!flowing.contains("bedomning.md") && !flowing.contains("Upprättad av Upprättad av"))
        // Fictitious data is marked, and numbered, on every page.
        for (index, page) in pageTexts.enumerated() {
            #expect(page.contains("Fiktiva demodata – inte verkliga uppgifter"), "page \(index + 1) is not marked as fictitious")
            #expect(page.contains("Sida \(index + 1) av \(pages)"), "page \(index + 1) has no page number")
        }
        // Each chapter starts a page: its heading is the first text after the page mark. Page 2 is the summary.
        let chapters = ["Sammanfattning", "Målområde 1 – Organisation och samordning", "Jämförelse med omvärlden", "Målområde 2 – Kunskap och stöd",
                        "Uppföljning av aktivitetsplanen", "Samverkansgruppens bedömning", "Metod och källor"]
        func startsChapter(_ page: Substring) -> Bool {
            let lines = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return lines.count > 1 && chapters.contains { lines[1].hasPrefix($0) }
        }
        for heading in chapters {
            let starts = pageTexts.contains { page in
                let lines = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return lines.count > 1 && lines[1].hasPrefix(heading)
            }
            #expect(starts, "\"\(heading)\" does not start a page")
        }
        #expect(pageTexts.count > 1 && pageTexts[1].contains("Det viktigaste 2025") && pageTexts[1].contains("Vilka som rapporterade 2025")
                && pageTexts[1].contains("Fiktivt exempel, skrivet för demon."), "page 2 is the summary for decision-makers")

        // No word lies outside its page.
        let boxes = try Self.run(tools.pdftotext, ["-bbox", pdf, "-"]).output
        var pageWidth = 0.0, pageHeight = 0.0, words = 0, outside: [String] = []
        func attribute(_ name: String, in line: Substring) -> Double? {
            guard let range = line.range(of: "\(name)=\"") else { return nil }
            return Double(line[range.upperBound...].prefix { $0 != "\"" })
        }
        for line in boxes.split(separator: "\n") {
            if line.contains("<page ") {
                pageWidth = attribute("width", in: line) ?? 0
                pageHeight = attribute("height", in: line) ?? 0
            } else if line.contains("<word ") {
                words += 1
                let xMin = attribute("xMin", in: line) ?? -1, xMax = attribute("xMax", in: line) ?? .infinity
                let yMin = attribute("yMin", in: line) ?? -1, yMax = attribute("yMax", in: line) ?? .infinity
                if xMin < 0 || yMin < 0 || xMax > pageWidth || yMax > pageHeight { outside.append(String(line)) }
            }
        }
        #expect(words > 1000)
        #expect(outside.isEmpty, "text outside the page: \(outside.prefix(3))")

        // The two-thirds rule: every page but the cover and a chapter's last is filled at least two-thirds of the way
        // down its text area (A4 with the report's margins, 20 mm above and 22 mm below; the page mark and the page
        // number stand outside it), read from where its lowest word ends.
        let top = 20 / 25.4 * 72, bottom = 841.92 - 22 / 25.4 * 72
        var lowest: [Double] = []
        for line in boxes.split(separator: "\n") {
            if line.contains("<page ") { lowest.append(top) }
            guard line.contains("<word "), let yMin = attribute("yMin", in: line), let yMax = attribute("yMax", in: line),
                  yMin >= top - 2, yMax <= bottom + 2, !lowest.isEmpty else { continue }
            lowest[lowest.count - 1] = max(lowest[lowest.count - 1], yMax)
        }
        #expect(lowest.count == pages)
        for index in 1..<max(lowest.count, 1) {
            let chapterLast = index == lowest.count - 1 || startsChapter(pageTexts[index + 1])
            let fill = (lowest[index] - top) / (bottom - top)
            #expect(chapterLast || fill >= 2.0 / 3.0, "page \(index + 1) is only \(Int(fill * 100)) % full")
        }
    }

    /// `report --pdf`: the report printed through Chromium in one command, read back as a council member gets it.
    @Test(.enabled(if: enabled, "needs chromium and poppler-utils"))
    func reportPdfPrintsA4WithItsTextsAndAnOutline() throws {
        let tools = try #require(Self.tools, "headless Chromium and poppler-utils are needed; .ci/run installs them")
        let cli = try CLI()
        try cli.succeed(["demo", "--dir", "demo", "--date", "2026-03-15"])
        let pdf = cli.directory.appendingPathComponent("rapport.pdf").path
        let output = try cli.succeed(["report", "--db", "demo/lagesbild.sqlite", "--year", "2025", "--date", "2026-03-15",
                                      "--output", "rapport.html", "--pdf", pdf, "--chromium", tools.chromium])
        #expect(output.stdout.contains("Skrev rapport.html.") && output.stdout.contains("Skrev \(pdf) (A4, utskriven med Chromium)."))
        let info = try Self.run(tools.pdfinfo, [pdf]).output
        #expect(info.contains("(A4)"), "pdfinfo: \(info)")
        #expect(info.contains("Title:           Lägesbild 2025 – radikalisering och våldsbejakande extremism – Strömsunds kommun"))
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        let text = try Self.run(tools.pdftotext, [pdf, "-"]).output
        let flowing = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for key in ["Lägesbild 2025 – radikalisering och", "Sammanfattning", "Registrerade signaler", "Sida \(pages) av \(pages)",
                    "Fiktiva demodata – inte verkliga uppgifter", "Framtagen med lagesbild"] {
            #expect(flowing.contains(key), "missing in PDF: \(key)")
        }
        // No file name is shown to readers (the assessment came from a file beside the database).
        #expect(!flowing.contains("bedomning.md") && !flowing.contains("Upprättad av Upprättad av"))
        // The document outline (bookmarks) has the chapters, each pointing at its page.
        let pdftohtml = try #require(Self.tool(["pdftohtml"]))
        let xml = try Self.run(pdftohtml, ["-xml", "-stdout", "-i", "-q", pdf]).output
        for chapter in ["Sammanfattning", "Målområde 1 – Organisation och samordning", "Metod och källor"] {
            #expect(xml.firstMatch(of: try Regex("<item page=\"[0-9]+\">\(chapter)</item>")) != nil, "no bookmark for \(chapter)")
        }
    }

    /// Without Chromium, `--pdf` names the package to install, and writes nothing.
    @Test func reportPdfWithoutChromiumNamesThePackageAndWritesNothing() throws {
        let cli = try CLI()
        try cli.succeed(["demo", "--dir", "demo", "--date", "2026-03-15"])
        let empty = cli.directory.appendingPathComponent("tom-path")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let result = try cli.run(["report", "--db", "demo/lagesbild.sqlite", "--year", "2025", "--output", "r.html", "--pdf", "r.pdf"],
                                 environment: ["PATH": empty.path])
        #expect(result.status == 1)
        #expect(result.stderr == "fel: --pdf behöver webbläsaren Chromium, som inte hittades: installera paketet chromium (sudo apt-get install chromium) "
            + "eller ange programmet med --chromium SÖKVÄG. HTML-rapporten kan också skrivas ut som PDF från en webbläsare.\n")
        let bad = try cli.run(["report", "--db", "demo/lagesbild.sqlite", "--year", "2025", "--output", "r.html", "--pdf", "r.pdf",
                               "--chromium", cli.directory.appendingPathComponent("finns-inte").path])
        #expect(bad.status == 1 && bad.stderr.contains("--chromium: ") && bad.stderr.contains("finns inte eller är inte ett körbart program"))
        for name in ["r.html", "r.pdf"] { #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent(name).path)) }
    }
}
