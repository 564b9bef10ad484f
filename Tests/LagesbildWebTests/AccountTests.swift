import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildIngest
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// Passwords in the browser: one's own (with the current one, throttled), another account's (the samordnare);
/// either ends that account's other sessions.
@Suite(.serialized) struct AccountTests {
    static let newPassword = "en-helt-ny-mening-att-minnas"

    static func message(_ response: TestResponse) -> String? {
        String(buffer: response.body).firstMatch(of: /<p class="(?:error|done)">([^<]*)</).map { String($0.1) }
    }

    @Test func everyRoleChangesItsOwnPasswordAndItsOtherSessionsEnd() async throws {
        let fixture = try WorkspaceFixture()
        // A server each: the throttle counts the failures below by address too.
        for name in ["skola", "ledamot", "samordnare"] {
            try await fixture.application().test(.router) { client in
                let browser = try await Browser.login(client, as: name)
                let other = try await Browser.login(client, as: name)
                let page = try await browser.get(client, "/konto")
                #expect(page.status == .ok && String(buffer: page.body).contains("autocomplete=\"current-password\""))
                func change(_ current: String, _ new: String, _ repeated: String) async throws -> TestResponse {
                    try await browser.post(client, "/konto/losenord", [("nuvarande", current), ("losenord", new), ("upprepa", repeated)])
                }
                // Refused, each with its sentence and 422; the form is shown again (no password in it).
                let wrong = try await change("fel-lösenord-igen", Self.newPassword, Self.newPassword)
                #expect(wrong.status == .unprocessableContent && Self.message(wrong) == "Det nuvarande lösenordet stämmer inte.")
                let differ = try await change(WorkspaceFixture.password, Self.newPassword, Self.newPassword + "x")
                #expect(differ.status == .unprocessableContent && Self.message(differ) == "Lösenorden är inte lika.")
                #expect(!String(buffer: differ.body).contains(Self.newPassword))
                let short = try await change(WorkspaceFixture.password, "kort", "kort")
                #expect(short.status == .unprocessableContent && Self.message(short) == "Lösenordet ska ha minst 12 tecken.")
                let long = String(repeating: "å", count: 37)
                let tooLong = try await change(WorkspaceFixture.password, long, long)
                #expect(tooLong.status == .unprocessableContent && (Self.message(tooLong) ?? "").contains("högst 72 byte"))
                // Changed: 303 to the account page, which says so once; this browser stays signed in, the other does not.
                let changed = try await change(WorkspaceFixture.password, Self.newPassword, Self.newPassword)
                #expect(changed.status == .seeOther && changed.headers[.location] == "/konto")
                let shown = try await browser.follow(client, changed)
                #expect(Self.message(shown) == "Lösenordet är bytt. Kontots andra inloggningar avslutades.")
                #expect(Self.message(try await browser.get(client, "/konto")) == nil)
                #expect(try await other.get(client, "/konto").headers[.location] == "/inloggning")
                #expect(try await Browser.attempt(client, name, WorkspaceFixture.password).status == .unauthorized)
                _ = try await Browser.login(client, as: name, password: Self.newPassword)
                let user = try #require(try fixture.store.user(named: name))
                #expect(Passwords.verify(Self.newPassword, hash: user.passwordHash))
            }
        }
        let log = try fixture.store.auditLog(limit: 200)
        #expect(log.filter { $0.action == AuditAction.ownPasswordChanged.rawValue }.map(\.detail).sorted() == ["ledamot", "samordnare", "skola"])
        #expect(log.filter { $0.action == AuditAction.passwordChangeRefused.rawValue }.count == 3)
    }

