import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildModel
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// The registers in the browser: the samordnare adds, renames and merges names; each change redirects (reload repeats
/// nothing), a refusal keeps what was typed, and a rename is undone like an import.
@Suite(.serialized) struct RegisterPageTests {
    @Test func theSamordnareKeepsTheRegisters() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let page = String(buffer: try await samordnare.get(client, "/register").body)
            #expect(page.contains("<h2 id=\"kallor\">Källor</h2>") && page.contains("<th scope=\"row\">Skola</th>"))

            // Add a name: a redirect to the page, which says so.
            let added = try await samordnare.post(client, "/register/lagg-till", [("register", "kallor"), ("namn", "Grundskola")])
            #expect(added.status == .seeOther)
            #expect(added.headers[.location] == "/register#kallor")
            #expect(String(buffer: try await samordnare.follow(client, added).body).contains("Grundskola finns nu i registret över källor."))
            #expect(try fixture.store.registerNames(.kallor).contains("Grundskola"))

            // A near spelling of a registered name is refused, the typed text kept.
            let near = try await samordnare.post(client, "/register/lagg-till", [("register", "kallor"), ("namn", "grundskola")])
            #expect(near.status == .unprocessableContent)
            let html = String(buffer: near.body)
            #expect(html.contains("Grundskola") && html.contains("value=\"grundskola\""))

            // Rename: the rows follow, the import log has the change, undo restores the name.
            let before = try fixture.store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2024).filter { $0.text(.source) == "Skola" }.count
            let renamed = try await samordnare.post(client, "/register/byt-namn", [("register", "kallor"), ("fran", "Skola"), ("till", "Skolan Norr")])
            #expect(renamed.status == .seeOther)
            let summary = String(buffer: try await samordnare.follow(client, renamed).body)
            let entry = try #require(summary.firstMatch(of: /står i importloggen som ([0-9]+)/).flatMap { Int64($0.1) })
            #expect(try fixture.store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2024).filter { $0.text(.source) == "Skolan Norr" }.count == before)
            #expect(try fixture.store.user(named: "skola")?.kallor == ["Skolan Norr"])
            _ = try fixture.store.undo(importID: entry)
            #expect(try fixture.store.registerNames(.kallor).contains("Skola"))
            #expect(try fixture.store.user(named: "skola")?.kallor == ["Skola"])

            // Merge into a registered name.
            let merged = try await samordnare.post(client, "/register/sla-ihop", [("register", "kallor"), ("fran", "Grundskola"), ("till", "Skola")])
            #expect(merged.status == .seeOther)
            #expect(try !fixture.store.registerNames(.kallor).contains("Grundskola"))
            #expect(try fixture.store.auditLog().map(\.action).contains("register: sammanslagning"))
        }
    }
}
