import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildIndicators
import LagesbildIngest
import LagesbildModel
import LagesbildReport
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// The group's texts of a year in the workspace: written with a preview, every version kept with who and when, a
/// comparison of versions and restore; a second save over a newer one refused with both shown; a text that knows the
/// figures it was written against; the problems checked against the activity plan and the measurement points; the
/// year's checklist; and the report that carries all four.
@Suite(.serialized) struct GroupTextTests {
    static func sources(_ store: Store) throws -> ReportSources {
        ReportSources(definitions: try DefinitionLoader.resolve(explicit: nil, databasePath: store.path),
                      references: try DefinitionLoader.resolveReferences(explicit: nil, databasePath: store.path), producer: "test")
    }

    static func version(_ page: TestResponse) -> String {
        String(buffer: page.body).firstMatch(of: /name="version" value="([0-9]*)"/).map { String($0.1) } ?? "?"
    }

    static func textarea(_ page: TestResponse) -> String {
        String(buffer: page.body).firstMatch(of: /<textarea[^>]*>([\s\S]*?)<\/textarea>/).map { String($0.1) } ?? "?"
    }

    func history(_ store: Store, _ section: TextSection, year: Int = 2024) throws -> [GroupText] {
        try store.groupTextHistory(kommun: KommunCode("2313")!, year: year, section: section)
    }

    @Test func theSamordnareWritesATextPreviewsItAndEveryVersionIsKept() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let year = String(buffer: try await samordnare.get(client, "/lagesbild?ar=2024").body)
            #expect(year.contains("<h1>Lägesbild 2024</h1>") && year.matches(of: /Inte skriven ännu\./).count == 4)
            #expect(year.contains("href=\"/lagesbild\" aria-current=\"page\">Lägesbild</a>"))
            // Källor och begränsningar starts from BRÅ's four questions.
            let kallor = try await samordnare.get(client, "/lagesbild/text?ar=2024&avsnitt=kallor")
            #expect(Self.textarea(kallor).contains("### Vilka källor användes och vilka valdes bort?"))
            // Beside the text box, the facts the report prints beside the group's words.
            let facts = String(buffer: kallor.body)
            #expect(facts.contains("<h2 id=\"fakta-rubrik\">Det som rapporten skriver bredvid er text</h2>"))
            #expect(facts.contains("<li>Alla källor som rapporterade 2023 eller 2024 har rapporterat varje månad 2024, signaler eller en nollrapport.</li>"))
            #expect(facts.contains("<li>Inga jämförelsedata (officiell statistik) finns i databasen för 2024.</li>"))