    @Test func wrongCurrentPasswordsAreThrottledAsSigningInIs() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "skola")
            for _ in 0..<LoginThrottle.limit {
                let wrong = try await browser.post(client, "/konto/losenord", [("nuvarande", "fel-lösenord-igen"), ("losenord", Self.newPassword),
                                                                               ("upprepa", Self.newPassword)])
                #expect(wrong.status == .unprocessableContent)
            }
            // Now even the right one waits.
            let blocked = try await browser.post(client, "/konto/losenord", [("nuvarande", WorkspaceFixture.password), ("losenord", Self.newPassword),
                                                                             ("upprepa", Self.newPassword)])
            #expect(blocked.status == .tooManyRequests)
        }
        let user = try #require(try fixture.store.user(named: "skola"))
        #expect(Passwords.verify(WorkspaceFixture.password, hash: user.passwordHash))
        #expect(try fixture.store.auditLog().contains { $0.action == AuditAction.signInBlocked.rawValue && $0.user == "skola" })
    }

    @Test func theSamordnareSetsAnotherAccountsPassword() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let skola = try await Browser.login(client, as: "skola")
            let page = String(buffer: try await samordnare.get(client, "/anvandare").body)
            let choices = try #require(page.firstMatch(of: /id="n-konto" name="namn">(.*?)<\/select>/)).1
            #expect(choices.contains("<option value=\"skola\">skola</option>") && !choices.contains("samordnare"))
            #expect(!page.contains("lagesbild user"))
            // A mismatch keeps the chosen account; one's own is not set here.
            let differ = try await samordnare.post(client, "/anvandare/losenord", [("namn", "skola"), ("losenord", Self.newPassword), ("upprepa", "annat")])
            #expect(differ.status == .unprocessableContent && String(buffer: differ.body).contains("<option value=\"skola\" selected>skola</option>"))
            #expect(String(buffer: differ.body).contains("Lösenorden är inte lika."))
            let own = try await samordnare.post(client, "/anvandare/losenord", [("namn", "samordnare"), ("losenord", Self.newPassword),
                                                                                ("upprepa", Self.newPassword)])
            #expect(own.status == .conflict)
            let unknown = try await samordnare.post(client, "/anvandare/losenord", [("namn", "ingen"), ("losenord", Self.newPassword),
                                                                                    ("upprepa", Self.newPassword)])
            #expect(unknown.status == .notFound)
            let set = try await samordnare.submit(client, "/anvandare/losenord", [("namn", "skola"), ("losenord", Self.newPassword),
                                                                                  ("upprepa", Self.newPassword)])
            #expect(set.status == .ok && String(buffer: set.body).contains("Nytt lösenord för skola; kontots inloggningar avslutades."))
            #expect(try await skola.get(client, "/uppgifter").headers[.location] == "/inloggning")
            #expect(try await samordnare.get(client, "/anvandare").status == .ok)
            _ = try await Browser.login(client, as: "skola", password: Self.newPassword)
        }
        #expect(try fixture.store.auditLog().contains { $0.action == AuditAction.passwordChanged.rawValue && $0.user == "samordnare" && $0.detail == "skola" })
    }
}

