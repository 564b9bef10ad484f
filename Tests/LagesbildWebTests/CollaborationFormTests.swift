import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// Samverkan in one form per year: actors from the register (the samordnare adds a new one from the page), typ and
/// meetings, saved like the activity plan (replace the year, undoable, redirect, kept values, a stale save refused), by
/// the samordnare or a member of the group (who adds no names to the register).
@Suite(.serialized) struct CollaborationFormTests {
    static let kommun = KommunCode("2313")!
    static let page = "/uppgifter/samverkan?ar=2024"

    static func fields(year: Int = 2024, version: String, rows: [CollaborationForm.Row], action: String = "spara", newName: String? = nil) -> [(String, String)] {
        [("ar", String(year)), ("version", version), ("atgard", action)] + (newName.map { [("ny", $0)] } ?? [])
            + rows.flatMap { [("aktor[]", $0.aktor), ("typ[]", $0.typ), ("moten[]", $0.moten)] }
    }

    func stored(_ store: Store, _ year: Int = 2024) throws -> [String] {
        try store.storedRows(kind: .samverkan, kommun: Self.kommun, year: year).map(CollaborationForm.Row.init)
            .map { "\($0.aktor) \($0.typ) \($0.moten)" }
    }

    @Test func theSamordnareSavesTheYearSameAgainChangesNothingAndUndoBringsItBack() async throws {
        let fixture = try WorkspaceFixture()
        let before = try stored(fixture.store)
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let form = try await samordnare.get(client, Self.page)
            #expect(form.status == .ok)
            let html = String(buffer: form.body)
            #expect(html.matches(of: /name="aktor\[\]"/).count == 4 + CollaborationController.extraRows)
            #expect(html.contains("<option value=\"Polisen\" selected>Polisen</option>"))
            let rows = [CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "8"),
                        CollaborationForm.Row(aktor: "Socialförvaltningen", typ: "forvaltning", moten: "10"), CollaborationForm.Row()]
            let saved = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: MonthFormTests.version(form), rows: rows))
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            #expect(location == Self.page)
            #expect(try stored(fixture.store) == ["Polisen myndighet 8", "Socialförvaltningen forvaltning 10"])
            let reloaded = try await samordnare.get(client, location)
            #expect(String(buffer: reloaded.body).contains("Samverkan 2024 är sparad"))

            let entries = try fixture.store.importLog().count
            let again = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: MonthFormTests.version(reloaded), rows: rows))
            #expect(again.headers[.location] == Self.page)
            #expect(String(buffer: try await samordnare.get(client, Self.page).body).contains("Inget ändrades"))
            #expect(try fixture.store.importLog().count == entries)

            let entry = try #require(try fixture.store.importLog().last { $0.kind == .samverkan })
            #expect(entry.fileName == "samverkan 2024" && entry.rowsDeleted == 4)
            _ = try fixture.store.undo(importID: entry.id)
            #expect(try stored(fixture.store) == before)
        }
    }

    @Test func anErrorKeepsWhatWasTypedAndAStaleSaveIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let version = MonthFormTests.version(try await samordnare.get(client, Self.page))
            let rows = [CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "3"), CollaborationForm.Row(aktor: "Svenska kyrkan", moten: "5"),
                        CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "7")]
            let refused = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: rows))
            #expect(refused.status == .unprocessableContent)
            let html = String(buffer: refused.body)
            #expect(html.contains("Samverkan sparades inte.") && html.contains("Rad 2, typ:") && html.contains("Rad 3: samma aktör som rad 1"))
            #expect(html.contains("value=\"5\"") && html.contains("value=\"7\"") && html.contains("<option value=\"Svenska kyrkan\" selected>"))
            #expect(try stored(fixture.store).count == 4)

            let first = [CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "9")]
            #expect(try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: first)).status == .seeOther)
            let stale = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: [CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "11")]))
            #expect(stale.status == .conflict)
            #expect(String(buffer: stale.body).contains("någon annan sparade samverkan 2024") && String(buffer: stale.body).contains("Polisen: 9 möten")
                    && String(buffer: stale.body).contains("value=\"11\""))
            #expect(try stored(fixture.store) == ["Polisen myndighet 9"])
        }
    }

    @Test func theSamordnareAddsANewActorToTheRegisterFromThePage() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let version = MonthFormTests.version(try await samordnare.get(client, Self.page))
            let rows = [CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "6"), CollaborationForm.Row()]
            let added = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: rows, action: "ny-aktor", newName: "Räddningstjänsten"))
            #expect(added.status == .ok)
            var html = String(buffer: added.body)
            #expect(html.contains("&quot;Räddningstjänsten&quot; är tillagd i registret över samverkansaktörer och står på rad 2"))
            #expect(html.contains("<option value=\"Räddningstjänsten\" selected>") && html.contains("value=\"6\""))
            #expect(try await fixture.service().registerNames(.aktorer).contains("Räddningstjänsten"))
            #expect(try fixture.store.auditLog().contains { $0.action == "register: nytt namn" })
            // The same name in another spelling is the registered one.
            let again = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: rows, action: "ny-aktor", newName: "polisen"))
            html = String(buffer: again.body)
            #expect(html.contains("&quot;Polisen&quot; fanns redan i registret") && html.contains("står på rad 1"))
            let empty = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: rows, action: "ny-aktor", newName: " "))
            #expect(empty.status == .unprocessableContent && String(buffer: empty.body).contains("Aktören lades inte till"))
            let saved = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: [
                CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "6"), CollaborationForm.Row(aktor: "Räddningstjänsten", typ: "myndighet", moten: "2"),
            ]))
            #expect(saved.status == .seeOther)
            #expect(try stored(fixture.store) == ["Polisen myndighet 6", "Räddningstjänsten myndighet 2"])
        }
    }

    @Test func aFormWithEveryRowEmptiedEmptiesTheYearAndUndoBringsItBack() async throws {
        let fixture = try WorkspaceFixture()
        let before = try stored(fixture.store)
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let version = MonthFormTests.version(try await samordnare.get(client, Self.page))
            let emptied = try await samordnare.post(client, "/uppgifter/samverkan", Self.fields(version: version, rows: [CollaborationForm.Row(), CollaborationForm.Row()]))
            #expect(emptied.status == .seeOther)
            #expect(try stored(fixture.store).isEmpty)
            #expect(try stored(fixture.store, 2023).count == 2)
            let entry = try #require(try fixture.store.importLog().last { $0.kind == .samverkan })
            #expect(entry.rowsDeleted == 4 && entry.rowsInserted == 0)
            _ = try fixture.store.undo(importID: entry.id)
            #expect(try stored(fixture.store) == before)
        }
    }

    @Test func theSamordnareAndTheGroupsMembersKeepSamverkan() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let medlem = try await Browser.login(client, as: "gruppen")
            let form = try await medlem.get(client, Self.page)
            #expect(form.status == .ok)
            // A medlem keeps no register: no field for a new actor, and the page's action for one is refused.
            #expect(!String(buffer: form.body).contains("Lägg till i registret"))
            let adding = Self.fields(version: MonthFormTests.version(form), rows: [CollaborationForm.Row()], action: "ny-aktor", newName: "Egen")
            let refused = try await medlem.post(client, "/uppgifter/samverkan", adding)
            #expect(refused.status == .forbidden && String(buffer: refused.body).contains("Du har inte behörighet"))
            let rows = [CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "9")]
            let saved = try await medlem.post(client, "/uppgifter/samverkan", Self.fields(version: MonthFormTests.version(form), rows: rows))
            #expect(saved.status == .seeOther)
            #expect(try stored(fixture.store) == ["Polisen myndighet 9"])
            _ = try fixture.store.undo(importID: try #require(try fixture.store.importLog().last { $0.kind == .samverkan }).id)
            for name in ["skola", "ledamot"] {
                let browser = try await Browser.login(client, as: name)
                #expect(try await browser.get(client, Self.page).status == .forbidden)
                let fields = Self.fields(version: "", rows: [CollaborationForm.Row(aktor: "Polisen", typ: "myndighet", moten: "1")], action: "ny-aktor", newName: "Egen")
                #expect(try await browser.post(client, "/uppgifter/samverkan", fields).status == .forbidden)
            }
            #expect(try stored(fixture.store).count == 4)
            #expect(try await fixture.service().registerNames(.aktorer).contains("Egen") == false)
        }
    }
}

/// Two saves of the same year from forms read at the same version at the same moment: one lands, the other is refused.
@Suite struct YearFormRaceTests {
    @Test func twoSavesAtOnceFromTheSameVersionOneIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        let service = fixture.service()
        for year in 2030...2035 {
            let version = try await service.storedYear(.samverkan, year: year).version
            @Sendable func save(_ meetings: Int) async -> String {
                let form = CollaborationForm(year: year, rows: [.init(aktor: "Polisen", typ: "myndighet", moten: String(meetings))])
                do {
                    return try await service.saveCollaboration(form, version: version, actor: .commandLine) == .unchanged ? "oförändrad" : "sparad"
                } catch is YearFormConflict {
                    return "konflikt"
                } catch {
                    return "\(error)"
                }
            }
            async let first = save(1)
            async let second = save(2)
            #expect([await first, await second].sorted() == ["konflikt", "sparad"], "år \(year)")
            #expect(try fixture.store.storedRows(kind: .samverkan, kommun: KommunCode("2313")!, year: year).count == 1)
        }
    }
}

extension WorkspaceFixture {
    func service() -> WorkspaceService { WorkspaceService(store: store) }
}
