import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildIndicators
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// The activity plan's follow-up in one form per year: saved with a redirect (back and reload are safe) as one entry
/// of the import log that undo reverses, "Inget ändrades" for the same again, typed values kept after an error, a save
/// over someone else's newer one refused, the samordnare's and the group's members' (not a rapportör's or a läsare's),
/// and a new year started from last year's
/// unfinished activities, which the report then counts as carried over.
@Suite(.serialized) struct ActivityPlanFormTests {
    static let kommun = KommunCode("2313")!

    static func version(_ page: TestResponse) -> String {
        String(buffer: page.body).firstMatch(of: /name="version" value="([0-9a-f]*)"/).map { String($0.1) } ?? "?"
    }

    static func fields(year: Int, version: String, rows: [ActivityPlanForm.Row], action: String = "spara") -> [(String, String)] {
        [("ar", String(year)), ("version", version), ("atgard", action)] + rows.flatMap { row in
            [("aktivitet[]", row.aktivitet), ("malomrade[]", row.malomrade), ("ansvarig[]", row.ansvarig), ("insatsniva[]", row.insatsniva),
             ("status[]", row.status), ("kommentar[]", row.kommentar)]
        }
    }

    func stored(_ store: Store, _ year: Int) throws -> [ActivityPlanForm.Row] {
        try store.storedRows(kind: .aktiviteter, kommun: Self.kommun, year: year).map(ActivityPlanForm.Row.init)
    }

    func summary(_ store: Store, _ year: Int) throws -> [String] {
        try stored(store, year).map { "\($0.malomrade) \($0.aktivitet): \($0.status)" }.sorted()
    }