            let page = try await samordnare.get(client, "/lagesbild/text?ar=2024&avsnitt=bedomning")
            #expect(page.status == .ok && Self.version(page) == "0" && Self.textarea(page).isEmpty)
            let first = "Signalerna ökade i Centrum.\n\nSkolan ser <script>fler</script> klotter."
            // The preview renders the text, escaped, and stores nothing.
            let preview = try await samordnare.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "bedomning"), ("version", "0"),
                                                                                ("text", first), ("atgard", "forhandsgranska")])
            let previewHTML = String(buffer: preview.body)
            #expect(preview.status == .ok && previewHTML.contains("<p>Signalerna ökade i Centrum.</p>"))
            #expect(previewHTML.contains("&lt;script&gt;fler&lt;/script&gt;") && !previewHTML.contains("<script>"))
            #expect(Self.version(preview) == "0")
            #expect(try history(fixture.store, .bedomning).isEmpty)

            let saved = try await samordnare.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "bedomning"), ("version", "0"), ("text", first)])
            #expect(saved.status == .seeOther && saved.headers[.location] == "/lagesbild?ar=2024#avsnitt-bedomning")
            let after = String(buffer: try await samordnare.follow(client, saved).body)
            #expect(after.contains("Samverkansgruppens bedömning 2024 är sparad (version 1)."))
            #expect(after.contains("Version 1, sparad ") && after.contains(" av samordnare."))
            var versions = try history(fixture.store, .bedomning)
            #expect(versions.map(\.version) == [1] && versions[0].text == first && versions[0].savedBy == "samordnare")
            #expect(versions[0].figures["MO1-01"] == 86)
            #expect(try fixture.store.auditLog().contains { $0.action == "samverkansgruppens text" && $0.detail == "Samverkansgruppens bedömning 2024, version 1 sparad" })

            // The same text again writes nothing.
            let same = try await samordnare.submit(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "bedomning"), ("version", "1"), ("text", first + "\n\n")])
            #expect(String(buffer: same.body).contains("Inget ändrades: bedömningen var redan sparad med den här texten."))
            #expect(try history(fixture.store, .bedomning).count == 1)

            let second = "Signalerna ökade i Centrum och i Hammerdal.\n\nSkolan ser <script>fler</script> klotter."
            _ = try await samordnare.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "bedomning"), ("version", "1"), ("text", second)])
            versions = try history(fixture.store, .bedomning)
            #expect(versions.map(\.version) == [2, 1])

            // The versions page compares version 2 with version 1, line by line.
            let compare = String(buffer: try await samordnare.get(client, "/lagesbild/text/historik?ar=2024&avsnitt=bedomning").body)
            #expect(compare.contains("Version 2 jämförd med version 1"))
            #expect(compare.contains("<tr class=\"removed\"><td class=\"mark\">−<span class=\"sr\">borttagen rad</span></td><td><code>Signalerna ökade i Centrum.</code></td></tr>"))
            #expect(compare.contains("<tr class=\"added\"><td class=\"mark\">+<span class=\"sr\">ny rad</span></td><td><code>Signalerna ökade i Centrum och i Hammerdal.</code></td></tr>"))
            #expect(compare.contains("<tr class=\"same\"><td class=\"mark\"> <span class=\"sr\"></span></td><td><code>Skolan ser &lt;script&gt;fler&lt;/script&gt; klotter.</code></td></tr>"))
            #expect(!compare.contains("Återställ version 2"))

            // Restoring version 1 makes version 3 with its text; nothing is removed.
            let old = String(buffer: try await samordnare.get(client, "/lagesbild/text/historik?ar=2024&avsnitt=bedomning&version=1").body)
            #expect(old.contains("Återställ version 1"))
            let restored = try await samordnare.submit(client, "/lagesbild/text/aterstall", [("ar", "2024"), ("avsnitt", "bedomning"), ("version", "1"), ("senaste", "2")])
            #expect(String(buffer: restored.body).contains("Version 1 är återställd som version 3; inget har tagits bort."))
            versions = try history(fixture.store, .bedomning)
            #expect(versions.map(\.version) == [3, 2, 1] && versions[0].text == first && versions[0].restoredFrom == 1)
            // A stale restore (someone saved meanwhile) restores nothing.
            let stale = try await samordnare.submit(client, "/lagesbild/text/aterstall", [("ar", "2024"), ("avsnitt", "bedomning"), ("version", "2"), ("senaste", "2")])
            #expect(String(buffer: stale.body).contains("Inget återställdes: samordnare sparade version 3 medan du tittade."))
            #expect(try history(fixture.store, .bedomning).count == 3)

            // Saved versions never change.
            #expect(throws: (any Error).self) {
                try fixture.store.write { db in try db.execute(sql: "UPDATE group_text SET text = 'x'") }
            }
            #expect(throws: (any Error).self) {
                try fixture.store.write { db in try db.execute(sql: "DELETE FROM group_text") }
            }
        }
    }

    @Test func aSecondSaveOverANewerVersionIsRefusedWithBothShownAndNothingLost() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            // The samordnare and a member of the group.
            let one = try await Browser.login(client, as: "samordnare")
            let two = try await Browser.login(client, as: "gruppen")
            _ = try await one.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "omvarld"), ("version", "0"), ("text", "Kontakt med polisen varje månad.")])
            // Both open version 1.
            let pageOne = try await one.get(client, "/lagesbild/text?ar=2024&avsnitt=omvarld")
            let pageTwo = try await two.get(client, "/lagesbild/text?ar=2024&avsnitt=omvarld")
            #expect(Self.version(pageOne) == "1" && Self.version(pageTwo) == "1")
            let theirs = "Kontakt med polisen varje månad.\nNätverksmöte i länet i maj."
            let mine = "Kontakt med polisen varje vecka."
            let first = try await one.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "omvarld"), ("version", "1"), ("text", theirs)])
            #expect(first.status == .seeOther)
            let refused = try await two.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "omvarld"), ("version", "1"), ("text", mine)])
            #expect(refused.status == .conflict)
            let html = String(buffer: refused.body)
            #expect(html.contains("Texten sparades inte: samordnare sparade version 2 medan du skrev."))
            // Both versions on the page: the stored one, and mine still in the form, now based on version 2.
            #expect(html.contains("<pre class=\"text-version\">Kontakt med polisen varje månad.\nNätverksmöte i länet i maj.</pre>"))
            #expect(Self.textarea(refused) == mine && Self.version(refused) == "2")
            #expect(html.contains("<tr class=\"added\"><td class=\"mark\">+<span class=\"sr\">ny rad</span></td><td><code>Kontakt med polisen varje vecka.</code></td></tr>"))
            #expect(try history(fixture.store, .omvarld).map(\.text) == [theirs, "Kontakt med polisen varje månad."])
            // Saving again from the refused page is deliberate: version 3.
            let again = try await two.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "omvarld"), ("version", "2"), ("text", mine)])
            #expect(again.status == .seeOther)
            #expect(try history(fixture.store, .omvarld).map(\.version) == [3, 2, 1])
            #expect(try history(fixture.store, .omvarld).map(\.savedBy) == ["gruppen", "samordnare", "samordnare"])
        }
    }

    @Test func aTextKnowsWhichFiguresMovedSinceItWasSaved() async throws {
        let fixture = try WorkspaceFixture()
        let sources = try Self.sources(fixture.store)
        let service = WorkspaceService(store: fixture.store)
        _ = try await service.saveText(year: 2024, section: .bedomning, text: "Signalerna ökade från 59 till 86.", basedOn: 0, sources: sources,
                                       by: Actor(name: "samordnare", address: "test"))
        var states = try await service.textStates(year: 2024, sources: sources)
        #expect(states.first { $0.section == .bedomning }?.isCurrent == true)

        // New signals for 2024: 86 → 91 signals, and the rate per 10 000 (11 500 inhabitants) from 74,8 to 79,1.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nya-signaler-\(UUID().uuidString).csv")
        try Data("år;månad;kategori;miljö;område;källa;antal;orosanmälningar;polisanmälningar\n2024;;symboler;höger;Centrum;Skola;5;0;0\n".utf8).write(to: file)
        _ = try Importer(store: fixture.store).importFiles([file.path])
        states = try await service.textStates(year: 2024, sources: sources)
        let moved = try #require(states.first { $0.section == .bedomning }).moved
        #expect(moved.map(\.exactText).prefix(2) == ["MO1-01 86 → 91", "MO1-02 74,8 → 79,1"])

        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let page = String(buffer: try await samordnare.get(client, "/lagesbild?ar=2024").body)
            let today = SwedishTime.day(utc: try #require(try history(fixture.store, .bedomning).first).savedAt)
            #expect(page.contains("Uppgifterna har ändrats sedan texten sparades."))
            #expect(page.contains("<li>MO1-01 86 → 91 sedan bedömningen sparades \(today)</li>"))
            // The checklist has the same as an open item, linked to the text.
            #expect(page.contains("<a href=\"/lagesbild/text?ar=2024&amp;avsnitt=bedomning\">Samverkansgruppens bedömning</a></th><td>Öppen</td>"))
        }
    }

    @Test func problemsNameAnActivityOfThePlanAndAMeasurementPoint() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            func save(_ text: String) async throws -> TestResponse {
                try await samordnare.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "problem"), ("version", "0"), ("text", text)])
            }
            let form = String(buffer: try await samordnare.get(client, "/lagesbild/text?ar=2024&avsnitt=problem").body)
            #expect(form.contains("<li>Leda samverkan</li>") && form.contains("<li>MO1-01 Registrerade signaler</li>"))

            let unknownPoint = try await save("## Klotter i Centrum\nOrsaksanalys: Få vuxna ute på kvällarna.\nMätpunkt: MO9-99")
            #expect(unknownPoint.status == .unprocessableContent)
            #expect(String(buffer: unknownPoint.body).contains("Prioriterade problem, rad 1: &quot;MO9-99&quot; är ingen mätpunkt (mätpunkterna är MO1-01, MO1-02,"))
            #expect(Self.textarea(unknownPoint).contains("Mätpunkt: MO9-99"))

            let unknownMeasure = try await save("## Klotter i Centrum\nOrsaksanalys: Få vuxna ute.\nÅtgärd: Leda samverkann\nMätpunkt: MO1-01")
            #expect(String(buffer: unknownMeasure.body).contains("rad 1: &quot;Leda samverkann&quot; är ingen aktivitet i aktivitetsplanen för 2024 (menade ni &quot;Leda samverkan&quot;?)"))

            let noCauses = try await save("## Klotter i Centrum\nMätpunkt: MO1-01")
            #expect(String(buffer: noCauses.body).contains("Prioriterade problem, rad 1: problemet &quot;Klotter i Centrum&quot; saknar raden Orsaksanalys:"))
            #expect(try history(fixture.store, .problem).isEmpty)

            let good = try await save("## Klotter i Centrum\n\nOrsaksanalys: Få vuxna ute på kvällarna.\n\nÅtgärd: leda samverkan\n\nMätpunkt: MO1-01\n\n"
                                      + "## Uttalanden i Gäddede\nOrsaksanalys: Okänt.\nMätpunkt: MO1-07")
            #expect(good.status == .seeOther)
            // The problem without a measure is an open item of the checklist.
            let year = String(buffer: try await samordnare.get(client, "/lagesbild?ar=2024").body)
            #expect(year.contains("Problem: Uttalanden i Gäddede</a></th><td>Öppen</td><td>Problemet har ingen åtgärd i aktivitetsplanen (raden Åtgärd: saknas).</td>"))
        }
    }

    @Test func theReportCarriesTheTextsAndTheFactsBesideThem() async throws {
        let fixture = try WorkspaceFixture()
        let sources = try Self.sources(fixture.store)
        let service = WorkspaceService(store: fixture.store)
        let actor = Actor(name: "samordnare", address: "test")
        _ = try await service.saveText(year: 2024, section: .bedomning, text: "Klottret i Centrum har ökat.\n\nDet andra stycket.", basedOn: 0,
                                       sources: sources, by: actor)
        _ = try await service.saveText(year: 2024, section: .problem, text: "## Klotter i Centrum\nOrsaksanalys: Få vuxna ute.\nÅtgärd: Leda samverkan\nMätpunkt: MO1-01",
                                       basedOn: 0, sources: sources, by: actor)
        _ = try await service.saveText(year: 2024, section: .kallor, text: "### Vilka källor användes och vilka valdes bort?\n\nSkolans och polisens.",
                                       basedOn: 0, sources: sources, by: actor)
        _ = try await service.saveText(year: 2024, section: .omvarld, text: "Möte med den nationella samordningen i april.", basedOn: 0,
                                       sources: sources, by: actor)
        var options = ReportOptions(year: 2024)
        options.date = "2025-02-01"
        options.openItems = ["Fritid har inte rapporterat för mars 2024."]
        let html = try ReportBuilder(store: fixture.store, definitions: sources.definitions, references: sources.references).render(options)
        // The assessment's first paragraph on the summary page, the whole of it in its chapter.
        #expect(html.contains("<div class=\"assessment-lead\"><p>Klottret i Centrum har ökat.</p></div>"))
        #expect(html.contains("<p>Det andra stycket.</p>"))
        // The chain problem → åtgärd → mätpunkt, with the activity's status and the point's change.
        #expect(html.contains("<h4>Klotter i Centrum</h4>"))
        #expect(html.contains("<dt>Åtgärd</dt><dd>Leda samverkan (Genomförd, ansvarig: Säkerhetssamordnare)</dd>"))
        #expect(html.contains("<dt>Mätpunkt</dt><dd>MO1-01 Registrerade signaler: Registrerade signaler ökade från 45 år 2023 till 86 år 2024"))
        // The group's headings stand below the section's h3.
        #expect(html.contains("<h4>Vilka källor användes och vilka valdes bort?</h4>"))
        #expect(html.contains("<li>Fritid har inte rapporterat för mars 2024.</li>"))
        #expect(html.contains("Möte med den nationella samordningen i april."))
        #expect(!html.contains("bedomning.md"))
    }

    @Test func theChecklistNamesWhatIsMissingAndWhereItIsPutRight() async throws {
        let fixture = try WorkspaceFixture()
        let sources = try Self.sources(fixture.store)
        let service = WorkspaceService(store: fixture.store, clock: { Date(timeIntervalSince1970: 1_767_225_600) }) // 2026-01-01
        let items = try await service.checklist(year: 2025, sources: sources)
        let byTitle = Dictionary(uniqueKeysWithValues: items.map { ($0.title, $0) })
        // 2025 has no population, no activity plan and no texts; Fritid and Socialtjänst, who reported for 2024, have
        // said nothing about any month of 2025.
        #expect(byTitle["Månadsrapporter"] == nil)
        let fritid = try #require(byTitle["Månadsrapporter: Fritid"])
        #expect(!fritid.done && fritid.link == "/uppgifter/manad?ar=2025&manad=1&kalla=Fritid")
        #expect(fritid.detail == "Fritid har inte rapporterat för januari, februari, mars, april, maj, juni, juli, augusti, september, oktober, november och december (varken signaler eller en nollrapport).")
        #expect(byTitle["Månadsrapporter: Socialtjänst"]?.done == false)
        #expect(byTitle["Befolkning"]?.done == false)
        #expect(byTitle["Aktivitetsplanen följd upp"]?.done == false)
        #expect(byTitle["Aktivitetsplanen följd upp"]?.link == "/uppgifter/aktiviteter?ar=2025")
        #expect(byTitle["Samverkansgruppens bedömning"]?.detail == "Texten är inte skriven ännu.")
        #expect(byTitle["Röjandekontroll"]?.done == true)
    }
}

