import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildIndicators
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// Publishing a year: version N of it (public and internal counted apart), N+1 superseding N, both immutable; the
/// confirmation step before anything is stored; the group's fastställande and the diarienummer checked and on the
/// cover; a PDF printed with every publication, or the reason there is none; a läsare downloads it, an internal one
/// only the samordnare.
@Suite(.serialized) struct PublicationTests {
    static let kommun = KommunCode("2313")!

    static func sources(_ store: Store) throws -> ReportSources {
        ReportSources(definitions: try DefinitionLoader.resolve(explicit: nil, databasePath: store.path),
                      references: try DefinitionLoader.resolveReferences(explicit: nil, databasePath: store.path), producer: "lagesbild test")
    }

    /// A service whose clock says 2026-03-15 10:00 UTC.
    static func service(_ store: Store) -> WorkspaceService {
        WorkspaceService(store: store, clock: { Date(timeIntervalSince1970: 1_773_568_800) })
    }

    static func html(_ store: Store, _ id: Int64) throws -> String {
        String(decoding: try #require(try store.publishedReportHTML(id: id)).html, as: UTF8.self)
    }

    /// A stand-in for Chromium that fails as a broken one does.
    static func failingChromium() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trasig-chromium-\(UUID().uuidString)").path
        try "#!/bin/sh\necho 'något gick fel' >&2\nexit 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Chromium on PATH, as the printer finds it; in CI (CI=true) the test that needs it fails without it, never skips.
    static let chromium: String? = if case .printable(let path) = WorkspaceService.availability(PDFSettings()) { path } else { nil }
    static var printing: Bool { chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    // MARK: - Through the service

    @Test func eachPublicationOfAYearIsItsNextVersionAndSupersedesTheOneBefore() async throws {
        let fixture = try WorkspaceFixture()
        let service = Self.service(fixture.store)
        let sources = try Self.sources(fixture.store)
        let none = WorkspaceFixture.noChromium
        let first = try await service.publish(PublicationRequest(year: 2024), sources: sources, pdf: none, by: .commandLine)
        #expect(first.report.version == 1 && first.supersedes == nil && !first.report.isSuperseded)
        let review = try await service.reviewPublication(PublicationRequest(year: 2024, diarienummer: " KS 2025/17 ", faststalld: "2025-03-12"), sources: sources, pdf: none)
        #expect(review.version == 2 && review.supersedes?.id == first.report.id)
        #expect(review.diarienummer == "KS 2025/17" && review.faststalld == "2025-03-12")
        let second = try await service.publish(PublicationRequest(year: 2024, diarienummer: "KS 2025/17", faststalld: "2025-03-12"),
                                               sources: sources, pdf: none, by: .commandLine)
        #expect(second.report.version == 2 && second.supersedes?.id == first.report.id)
        // Internal and another year count on their own.
        let internalReport = try await service.publish(PublicationRequest(year: 2024, internal: true), sources: sources, pdf: none, by: .commandLine)
        let otherYear = try await service.publish(PublicationRequest(year: 2023), sources: sources, pdf: none, by: .commandLine)
        #expect(internalReport.report.version == 1 && internalReport.supersedes == nil && otherYear.report.version == 1)

        let listed = try fixture.store.publishedReports(includeInternal: true)
        #expect(listed.map(\.id) == [otherYear.report.id, internalReport.report.id, second.report.id, first.report.id])
        let old = try #require(listed.last)
        #expect(old.supersededBy == second.report.id && old.supersededByVersion == 2 && old.supersededAt == "2026-03-15T10:00:00Z")
        #expect(listed.filter(\.isSuperseded).map(\.id) == [first.report.id])
        #expect(try fixture.store.publishedReports(includeInternal: false).map(\.id) == [otherYear.report.id, second.report.id, first.report.id])

        // The cover says which version, who approved it and when, and the diarienummer; a version without them says less.
        #expect(try Self.html(fixture.store, second.report.id).contains(
            "<p class=\"standing\">Version 2 · Fastställd av samverkansgruppen 2025-03-12 · Dnr KS 2025/17</p>"))
        #expect(try Self.html(fixture.store, first.report.id).contains("<p class=\"standing\">Version 1</p>"))
        // The stored sha256 is the bytes'.
        let bytes = try #require(try fixture.store.publishedReportHTML(id: second.report.id)).html
        #expect(second.report.sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        #expect(second.report.pdfSHA256 == nil)
        #expect(second.report.pdfMissing == "Chromium-programmet /nonexistent/chromium som servern är inställd på finns inte eller kan inte köras")
        let audit = try fixture.store.auditLog().filter { $0.action == "publicering" }.map(\.detail)
        #expect(audit.contains("rapport \(second.report.id), 2024, version 2 (ersätter rapport \(first.report.id)), sha256 \(second.report.sha256.prefix(12)), "
                               + "PDF saknas: Chromium-programmet /nonexistent/chromium som servern är inställd på finns inte eller kan inte köras"))
    }

    @Test func publishedVersionsNeverChangeAndNumbersAreNeverTakenTwice() async throws {
        let fixture = try WorkspaceFixture()
        let id = try fixture.store.publishReport(kommun: Self.kommun, year: 2024, internal: false, html: Data("<p>v1</p>".utf8), sha256: "a", by: "s")
        for sql in ["UPDATE published_report SET html = x'00'", "DELETE FROM published_report",
                    "UPDATE published_version SET version = 5", "UPDATE published_version SET pdf_missing = 'x'", "DELETE FROM published_version",
                    // A second version 1, and a version row that does not match its report.
                    "INSERT INTO published_version (report_id, kommun, year, internal, version, pdf_missing) VALUES (\(id), '2313', 2024, 0, 1, 'x')",
                    "INSERT INTO published_report (kommun, year, internal, html, sha256, published_by, published_at) VALUES ('2313', 2024, 0, x'00', 'b', 's', 't');"
                        + "INSERT INTO published_version (report_id, kommun, year, internal, version, pdf_missing) VALUES (last_insert_rowid(), '2313', 2023, 0, 1, 'x')"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try fixture.store.write { db in try db.execute(sql: sql) } }
        }
        #expect(try fixture.store.publishedReports(includeInternal: true).map(\.version) == [1])
        // A report rendered as version 1 is not stored as version 2 when another publication took 1 meanwhile.
        let late = NewPublication(kommun: Self.kommun, year: 2024, internal: false, html: Data("<p>också v1</p>".utf8), sha256: "c",
                                  pdf: .missing(reason: "x"), publishedBy: "s", publishedAt: Date())
        #expect(throws: PublicationStoreError.versionTaken(year: 2024, expected: 1)) { try fixture.store.publishReport(late, expectedVersion: 1) }
        #expect(try fixture.store.publishedReports(includeInternal: true).count == 1)
    }

    @Test(arguments: [
        ("<b>KS</b>", "", "diarienummer: \"<b>KS</b>\" är inget diarienummer: högst 40 tecken, bokstäver, siffror, mellanslag och / - . : _ ( ), till exempel \"KS 2026/123\""),
        (String(repeating: "K", count: 41), "", "diarienummer: \"\(String(repeating: "K", count: 41))\" är inget diarienummer"),
        ("KS\n2026", "", "diarienummer: \"KS\n2026\" är inget diarienummer"),
        ("//", "", "diarienummer: \"//\" är inget diarienummer"),
        ("", "12/3 2025", "fastställd: \"12/3 2025\" är inget datum på formen ÅÅÅÅ-MM-DD, till exempel 2026-03-12"),
        ("", "2025-02-30", "fastställd: \"2025-02-30\" är inget datum på formen ÅÅÅÅ-MM-DD"),
        ("", "2026-03-16", "fastställd: 2026-03-16 har inte varit ännu (i dag är det 2026-03-15)"),
        ("", "2023-12-31", "fastställd: 2023-12-31 är före 2024, året som lägesbilden gäller"),
        ("KS <2026>", "i morgon", "diarienummer: \"KS <2026>\" är inget diarienummer"),
    ])
    func fieldsAreCheckedWithTheValueNamed(diarienummer: String, faststalld: String, message: String) async throws {
        let fixture = try WorkspaceFixture()
        let request = PublicationRequest(year: 2024, diarienummer: diarienummer, faststalld: faststalld)
        do {
            _ = try await Self.service(fixture.store).publish(request, sources: try Self.sources(fixture.store), pdf: WorkspaceFixture.noChromium, by: .commandLine)
            Issue.record("\(diarienummer) / \(faststalld) was accepted")
        } catch let error as PublishError {
            #expect(error.description.hasPrefix(message), "\(error.description)")
            if !diarienummer.isEmpty && !faststalld.isEmpty { #expect(error.description.contains("; fastställd: \"i morgon\"")) }
        }
        #expect(try fixture.store.publishedReports(includeInternal: true).isEmpty)
        #expect(try PublicationRequest(year: 2024, diarienummer: "KS 2026/123", faststalld: "2026-03-15").validated(today: "2026-03-15")
                    == ("KS 2026/123", "2026-03-15"))
    }

    @Test func aFailingChromiumLeavesThePublicationWithoutPDFAndSaysWhy() async throws {
        let fixture = try WorkspaceFixture()
        let broken = try Self.failingChromium()
        let outcome = try await Self.service(fixture.store).publish(PublicationRequest(year: 2024), sources: try Self.sources(fixture.store),
                                                                    pdf: PDFSettings(chromium: broken), by: .commandLine)
        #expect(outcome.report.pdfSHA256 == nil)
        #expect(outcome.report.pdfMissing == "Chromium kunde inte skriva ut rapporten (slutstatus 3): något gick fel")
        #expect(WorkspaceService.availability(PDFSettings(chromium: broken)) == .printable(chromium: broken))
        #expect(WorkspaceService.availability(WorkspaceFixture.noChromium)
                    == .unavailable(reason: "Chromium-programmet /nonexistent/chromium som servern är inställd på finns inte eller kan inte köras"))
    }

    // MARK: - Through the routes

    static func hidden(_ page: String) -> [(String, String)] {
        page.matches(of: /<input type="hidden" name="([a-z]+)" value="([^"]*)">/).map { (String($0.1), String($0.2)) }
            .filter { $0.0 != "csrf" }
    }

    @Test func nothingIsPublishedBeforeTheConfirmationAndTheSecondVersionSupersedesTheFirst() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let asked = try await samordnare.post(client, "/rapporter", [("ar", "2024"), ("diarienummer", "KS 2025/17"), ("faststalld", "2025-03-12")])
            #expect(asked.status == .ok)
            let confirm = String(buffer: asked.body)
            #expect(confirm.contains("<h1>Publicera lägesbilden 2024?</h1>") && confirm.contains("Inget är sparat ännu."))
            #expect(confirm.contains("<dd>version 1, den första av året</dd>") && confirm.contains("<dd>publik, för alla som loggar in</dd>"))
            #expect(confirm.contains("<dd>KS 2025/17</dd>") && confirm.contains("<dd>2025-03-12</dd>"))
            #expect(confirm.contains("kan inte skrivas ut: Chromium-programmet /nonexistent/chromium som servern är inställd på finns inte eller kan inte köras."))
            #expect(confirm.contains("<button type=\"submit\">Publicera</button> <a class=\"cancel\" href=\"/rapporter?ar=2024\">Avbryt</a>"))
            #expect(try fixture.store.publishedReports(includeInternal: true).isEmpty, "the confirmation step stores nothing")
            // 2024 has open items (no texts written): the confirmation is a box to tick, sent as `bekrafta`.
            #expect(confirm.contains("<input type=\"checkbox\" name=\"bekrafta\" value=\"1\" required> Publicera trots de öppna punkterna"))
            #expect(Self.hidden(confirm).map(\.0) == ["ar", "diarienummer", "faststalld"])
            let fields = Self.hidden(confirm) + [("bekrafta", "1")]

            let published = try await samordnare.post(client, "/rapporter", fields)
            #expect(published.status == .seeOther)
            let first = try #require(try fixture.store.publishedReports(includeInternal: true).first)
            #expect(published.headers[.location] == "/rapporter/\(first.id)")
            let page = String(buffer: try await samordnare.follow(client, published).body)
            #expect(page.contains("<h1>Lägesbild 2024, version 1</h1>"))
            #expect(page.contains("Publicerade lägesbilden 2024, version 1."))
            #expect(page.contains("PDF saknas: Chromium-programmet /nonexistent/chromium som servern är inställd på finns inte eller kan inte köras."))
            #expect(page.contains("<dd>KS 2025/17</dd>") && page.contains("<dd>2025-03-12</dd>") && !page.contains("Den här versionen är ersatt"))
            #expect(!String(buffer: try await samordnare.get(client, "/rapporter/\(first.id)").body).contains("Publicerade lägesbilden"), "shown once")
            #expect(try Self.html(fixture.store, first.id).contains("Version 1 · Fastställd av samverkansgruppen 2025-03-12 · Dnr KS 2025/17"))

            // Again: version 2, which the confirmation says supersedes version 1.
            let again = String(buffer: try await samordnare.post(client, "/rapporter", [("ar", "2024")]).body)
            let day = SwedishTime.minute(utc: first.publishedAt).prefix(10)
            #expect(again.contains("<dd>version 2, som ersätter <a href=\"/rapporter/\(first.id)\">version 1 från \(day)</a>; den finns kvar, märkt som ersatt</dd>"))
            let second = try await samordnare.submit(client, "/rapporter", Self.hidden(again) + [("bekrafta", "1")])
            #expect(String(buffer: second.body).contains("Publicerade lägesbilden 2024, version 2, som ersätter version 1."))
            let secondID = try #require(try fixture.store.publishedReports(includeInternal: true).first?.id)

            // A läsare sees the latest by default, the older one marked, and on its own page the notice first.
            let reader = try await Browser.login(client, as: "ledamot")
            let list = String(buffer: try await reader.get(client, "/rapporter").body)
            let current = try #require(list.firstRange(of: "Den senaste versionen av varje år")), older = try #require(list.firstRange(of: "Ersatta versioner"))
            #expect(list[current.upperBound..<older.lowerBound].contains("href=\"/rapporter/\(secondID)\""))
            #expect(!list[current.upperBound..<older.lowerBound].contains("href=\"/rapporter/\(first.id)\""))
            #expect(list[older.upperBound...].contains("<a href=\"/rapporter/\(secondID)\">ersatt av version 2 den \(day)</a>"))
            let oldPage = try await reader.get(client, "/rapporter/\(first.id)")
            #expect(String(buffer: oldPage.body).contains("<strong>Den här versionen är ersatt av version 2 den \(day).</strong>"))
            #expect(String(buffer: oldPage.body).contains("<a href=\"/rapporter/\(secondID)\">Läs den gällande versionen</a>"))
            #expect(oldPage.headers[ReportsController.linkHeader] == "</rapporter/\(secondID)>; rel=\"successor-version\"")
            // The superseded bytes are served as stored.
            let oldBytes = try await reader.get(client, "/rapporter/\(first.id)/html")
            #expect(Data(buffer: oldBytes.body) == (try fixture.store.publishedReportHTML(id: first.id))?.html)
            #expect(oldBytes.headers[ReportsController.linkHeader] == "</rapporter/\(secondID)>; rel=\"successor-version\"")
            #expect(try await reader.get(client, "/rapporter/\(secondID)/html").headers[ReportsController.linkHeader] == nil)
            // Without a PDF: the page says why; the download answers 404 with the reason.
            let noPDF = try await reader.get(client, "/rapporter/\(secondID)/pdf")
            #expect(noPDF.status == .notFound && String(buffer: noPDF.body).contains("Rapport \(secondID) har ingen PDF: Chromium-programmet"))
        }
    }

    @Test func aRefusedFieldIs422WithTheValueNamedAndTheFormKept() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            for confirmed in [false, true] {
                let refused = try await samordnare.post(client, "/rapporter", [("ar", "2024"), ("intern", "1"), ("diarienummer", "<b>KS</b>"),
                                                                              ("faststalld", "2099-01-01")] + (confirmed ? [("bekrafta", "1")] : []))
                #expect(refused.status == .unprocessableContent)
                let page = String(buffer: refused.body)
                #expect(page.contains("<li>Diarienummer: &quot;&lt;b&gt;KS&lt;/b&gt;&quot; är inget diarienummer"), "\(page)")
                #expect(page.contains("<li>Fastställd: 2099-01-01 har inte varit ännu"))
                #expect(page.contains("name=\"faststalld\" type=\"text\" maxlength=\"10\" inputmode=\"numeric\" autocomplete=\"off\" value=\"2099-01-01\""))
                #expect(page.contains("value=\"&lt;b&gt;KS&lt;/b&gt;\""))
                #expect(page.contains("name=\"intern\" value=\"1\" checked"))
            }
            #expect(try fixture.store.publishedReports(includeInternal: true).isEmpty)
        }
    }

    @Test func thePreviewIsMarkedAsADraft() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let preview = String(buffer: try await samordnare.get(client, "/rapporter/forhandsvisning?ar=2024").body)
            #expect(preview.contains("<p class=\"standing draft\">Utkast – ej publicerad</p>"))
            #expect(preview.contains("@page { @top-center { content: \"Utkast – ej publicerad\"; } }"))
        }
    }

    @Test func anInternalReportAndItsPDFAreTheSamordnaresAlone() async throws {
        let fixture = try WorkspaceFixture()
        let pdf = Data("%PDF-1.4 intern".utf8)
        let id = try fixture.store.publishReport(NewPublication(kommun: Self.kommun, year: 2024, internal: true, html: Data("<p>intern</p>".utf8),
                                                                sha256: "a", pdf: .printed(pdf, sha256: "b"), publishedBy: "samordnare",
                                                                publishedAt: Date())).id
        try await fixture.application().test(.router) { client in
            for name in ["ledamot", "skola"] {
                let browser = try await Browser.login(client, as: name)
                for path in ["/rapporter/\(id)", "/rapporter/\(id)/html", "/rapporter/\(id)/pdf"] {
                    #expect(try await browser.get(client, path).status == .forbidden, "\(name) \(path)")
                }
                #expect(!String(buffer: try await browser.get(client, "/rapporter").body).contains("/rapporter/\(id)"))
            }
            let samordnare = try await Browser.login(client, as: "samordnare")
            let download = try await samordnare.get(client, "/rapporter/\(id)/pdf")
            #expect(download.status == .ok && Data(buffer: download.body) == pdf)
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"lagesbild-2024-intern-v1.pdf\"")
        }
    }

    @Test(.enabled(if: printing, "needs chromium (apt-get install chromium); .ci/run installs it"))
    func everyPublicationIsPrintedToPDFWhichALasareDownloads() async throws {
        let chromium = try #require(Self.chromium, "headless Chromium is needed (apt-get install chromium); .ci/run installs it")
        let fixture = try WorkspaceFixture()
        try await fixture.application(pdf: PDFSettings(chromium: chromium)).test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let confirm = String(buffer: try await samordnare.post(client, "/rapporter", [("ar", "2024")]).body)
            #expect(confirm.contains("<dd>skrivs ut på servern och sparas bredvid HTML-rapporten</dd>"))
            let page = String(buffer: try await samordnare.submit(client, "/rapporter", Self.hidden(confirm) + [("bekrafta", "1")]).body)
            #expect(page.contains("PDF:en skrevs ut och sparades bredvid HTML-rapporten."))
            let report = try #require(try fixture.store.publishedReports(includeInternal: false).first)
            let stored = try #require(try fixture.store.read { db in try Data.fetchOne(db, sql: "SELECT pdf FROM published_version WHERE report_id = ?",
                                                                                         arguments: [report.id]) })
            #expect(stored.starts(with: Data("%PDF".utf8)) && report.pdfMissing == nil)
            #expect(report.pdfSHA256 == SHA256.hash(data: stored).map { String(format: "%02x", $0) }.joined())
            #expect(page.contains("href=\"/rapporter/\(report.id)/pdf\" download=\"lagesbild-2024-v1.pdf\""))

            let reader = try await Browser.login(client, as: "ledamot")
            let download = try await reader.get(client, "/rapporter/\(report.id)/pdf")
            #expect(download.status == .ok && download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"lagesbild-2024-v1.pdf\"")
            #expect(Data(buffer: download.body) == stored)
        }
    }
}