/// The pages' words and habits: help for every role, local times, no command line, a save's message once.
@Suite(.serialized) struct PageHabitTests {
    @Test func theHelpPageSpeaksToEveryRoleAndEveryPageLinksIt() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            for (name, sentence, start) in [("skola", "Du är <strong>rapportör</strong>", "/"), ("samordnare", "Du är\n<strong>samordnare</strong>", "/"),
                                            ("ledamot", "Du är\n<strong>läsare</strong>", "/rapporter")] {
                let browser = try await Browser.login(client, as: name)
                let help = String(buffer: try await browser.get(client, "/hjalp").body)
                #expect(help.contains(sentence), "\(name)")
                #expect(help.contains("Inga signaler den här månaden") && help.contains("kommunfullmäktige (KF)"))
                #expect(help.contains("<a href=\"/hjalp\" aria-current=\"page\">Hjälp</a>"))
                for path in [start, "/rapporter", "/konto"] {
                    #expect(String(buffer: try await browser.get(client, path).body).contains("href=\"/hjalp\""), "\(name) \(path)")
                }
            }
            // The login page has a short public part, and no command.
            let login = String(buffer: try await client.execute(uri: "/inloggning", method: .get).body)
            #expect(login.contains("Konto får du av kommunens samordnare") && !login.contains("lagesbild user"))
        }
    }

    /// No page speaks the command line or a file's technicalities where there is none.
    @Test func noPageSpeaksTheCommandLine() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let forbidden: [Regex<Substring>] = [#/lagesbild (?:user|import|imports|undo|serve|init|mall|report|passwd)\b/#, #/kör kommandot/#,
                                                 #/\(UTF-8/#, #/--[a-z]{3,}/#, #/<code>lagesbild/#]
            let login = String(buffer: try await client.execute(uri: "/inloggning", method: .get).body)
            var pages = [("inloggning", login)]
            let samordnare = try await Browser.login(client, as: "samordnare")
            for path in ["/", "/uppgifter", "/uppgifter/formular", "/matpunkter", "/importer", "/rapporter", "/anvandare", "/logg", "/konto", "/hjalp",
                         "/importer/999", "/rapporter/forhandsvisning?ar=1995"] {
                pages.append((path, String(buffer: try await samordnare.get(client, path).body)))
            }
            let skola = try await Browser.login(client, as: "skola")
            let preview = try await WorkspaceUploadTests.upload(client, skola, [("csrf", nil, skola.csrf ?? ""),
                                                                                ("fil", "s.csv", "år;kategori;antal\n2025;klotter;1\n")])
            pages.append(("förhandsgranskning", String(buffer: preview.body)))
            let saved = try await skola.submit(client, "/uppgifter/spara", [("uppladdning", try #require(WorkspaceUploadTests.uploadID(preview)))])
            pages.append(("sparat", String(buffer: saved.body)))
            let bad = try await WorkspaceUploadTests.upload(client, skola, [("csrf", nil, skola.csrf ?? ""), ("fil", "f.csv", "år;kategori;antal\n2025;x;-1\n")])
            pages.append(("fel", String(buffer: bad.body)))
            pages.append(("ångra saknas", String(buffer: try await samordnare.post(client, "/importer/999/angra", []).body)))
            for (name, html) in pages {
                for pattern in forbidden { #expect(html.firstMatch(of: pattern) == nil, "\(name): \(html.firstMatch(of: pattern).map { String($0.0) } ?? "")") }
            }
        }
    }

    /// A save's message waits for the page it was meant for (the stylesheet or another page does not take it), is
    /// shown there once, and belongs to the session that saved.
    @Test func aSavesMessageIsShownOnceOnItsOwnPage() async throws {
        let fixture = try WorkspaceFixture()
        let last = try #require(try fixture.store.importLog().last)
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            let other = try await Browser.login(client, as: "samordnare")
            let undone = try await browser.post(client, "/importer/\(last.id)/angra", [])
            #expect(undone.status == .seeOther && undone.headers[.location] == "/importer")
            _ = try await browser.get(client, "/stil.css")
            #expect(!String(buffer: try await browser.get(client, "/uppgifter").body).contains("Ångrade import"))
            #expect(!String(buffer: try await other.get(client, "/importer").body).contains("Ångrade import"))
            let shown = String(buffer: try await browser.get(client, "/importer").body)
            #expect(shown.contains("<div role=\"status\" class=\"flash\"><p class=\"done\">Ångrade import \(last.id):"))
            #expect(!String(buffer: try await browser.get(client, "/importer").body).contains("Ångrade import"))
        }
    }

    /// Times as Swedish local time, summer time included; the log's days are local days.
    @Test func timesAreSwedishLocalTimeAndTheLogsDaysAreLocalDays() async throws {
        let fixture = try WorkspaceFixture()
        let utc = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!)
        try fixture.store.write { db in
            for (at, detail) in [("2026-03-28T22:59:00Z", "lördag kväll"), ("2026-03-28T23:30:00Z", "söndag natt"), ("2026-03-29T01:30:00Z", "efter bytet"),
                                 ("2026-03-29T22:00:00Z", "måndag")] {
                try db.audit(user: "test", address: "lokal", action: "spara", detail: detail, at: try utc.parse(at))
            }
        }
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            let day = String(buffer: try await browser.get(client, "/logg?anvandare=test&fran=2026-03-29&till=2026-03-29").body)
            #expect(day.contains("<td>2026-03-29 00:30</td>") && day.contains("<td>2026-03-29 03:30</td>"))
            #expect(!day.contains("lördag kväll") && !day.contains("måndag") && day.contains("söndag natt") && day.contains("efter bytet"))
            let all = String(buffer: try await browser.get(client, "/logg?anvandare=test").body)
            #expect(all.contains("<td>2026-03-28 23:59</td>") && all.contains("<td>2026-03-30 00:00</td>"))
            #expect(try await browser.get(client, "/logg?fran=2026-02-30x").status == .badRequest)
            // The import log and the overview: the fixture's imports, at their local minute.
            let entry = try #require(try fixture.store.importLog().last)
            let local = SwedishTime.minute(utc: entry.importedAt)
            #expect(String(buffer: try await browser.get(client, "/importer").body).contains("<td>\(local)</td>"))
            #expect(String(buffer: try await browser.get(client, "/?ar=2024").body).contains("<td>\(local)</td>"))
            let users = String(buffer: try await browser.get(client, "/anvandare").body)
            let created = try #require(try fixture.store.user(named: "skola")).createdAt
            #expect(users.contains("<th scope=\"col\">Skapat</th>") && users.contains("<td>\(SwedishTime.minute(utc: created))</td>"))
        }
    }
}