/// Publishing after the texts: the confirmation step lists what the checklist leaves open, with the figures that moved
/// since the assessment was saved, asks for a ticked confirmation, and the published report prints the open items.
@Suite(.serialized) struct PublishingWithTextsTests {
    @Test func theConfirmationListsTheMovedFiguresAndTheReportPrintsTheOpenItems() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            _ = try await samordnare.post(client, "/lagesbild/text", [("ar", "2024"), ("avsnitt", "bedomning"), ("version", "0"),
                                                                      ("text", "Signalerna ökade från 45 till 86.")])
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("nya-signaler-\(UUID().uuidString).csv")
            try Data("år;månad;kategori;miljö;område;källa;antal;orosanmälningar;polisanmälningar\n2024;;symboler;höger;Centrum;Skola;5;0;0\n".utf8).write(to: file)
            _ = try Importer(store: fixture.store).importFiles([file.path])

            let confirm = try await samordnare.post(client, "/rapporter", [("ar", "2024"), ("diarienummer", "KS 2025/17")])
            let html = String(buffer: confirm.body)
            #expect(confirm.status == .ok && html.contains("<h2 id=\"oppna-rubrik\">Öppna punkter</h2>"))
            #expect(html.contains("<a href=\"/lagesbild/text?ar=2024&amp;avsnitt=bedomning\">Samverkansgruppens bedömning</a>: 4 mätpunkter har ändrats sedan bedömningen sparades"))
            #expect(html.contains(": MO1-01 86 → 91, MO1-02 74,8 → 79,1, MO1-05 20,9 → 19,8, MO1-06 29,1 → 27,5."))
            #expect(html.contains("<input type=\"checkbox\" name=\"bekrafta\" value=\"1\" required> Publicera trots de öppna punkterna"))
            #expect(try fixture.store.publishedReports(includeInternal: true).isEmpty)

            let published = try await samordnare.post(client, "/rapporter", [("ar", "2024"), ("diarienummer", "KS 2025/17"), ("bekrafta", "1")])
            #expect(published.status == .seeOther)
            let report = try #require(try fixture.store.publishedReports(includeInternal: true).first)
            let bytes = String(decoding: try #require(try fixture.store.publishedReportHTML(id: report.id)).html, as: UTF8.self)
            #expect(bytes.contains("<h4>Öppna punkter när rapporten publicerades</h4>"))
            #expect(bytes.contains("<li>Samverkansgruppens bedömning skrevs innan uppgifterna ändrades senast: 4 mätpunkter har ändrats sedan dess (MO1-01, MO1-02, MO1-05, MO1-06).</li>"))
            // The public report names no exact small figures in its open items.
            #expect(!bytes.contains("86 → 91"))
            #expect(bytes.contains("<p>Signalerna ökade från 45 till 86.</p>"))
        }
    }
}
