import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// The month form: one källa's month in one form, a zero report with one box, saved with a redirect (back and reload
/// are safe), typed values kept after an error, and a save over someone else's newer one refused.
@Suite(.serialized) struct MonthFormTests {
    static let march = "/uppgifter/manad?ar=2026&manad=3&kalla=Skola"

    static func version(_ page: TestResponse) -> String {
        String(buffer: page.body).firstMatch(of: /name="version" value="([0-9a-f]*)"/).map { String($0.1) } ?? "?"
    }

    /// The month form's fields for rows of (kategori, antal, oros).
    static func fields(month: Int, version: String, rows: [(String, String, String)], none: Bool = false, action: String = "spara") -> [(String, String)] {
        var fields = [("ar", "2026"), ("manad", String(month)), ("kalla", "Skola"), ("version", version), ("atgard", action)]
        if none { fields.append(("inga", "1")) }
        for row in rows {
            fields += [("kategori[]", row.0), ("miljo[]", ""), ("omrade[]", ""), ("antal[]", row.1), ("oros[]", row.2), ("polis[]", "")]
        }
        return fields
    }

    func month(_ store: Store, _ month: Int) throws -> [String] {
        try store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2026, month: month)
            .map { "\($0.text(.source)) [\($0.text(.category))] \($0.integer(.count) ?? -1)" }.sorted()
    }

    @Test func aRapportorReportsAMonthAndAMonthWithoutSignals() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            let form = try await skola.get(client, Self.march)
            #expect(form.status == .ok)
            let html = String(buffer: form.body)
            // A row per kategori, the box for a month without signals, the months at a glance.
            #expect(html.matches(of: /name="kategori\[\]"/).count == Vocabulary.kategori.entries.count)
            #expect(html.contains("Inga signaler den här månaden"))
            #expect(html.contains("mar: saknas"))

            let saved = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: Self.version(form), rows: [
                ("klotter", "4", "1"), ("flygblad", "2", ""), ("symboler", "1", ""), ("uttalanden", "", ""),
            ]))
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            #expect(location == Self.march)
            #expect(try month(fixture.store, 3) == ["Skola [flygblad] 2", "Skola [klotter] 4", "Skola [symboler] 1"])
            // The page after the save says so once; reloading it reads it again and sends nothing.
            let after = String(buffer: try await skola.get(client, location).body)
            #expect(after.contains("Mars 2026 för Skola är sparad"))
            #expect(!String(buffer: try await skola.get(client, location).body).contains("är sparad"))
            #expect(after.contains("mar: signaler rapporterade"))
            #expect(after.contains("value=\"4\""))

            // April: no signals.
            let april = try await skola.get(client, "/uppgifter/manad?ar=2026&manad=4&kalla=Skola")
            let zero = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 4, version: Self.version(april), rows: [("klotter", "", "")], none: true))
            #expect(zero.status == .seeOther)
            #expect(try month(fixture.store, 4) == ["Skola [] 0"])
            let glance = String(buffer: try await skola.get(client, zero.headers[.location]!).body)
            #expect(glance.contains("apr: inga signaler (nollrapport)") && glance.contains("maj: saknas") && glance.contains("checked"))

            // The samordnare's overview: 0 for April, – for May.
            let samordnare = try await Browser.login(client, as: "samordnare")
            let overview = String(buffer: try await samordnare.get(client, "/?ar=2026").body)
            let row = try #require(overview.firstMatch(of: /<tr><th scope="row">Skola<\/th>.*?<\/tr>/)).0
            #expect(row.contains("<span aria-hidden=\"true\">0</span><span class=\"sr\">apr: inga signaler (nollrapport)</span>"))
            #expect(row.contains("<span aria-hidden=\"true\">–</span><span class=\"sr\">maj: saknas</span>"))
            #expect(try fixture.store.auditLog().filter { $0.action == "månadsrapport" }.map(\.user) == ["skola", "skola"])
        }
    }

    @Test func anErrorKeepsWhatWasTypedAndSavesNothing() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            let version = Self.version(try await skola.get(client, Self.march))
            let entries = try fixture.store.importLog().count
            // "No signals" and a count: refused, the count and the box still there.
            let both = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: version, rows: [("klotter", "7", "")], none: true))
            #expect(both.status == .unprocessableContent)
            var html = String(buffer: both.body)
            #expect(html.contains("Du har kryssat i &quot;Inga signaler den här månaden&quot; men fyllt i rad 1."))
            #expect(html.contains("value=\"7\"") && html.contains("checked"))
            // More orosanmälningar than signals: the importer's rule, named by the form's row.
            let more = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: version, rows: [("flygblad", "", ""), ("klotter", "2", "5")]))
            #expect(more.status == .unprocessableContent)
            html = String(buffer: more.body)
            #expect(html.contains("Rad 2, orosanmälningar:"))
            #expect(html.contains("value=\"5\""))
            // Nothing at all.
            let empty = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: version, rows: [("klotter", "", "")]))
            #expect(String(buffer: empty.body).contains("Fyll i antal för minst en kategori"))
            #expect(try fixture.store.importLog().count == entries)
            #expect(try month(fixture.store, 3).isEmpty)
        }
    }

    @Test func moreRowsUnchangedSavesAndSomeoneElsesNewerSave() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            let version = Self.version(try await skola.get(client, Self.march))
            // More rows: the same page with three more, what was typed kept, nothing saved.
            let more = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: version, rows: [("klotter", "3", "")], action: "fler"))
            #expect(more.status == .ok)
            #expect(String(buffer: more.body).matches(of: /name="kategori\[\]"/).count == 4)
            #expect(String(buffer: more.body).contains("value=\"3\""))
            #expect(try month(fixture.store, 3).isEmpty)

            let first = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: version, rows: [("klotter", "3", "")]))
            #expect(first.status == .seeOther)
            let current = Self.version(try await skola.get(client, first.headers[.location]!))
            // The same again: "inget ändrades", no new entry.
            let entries = try fixture.store.importLog().count
            let again = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: current, rows: [("klotter", "3", "")]))
            #expect(again.headers[.location] == Self.march)
            #expect(String(buffer: try await skola.get(client, again.headers[.location]!).body).contains("Inget ändrades"))
            #expect(try fixture.store.importLog().count == entries)
            // A form read before the first save would undo it silently: refused, typed values kept.
            let stale = try await skola.post(client, "/uppgifter/manad", Self.fields(month: 3, version: version, rows: [("klotter", "9", "")]))
            #expect(stale.status == .conflict)
            let html = String(buffer: stale.body)
            #expect(html.contains("någon annan sparade mars 2026 för Skola") && html.contains("Klotter: 3") && html.contains("value=\"9\""))
            #expect(try month(fixture.store, 3) == ["Skola [klotter] 3"])
        }
    }

    /// Two people save the same month from forms read at the same version at the same moment: one save lands and the
    /// other is refused as a conflict, never both (the second would silently undo the first). The version is checked
    /// in the save's own write transaction, not before it.
    @Test func twoSavesAtOnceFromTheSameVersionOneIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        let service = fixture.service()
        let skola = try #require(try fixture.store.user(named: "skola"))
        for month in 1...8 {
            let scope = SourceMonth(kommun: "2313", year: 2026, month: month, source: "Skola")
            let version = try await service.storedMonth(scope).version
            @Sendable func save(_ count: Int) async -> String {
                let report = MonthReport(month: scope, rows: [.init(kategori: "klotter", antal: String(count))], noSignals: false)
                do {
                    return try await service.saveMonth(report, version: version, by: skola, actor: .commandLine) == .unchanged ? "oförändrad" : "sparad"
                } catch is MonthReportConflict {
                    return "konflikt"
                } catch {
                    return "\(error)"
                }
            }
            async let first = save(1)
            async let second = save(2)
            #expect([await first, await second].sorted() == ["konflikt", "sparad"], "månad \(month)")
            #expect(try self.month(fixture.store, month).count == 1)
        }
    }

    @Test func aRapportorReportsOnlyForTheirOwnKalla() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            #expect(try await skola.get(client, "/uppgifter/manad?ar=2026&manad=3&kalla=Socialtj%C3%A4nst").status == .forbidden)
            var fields = Self.fields(month: 3, version: "", rows: [("klotter", "1", "")])
            fields[2] = ("kalla", "Socialtjänst")
            #expect(try await skola.post(client, "/uppgifter/manad", fields).status == .forbidden)
            // The registered spelling, whatever the case.
            #expect(try await skola.get(client, "/uppgifter/manad?ar=2026&manad=3&kalla=SKOLA").status == .ok)
            #expect(try month(fixture.store, 3).isEmpty)
        }
    }
}