/// ASVS 3.3.4: a person sees where their account is signed in and ends one or all of the other sign-ins; never
/// another account's, never by a session id shown on the page.
@Suite(.serialized) struct OwnSessionsTests {
    static func handles(_ page: String) -> [String] {
        page.matches(of: /name="inloggning" value="([0-9a-f]{32})"/).map { String($0.1) }
    }

    @Test func aPersonSeesTheirSignInsAndEndsTheOthers() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let here = try await Browser.login(client, as: "skola")
            let there = try await Browser.login(client, as: "skola")
            let elsewhere = try await Browser.login(client, as: "skola")
            let samordnare = try await Browser.login(client, as: "samordnare")
            let samordnareElsewhere = try await Browser.login(client, as: "samordnare")

            let page = String(buffer: try await here.get(client, "/konto").body)
            #expect(page.contains("Dina inloggningar") && page.contains("den här webbläsaren") && page.contains("<td>lösenord</td>"))
            #expect(page.matches(of: /<tr><td>\d{4}-\d\d-\d\d \d\d:\d\d<\/td>/).count == 3, "three sign-ins of skola, none of the samordnare's")
            let handles = Self.handles(page)
            #expect(handles.count == 2, "a button for each other sign-in, none for this one")
            for id in [here.cookie, there.cookie, elsewhere.cookie, samordnare.cookie].compactMap({ $0 }) {
                #expect(!page.contains(id), "no session id on the page")
            }

            // Another account's sign-in is not ended by its handle.
            let theirs = try #require(Self.handles(String(buffer: try await samordnare.get(client, "/konto").body)).first)
            let refused = try await here.post(client, "/konto/inloggningar", [("inloggning", theirs)])
            #expect(refused.status == .seeOther)
            #expect(String(buffer: try await here.get(client, "/konto").body).contains("Den inloggningen fanns inte längre"))
            #expect(try await samordnareElsewhere.get(client, "/").status == .ok)

            // One of the others ended: exactly one of the two browsers is signed out, this one is not.
            let one = try await here.post(client, "/konto/inloggningar", [("inloggning", handles[0])])
            #expect(one.status == .seeOther && one.headers[.location] == "/konto")
            #expect(String(buffer: try await here.get(client, "/konto").body).contains("Inloggningen är avslutad."))
            let alive = [try await there.get(client, "/uppgifter").status, try await elsewhere.get(client, "/uppgifter").status]
            #expect(alive.sorted { $0.code < $1.code } == [.ok, .found])

            // Every other one: only this browser is left.
            _ = try await here.post(client, "/konto/inloggningar", [("inloggning", "alla")])
            let after = String(buffer: try await here.get(client, "/konto").body)
            #expect(after.contains("Dina andra inloggningar (1) är avslutade.") && Self.handles(after).isEmpty)
            #expect(try await there.get(client, "/uppgifter").status == .found)
            #expect(try await elsewhere.get(client, "/uppgifter").status == .found)
            #expect(try await here.get(client, "/uppgifter").status == .ok)
            #expect(try await samordnareElsewhere.get(client, "/").status == .ok)
        }
        let ended = try fixture.store.auditLog().filter { $0.action == "egna inloggningar avslutade" }
        #expect(ended.map(\.user) == ["skola", "skola"] && ended.map(\.detail).sorted() == ["alla andra (1)", "en"])
    }
}