    @Test func theSamordnareFollowsUpTheYearAndUndoBringsItBack() async throws {
        let fixture = try WorkspaceFixture()
        let before = try summary(fixture.store, 2024)
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let page = try await samordnare.get(client, "/uppgifter/aktiviteter?ar=2024")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Målområde 1 – Organisation och samordning") && html.contains("Målområde 3 – Situations- och behovsanpassade åtgärder"))
            #expect(html.contains("aldrig en persons namn"))
            // Seven activities and three empty rows to add more; 2024 has activities, so no offer to start from 2023.
            #expect(html.matches(of: /name="aktivitet\[\]"/).count == 10)
            #expect(!html.contains("Börja med förra årets"))

            var rows = try stored(fixture.store, 2024)
            let nano = try #require(rows.firstIndex { $0.aktivitet == "Nano-utbildning för alla anställda" })
            rows[nano].status = "genomford"
            rows[nano].kommentar = "Alla förvaltningar klara"
            rows.removeAll { $0.aktivitet == "Fördjupad utbildning" }
            rows.append(ActivityPlanForm.Row(aktivitet: "Föräldrakvällar", malomrade: "3", ansvarig: "Fritidschef", insatsniva: "selektiv", status: "pagaende"))
            rows.append(ActivityPlanForm.Row())
            let saved = try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2024, version: Self.version(page), rows: rows))
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            #expect(location == "/uppgifter/aktiviteter?ar=2024")
            let after = try summary(fixture.store, 2024)
            #expect(after.contains("2 Nano-utbildning för alla anställda: genomford") && after.contains("3 Föräldrakvällar: pagaende"))
            #expect(!after.contains { $0.contains("Fördjupad utbildning") } && after.count == 7)
            // The page after the save says so once; reloading it reads it again.
            let shown = String(buffer: try await samordnare.get(client, location).body)
            #expect(shown.contains("Aktivitetsplanen för 2024 är sparad") && shown.contains("value=\"Alla förvaltningar klara\""))
            #expect(!String(buffer: try await samordnare.get(client, location).body).contains("är sparad"))
            let entry = try #require(try fixture.store.importLog().last { $0.kind == .aktiviteter })
            #expect(entry.kind == .aktiviteter && entry.fileName == "aktivitetsplan 2024" && entry.rowsDeleted == 7 && entry.rowsInserted == 7)
            #expect(try fixture.store.auditLog().contains { $0.action == "aktivitetsplan" && $0.user == "samordnare" })

            // The same again: nothing written.
            let entries = try fixture.store.importLog().count
            let current = Self.version(try await samordnare.get(client, "/uppgifter/aktiviteter?ar=2024"))
            let again = try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2024, version: current, rows: try stored(fixture.store, 2024)))
            #expect(again.headers[.location] == "/uppgifter/aktiviteter?ar=2024")
            #expect(String(buffer: try await samordnare.get(client, again.headers[.location]!).body).contains("Inget ändrades"))
            #expect(try fixture.store.importLog().count == entries)

            // Undo: the year as it was.
            _ = try fixture.store.undo(importID: entry.id)
            #expect(try summary(fixture.store, 2024) == before)
            #expect(try fixture.store.check().isSound)
        }
    }

    @Test func anErrorNamesTheRowAndKeepsWhatWasTyped() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let version = Self.version(try await samordnare.get(client, "/uppgifter/aktiviteter?ar=2025"))
            let rows = [
                ActivityPlanForm.Row(aktivitet: "Samverkansmöten", malomrade: "1", ansvarig: "Säkerhetssamordnare", status: "pagaende", kommentar: "Varannan månad"),
                ActivityPlanForm.Row(aktivitet: "Utbildningsdag", malomrade: "2", kommentar: "Planeras till hösten"),
                ActivityPlanForm.Row(),
                ActivityPlanForm.Row(aktivitet: "Samverkansmöten", malomrade: "1", ansvarig: "Säkerhetssamordnare", status: "genomford"),
            ]
            let refused = try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2025, version: version, rows: rows))
            #expect(refused.status == .unprocessableContent)
            let html = String(buffer: refused.body)
            #expect(html.contains("Aktivitetsplanen sparades inte."))
            #expect(html.contains("Rad 2, ansvarig:") && html.contains("Rad 2, status:"))
            #expect(html.contains("Rad 4: samma aktivitet som rad 1"))
            #expect(html.contains("value=\"Varannan månad\"") && html.contains("value=\"Planeras till hösten\"") && html.contains("value=\"Utbildningsdag\""))
            #expect(html.contains("<option value=\"pagaende\" selected>"))
            #expect(try stored(fixture.store, 2025).isEmpty)

            // More rows: the same page with three more, nothing saved.
            let more = try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2025, version: version, rows: rows, action: "fler"))
            #expect(more.status == .ok && String(buffer: more.body).matches(of: /name="aktivitet\[\]"/).count == 7)
        }
    }

    @Test func aSaveOverSomeoneElsesNewerSaveIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let version = Self.version(try await samordnare.get(client, "/uppgifter/aktiviteter?ar=2024"))
            var rows = try stored(fixture.store, 2024)
            rows[0].kommentar = "Första sparandet"
            #expect(try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2024, version: version, rows: rows)).status == .seeOther)
            rows[0].kommentar = "Andra, på en gammal sida"
            let stale = try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2024, version: version, rows: rows))
            #expect(stale.status == .conflict)
            let html = String(buffer: stale.body)
            #expect(html.contains("någon annan sparade aktivitetsplanen för 2024") && html.contains("value=\"Andra, på en gammal sida\""))
            #expect(try stored(fixture.store, 2024).contains { $0.kommentar == "Första sparandet" })
            // The page answered with the year's new version: saving again is the user's choice and goes through.
            let again = try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2024, version: Self.version(stale), rows: rows))
            #expect(again.status == .seeOther)
        }
    }

    @Test func theSamordnareAndTheGroupsMembersFollowUpThePlan() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            // A medlem finds the plan in the menu (it has no Uppgifter page) and saves the year like the samordnare.
            let medlem = try await Browser.login(client, as: "gruppen")
            #expect(String(buffer: try await medlem.get(client, "/").body).contains("href=\"/uppgifter/aktiviteter\""))
            let page = try await medlem.get(client, "/uppgifter/aktiviteter?ar=2024")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("href=\"/uppgifter/aktiviteter\" aria-current=\"page\""))
            var rows = try stored(fixture.store, 2024)
            rows[0].kommentar = "Uppföljt av gruppen"
            let saved = try await medlem.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2024, version: Self.version(page), rows: rows))
            #expect(saved.status == .seeOther && saved.headers[.location] == "/uppgifter/aktiviteter?ar=2024")
            #expect(try stored(fixture.store, 2024).contains { $0.kommentar == "Uppföljt av gruppen" })
            let log = try fixture.store.auditLog().map { "\($0.user): \($0.detail)" }
            #expect(log.contains { $0.hasPrefix("gruppen: aktivitetsplan 2024") }, "\(log)")
            for name in ["skola", "ledamot"] {
                let browser = try await Browser.login(client, as: name)
                #expect(try await browser.get(client, "/uppgifter/aktiviteter?ar=2024").status == .forbidden)
                let rows = [ActivityPlanForm.Row(aktivitet: "Egen", malomrade: "1", ansvarig: "Rektor", status: "pagaende")]
                #expect(try await browser.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2024, version: "", rows: rows)).status == .forbidden)
            }
            let skola = try await Browser.login(client, as: "skola")
            #expect(!String(buffer: try await skola.get(client, "/uppgifter").body).contains("/uppgifter/aktiviteter"))
            let samordnare = try await Browser.login(client, as: "samordnare")
            #expect(String(buffer: try await samordnare.get(client, "/uppgifter").body).contains("href=\"/uppgifter/aktiviteter\""))
            #expect(try stored(fixture.store, 2024).count == 7)
        }
    }

    @Test func aNewYearStartsFromLastYearsUnfinishedActivitiesWhichCountAsCarriedOver() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let empty = String(buffer: try await samordnare.get(client, "/uppgifter/aktiviteter?ar=2025").body)
            #expect(empty.contains("Börja med förra årets ej avslutade aktiviteter") && empty.contains("2 av aktiviteterna 2024"))
            let offered = try await samordnare.get(client, "/uppgifter/aktiviteter?ar=2025&forra=1")
            let html = String(buffer: offered.body)
            // 2024's pågående and ej påbörjad activities, with their text and status, without comments; nothing saved yet.
            #expect(html.contains("value=\"Nano-utbildning för alla anställda\"") && html.contains("value=\"Fördjupad utbildning\""))
            #expect(!html.contains("value=\"Leda samverkan\"") && !html.contains("value=\"Ärendehantering VBE\""))
            #expect(!html.contains("Hälften av förvaltningarna klara"))
            #expect(html.contains("2 aktiviteter från 2024"))
            #expect(try stored(fixture.store, 2025).isEmpty)
            #expect(ActivityPlanForm.carriedOver(from: try stored(fixture.store, 2024)).map { "\($0.aktivitet) \($0.status) [\($0.kommentar)]" }.sorted()
                    == ["Fördjupad utbildning ej-paborjad []", "Nano-utbildning för alla anställda pagaende []"])

            // Saved as offered, plus one new activity: the report and MO3-03 count the two as carried over.
            let rows = ActivityPlanForm.carriedOver(from: try stored(fixture.store, 2024))
                + [ActivityPlanForm.Row(aktivitet: "Ny rutin", malomrade: "1", ansvarig: "Säkerhetssamordnare", status: "ej-paborjad")]
            let saved = try await samordnare.post(client, "/uppgifter/aktiviteter", Self.fields(year: 2025, version: Self.version(offered), rows: rows))
            #expect(saved.status == .seeOther)
            let activities = try fixture.store.activities(kommun: Self.kommun, year: 2025)
            #expect(activities.filter(\.carriedOver).map(\.name).sorted() == ["Fördjupad utbildning", "Nano-utbildning för alla anställda"])
            #expect(activities.first { $0.name == "Nano-utbildning för alla anställda" }?.responsible == "HR-chef")
            let report = try IndicatorEngine(store: fixture.store, definitions: DefinitionLoader.builtIn()).evaluate(kommun: Self.kommun, year: 2025)
            let carried = try #require(report.indicators.first { $0.definition.id == "MO3-03" })
            #expect(carried.value == 2 && carried.listed == ["Fördjupad utbildning", "Nano-utbildning för alla anställda"])
            // A year with activities offers nothing to start from.
            #expect(!String(buffer: try await samordnare.get(client, "/uppgifter/aktiviteter?ar=2025&forra=1").body).contains("från 2024 som varken"))
        }
    }
}
