import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildIngest
import LagesbildModel
import LagesbildService
import LagesbildStore
import NIOPosix
import Testing
@testable import LagesbildWeb

/// A workspace on a fresh database holding the indicator fixtures, with one account per role.
struct WorkspaceFixture {
    static let password = "ett-långt-lösenord"
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    let store: Store

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store.create(path: folder.appendingPathComponent("lagesbild.sqlite").path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
        let files = ["signaler", "befolkning", "utbildning", "samverkan", "aktiviteter"].map { Self.fixtures.appendingPathComponent("indicators/\($0).csv").path }
        _ = try Importer(store: store).importFiles(files, addingNames: true)
        let hash = Passwords.hash(Self.password)
        _ = try store.addUser(name: "samordnare", role: .samordnare, passwordHash: hash)
        _ = try store.addUser(name: "skola", role: .rapportor, passwordHash: hash, kallor: ["Skola"])
        _ = try store.addUser(name: "ledamot", role: .lasare, passwordHash: hash)
        _ = try store.addUser(name: "gruppen", role: .medlem, passwordHash: hash)
        // The tests sign in as the samordnare with the password alone; the TOTP tests switch the default (on) back.
        try store.setTOTPRequiredForSamordnare(false)
    }

    /// No Chromium: a publication is stored without a PDF (quickly), unless a test asks for one with `pdf`.
    static let noChromium = PDFSettings(chromium: "/nonexistent/chromium")

    func application(secureCookies: Bool = false, pdf: PDFSettings = noChromium) throws -> some ApplicationProtocol {
        try Workspace.application(WorkspaceConfiguration(databasePath: store.path, secureCookies: secureCookies, pdf: pdf), store: store)
    }
}

/// A browser's state in a test: its session cookie and the CSRF token of the last page read.
struct Browser {
    var cookie: String?
    var csrf: String?

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let text = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { fields[.cookie] = "lagesbild_sid=\(cookie)" }
        return fields
    }

    /// The login page's token and the cookie it is bound to (login CSRF): what a browser has before it logs in.
    static func loginForm(_ client: some TestClientProtocol) async throws -> (cookie: String, token: String) {
        let page = try await client.execute(uri: "/inloggning", method: .get)
        let cookie = page.headers[.setCookie]?.firstMatch(of: /lagesbild_login=([0-9a-f]*)/).map { String($0.1) } ?? ""
        let token = String(buffer: page.body).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) } ?? ""
        return (cookie, token)
    }

    /// One try at the login form, as a browser makes it (the login page first).
    static func attempt(_ client: some TestClientProtocol, _ name: String, _ password: String) async throws -> TestResponse {
        let form = try await loginForm(client)
        return try await client.execute(uri: "/inloggning", method: .post,
                                        headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "lagesbild_login=\(form.cookie)"],
                                        body: Self.form([("csrf", form.token), ("anvandare", name), ("losenord", password)]))
    }

    /// Logs in and reads a page to learn the session's CSRF token.
    static func login(_ client: some TestClientProtocol, as name: String, password: String = WorkspaceFixture.password) async throws -> Browser {
        var browser = Browser()
        let response = try await attempt(client, name, password)
        #expect(response.status == .seeOther, "login as \(name): \(response.status)")
        browser.cookie = cookieValue(response)
        let page = try await client.execute(uri: "/rapporter", method: .get, headers: browser.headers)
        browser.csrf = String(buffer: page.body).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) }
        return browser
    }

    static func cookieValue(_ response: TestResponse) -> String? {
        response.headers[.setCookie]?.firstMatch(of: /lagesbild_sid=([0-9a-f]*)/).map { String($0.1) }
    }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: Self.form([("csrf", csrf ?? self.csrf ?? "")] + fields))
    }

    /// What a browser shows after a POST: the answer, or after a `303 See Other` the page it was sent to (the
    /// redirect's location is checked to be a path of the workspace).
    func submit(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
        try await follow(client, try await post(client, uri, fields))
    }

    func follow(_ client: some TestClientProtocol, _ response: TestResponse) async throws -> TestResponse {
        guard response.status == .seeOther else { return response }
        let location = try #require(response.headers[.location])
        #expect(location.hasPrefix("/"))
        // A browser keeps the fragment to itself.
        return try await get(client, String(location.prefix { $0 != "#" }))
    }
}

@Suite(.serialized) struct WorkspaceRouteTests {
    enum Expect: Equatable, CustomStringConvertible {
        case ok
        case login
        case redirect(String)
        case forbidden
        var description: String {
            switch self {
            case .ok: "200"
            case .login: "302 → /inloggning"
            case .redirect(let path): "302 → \(path)"
            case .forbidden: "403"
            }
        }
    }

    /// Every route × every role (and no login): allowed, sent to the login page, or 403.
    @Test func everyRouteForEveryRole() async throws {
        let fixture = try WorkspaceFixture()
        let publicID = try fixture.store.publishReport(NewPublication(kommun: KommunCode("2313")!, year: 2024, internal: false, html: Data("<p>publik</p>".utf8),
                                                                      sha256: "a", pdf: .printed(Data("%PDF-publik".utf8), sha256: "c"),
                                                                      publishedBy: "samordnare", publishedAt: Date())).id
        let internalID = try fixture.store.publishReport(NewPublication(kommun: KommunCode("2313")!, year: 2024, internal: true, html: Data("<p>intern</p>".utf8),
                                                                        sha256: "b", pdf: .printed(Data("%PDF-intern".utf8), sha256: "d"),
                                                                        publishedBy: "samordnare", publishedAt: Date())).id
        // (method, path, [no login, samordnare, rapportör, läsare, medlem])
        let table: [(String, String, [Expect])] = [
            ("GET", "/halsa", [.ok, .ok, .ok, .ok, .ok]),
            ("GET", "/stil.css", [.ok, .ok, .ok, .ok, .ok]),
            ("GET", "/inloggning", [.ok, .ok, .ok, .ok, .ok]),
            ("GET", "/", [.login, .ok, .ok, .redirect("/rapporter"), .ok]),
            ("GET", "/?ar=2023", [.login, .ok, .ok, .redirect("/rapporter"), .ok]),
            ("GET", "/matpunkter?ar=2024", [.login, .ok, .ok, .forbidden, .ok]),
            ("GET", "/api/matpunkter?ar=2024", [.login, .ok, .ok, .forbidden, .ok]),
            ("GET", "/rapporter", [.login, .ok, .ok, .ok, .ok]),
            ("GET", "/rapporter/forhandsvisning?ar=2024", [.login, .ok, .forbidden, .forbidden, .ok]),
            // Without `bekrafta`: the confirmation step, nothing published.
            ("POST", "/rapporter", [.login, .ok, .forbidden, .forbidden, .forbidden]),
            ("GET", "/rapporter/\(publicID)", [.login, .ok, .ok, .ok, .ok]),
            ("GET", "/rapporter/\(internalID)", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("GET", "/rapporter/\(publicID)/html", [.login, .ok, .ok, .ok, .ok]),
            ("GET", "/rapporter/\(internalID)/html", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("GET", "/rapporter/\(publicID)/pdf", [.login, .ok, .ok, .ok, .ok]),
            ("GET", "/rapporter/\(internalID)/pdf", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("GET", "/uppgifter", [.login, .ok, .ok, .forbidden, .forbidden]),
            ("GET", "/uppgifter/formular", [.login, .ok, .ok, .forbidden, .forbidden]),
            ("GET", "/uppgifter/manad?ar=2024&manad=3", [.login, .ok, .ok, .forbidden, .forbidden]),
            ("GET", "/uppgifter/mall?ar=2024", [.login, .ok, .ok, .forbidden, .forbidden]),
            ("POST", "/uppgifter/manad", [.login, .redirect("status 400"), .redirect("status 400"), .forbidden, .forbidden]),
            ("GET", "/uppgifter/aktiviteter?ar=2024", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("POST", "/uppgifter/aktiviteter", [.login, .redirect("status 400"), .forbidden, .forbidden, .redirect("status 400")]),
            ("GET", "/uppgifter/samverkan?ar=2024", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("POST", "/uppgifter/samverkan", [.login, .redirect("status 400"), .forbidden, .forbidden, .redirect("status 400")]),
            ("POST", "/uppgifter/utbildning", [.login, .redirect("status 422"), .redirect("status 422"), .forbidden, .forbidden]),
            ("POST", "/uppgifter/signal/ta-bort", [.login, .redirect("status 400"), .redirect("status 400"), .forbidden, .forbidden]),
            ("POST", "/uppgifter/utbildning/ta-bort", [.login, .redirect("status 400"), .redirect("status 400"), .forbidden, .forbidden]),
            ("POST", "/uppgifter/avbryt", [.login, .redirect("/uppgifter"), .redirect("/uppgifter"), .forbidden, .forbidden]),
            ("POST", "/uppgifter/spara", [.login, .redirect("status 410"), .redirect("status 410"), .forbidden, .forbidden]),
            ("POST", "/uppgifter/nya-namn", [.login, .redirect("status 410"), .forbidden, .forbidden, .forbidden]),
            ("GET", "/lagesbild?ar=2024", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("GET", "/lagesbild/text?ar=2024&avsnitt=bedomning", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("GET", "/lagesbild/text/historik?ar=2024&avsnitt=bedomning", [.login, .ok, .forbidden, .forbidden, .ok]),
            ("POST", "/lagesbild/text", [.login, .redirect("status 400"), .forbidden, .forbidden, .redirect("status 400")]),
            ("POST", "/lagesbild/text/aterstall", [.login, .redirect("status 400"), .forbidden, .forbidden, .redirect("status 400")]),
            ("GET", "/importer", [.login, .ok, .forbidden, .forbidden, .forbidden]),
            ("POST", "/importer/999/angra", [.login, .redirect("status 409"), .forbidden, .forbidden, .forbidden]),
            ("GET", "/anvandare", [.login, .ok, .forbidden, .forbidden, .forbidden]),
            ("GET", "/register", [.login, .ok, .forbidden, .forbidden, .forbidden]),
            ("POST", "/register/lagg-till", [.login, .redirect("status 400"), .forbidden, .forbidden, .forbidden]),
            ("POST", "/register/byt-namn", [.login, .redirect("status 400"), .forbidden, .forbidden, .forbidden]),
            ("POST", "/register/sla-ihop", [.login, .redirect("status 400"), .forbidden, .forbidden, .forbidden]),
            ("GET", "/logg", [.login, .ok, .forbidden, .forbidden, .forbidden]),
            ("GET", "/konto", [.login, .ok, .ok, .ok, .ok]),
            // The second step of a sign-in: a complete one has passed it.
            ("GET", "/inloggning/kod", [.login, .redirect("/"), .redirect("/"), .redirect("/"), .redirect("/")]),
            ("POST", "/inloggning/kod", [.login, .redirect("/"), .redirect("/"), .redirect("/"), .redirect("/")]),
            ("GET", "/inloggning/aktivera", [.login, .redirect("/"), .redirect("/"), .redirect("/"), .redirect("/")]),
            ("POST", "/inloggning/aktivera", [.login, .redirect("/"), .redirect("/"), .redirect("/"), .redirect("/")]),
            // Enrolment on the own account (the GET keeps a pending secret; a POST without a code is refused).
            ("GET", "/konto/tvasteg", [.login, .ok, .ok, .ok, .ok]),
            ("POST", "/konto/tvasteg", [.login, .redirect("status 422"), .redirect("status 422"), .redirect("status 422"), .redirect("status 422")]),
            // No new codes to show; no TOTP to make new codes for.
            ("GET", "/konto/reservkoder", [.login, .redirect("/konto"), .redirect("/konto"), .redirect("/konto"), .redirect("/konto")]),
            ("POST", "/konto/reservkoder", [.login, .redirect("status 409"), .redirect("status 409"), .redirect("status 409"), .redirect("status 409")]),
            ("GET", "/hjalp", [.login, .ok, .ok, .ok, .ok]),
            // The new password's rules are checked first: too short.
            ("POST", "/konto/losenord", [.login, .redirect("status 422"), .redirect("status 422"), .redirect("status 422"), .redirect("status 422")]),
            // No sign-in chosen to end.
            ("POST", "/konto/inloggningar", [.login, .redirect("status 400"), .redirect("status 400"), .redirect("status 400"), .redirect("status 400")]),
            ("POST", "/anvandare/losenord", [.login, .redirect("status 422"), .forbidden, .forbidden, .forbidden]),
            ("POST", "/anvandare", [.login, .redirect("status 422"), .forbidden, .forbidden, .forbidden]),
            ("POST", "/anvandare/avstang", [.login, .redirect("status 404"), .forbidden, .forbidden, .forbidden]),
            ("POST", "/anvandare/tvasteg-av", [.login, .redirect("status 404"), .forbidden, .forbidden, .forbidden]),
            ("POST", "/uppgifter/signal", [.login, .redirect("status 422"), .redirect("status 422"), .forbidden, .forbidden]),
            // Not multipart: the upload cannot be read.
            ("POST", "/uppgifter/fil", [.login, .redirect("status 400"), .redirect("status 400"), .forbidden, .forbidden]),
            // Without the login page's token (these browsers send their session's).
            ("POST", "/inloggning", [.forbidden, .forbidden, .forbidden, .forbidden, .forbidden]),
            // Last: it ends the sessions.
            ("POST", "/utloggning", [.login, .login, .login, .login, .login]),
        ]
        // The table covers every route the workspace registers (HEAD is each GET's).
        let registered = Set(try Workspace.router(WorkspaceConfiguration(databasePath: fixture.store.path), store: fixture.store).routes
            .filter { $0.method != .head }.map { "\($0.method) \($0.path)" })
        let tested = Set(table.map { row in "\(row.0) \(row.1.split(separator: "?")[0].replacing(/\/[0-9]+/, with: "/{id}"))" })
        #expect(registered == tested, "not in the table: \(registered.subtracting(tested).sorted()); not registered: \(tested.subtracting(registered).sorted())")
        let app = try fixture.application()
        try await app.test(.router) { client in
            let browsers: [Browser?] = [nil, try await Browser.login(client, as: "samordnare"), try await Browser.login(client, as: "skola"),
                                        try await Browser.login(client, as: "ledamot"), try await Browser.login(client, as: "gruppen")]
            for (method, path, expectations) in table {
                for (index, expected) in expectations.enumerated() {
                    let browser = browsers[index] ?? Browser()
                    let response = method == "GET" ? try await browser.get(client, path) : try await browser.post(client, path, [("ar", "2024")])
                    let actual: Expect = switch response.status.code {
                    case 200: .ok
                    case 302, 303: response.headers[.location] == "/inloggning" ? .login : .redirect(response.headers[.location] ?? "")
                    case 403: .forbidden
                    default: .redirect("status \(response.status.code)")
                    }
                    let who = ["no login", "samordnare", "rapportör", "läsare", "medlem"][index]
                    #expect(actual == expected, "\(method) \(path) as \(who): \(actual), expected \(expected)")
                    // A refusal is the workspace's own page, in Swedish.
                    if actual == .forbidden {
                        #expect(String(buffer: response.body).contains("Du har inte behörighet till den här sidan eller åtgärden."), "\(method) \(path) as \(who)")
                    }
                }
            }
        }
    }

    @Test func headersOnEveryResponse() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            for (browser, path) in [(Browser(), "/inloggning"), (samordnare, "/"), (samordnare, "/finns-inte")] {
                let response = try await browser.get(client, path)
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("X-Lagesbild-User")!] == nil)
            }
            let missing = try await samordnare.get(client, "/finns-inte")
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains("Sidan finns inte."))
        }
    }

    @Test func sessionCookieFlagsAndANewIdAtEveryLogin() async throws {
        let fixture = try WorkspaceFixture()
        for secure in [false, true] {
            try await fixture.application(secureCookies: secure).test(.router) { client in
                let response = try await Browser.attempt(client, "samordnare", WorkspaceFixture.password)
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
                #expect(cookie.contains("Secure") == secure)
                // Behind TLS the name carries the __Host- prefix (no sibling host or plain-HTTP page can set it), and
                // only that name opens the session.
                #expect(cookie.hasPrefix("__Host-lagesbild_sid=") == secure && cookie.hasPrefix("lagesbild_sid=") == !secure)
                #expect(!cookie.contains("Domain"))
                let id = try #require(Browser.cookieValue(response))
                #expect(id.count == 64, "256 random bits as hex")
                let named = try await client.execute(uri: "/", method: .get, headers: [.cookie: "__Host-lagesbild_sid=\(id)"])
                let plain = try await client.execute(uri: "/", method: .get, headers: [.cookie: "lagesbild_sid=\(id)"])
                #expect(named.status == (secure ? .ok : .found) && plain.status == (secure ? .found : .ok))
                let again = try await Browser.login(client, as: "samordnare")
                #expect(again.cookie != id)
            }
        }
    }

    @Test func logoutEndsTheSessionOnTheServer() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            #expect(try await browser.get(client, "/").status == .ok)
            let out = try await browser.post(client, "/utloggning", [])
            #expect(out.status == .seeOther && out.headers[.location] == "/inloggning")
            // The old cookie, replayed, no longer opens anything.
            let replay = try await browser.get(client, "/")
            #expect(replay.status == .found && replay.headers[.location] == "/inloggning")
        }
        let actions = try fixture.store.auditLog().map(\.action)
        #expect(actions.contains("inloggning") && actions.contains("utloggning"))
    }

    @Test func aPostWithoutTheRightTokenIs403AndChangesNothing() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            for token in ["", "00", String(repeating: "0", count: 64)] {
                let response = try await browser.post(client, "/rapporter", [("ar", "2024")], csrf: token)
                #expect(response.status == .forbidden)
            }
            // Without any csrf field at all.
            let bare = try await client.execute(uri: "/rapporter", method: .post, headers: browser.headers, body: Browser.form([("ar", "2024")]))
            #expect(bare.status == .forbidden)
            #expect(try fixture.store.publishedReports(includeInternal: true).isEmpty)
            // Logout is a POST too.
            #expect(try await browser.post(client, "/utloggning", [], csrf: "fel").status == .forbidden)
            #expect(try await browser.get(client, "/").status == .ok)
        }
    }

    @Test func fiveFailuresBlockTheAccountAndNoMessageTellsWhetherItExists() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            func attempt(_ name: String, _ password: String) async throws -> TestResponse {
                try await Browser.attempt(client, name, password)
            }
            let unknown = try await attempt("finns-inte", "fel-losenord-123")
            let wrong = try await attempt("skola", "fel-losenord-123")
            #expect(unknown.status == .unauthorized && wrong.status == .unauthorized)
            let message = { (response: TestResponse) in String(buffer: response.body).firstMatch(of: /role="alert">([^<]*)</).map { String($0.1) } }
            #expect(message(unknown) != nil && message(unknown) == message(wrong))
            for _ in 0..<4 { _ = try await attempt("samordnare", "fel-losenord-123") }
            // The fifth failure for the account (and from the address) blocks even the right password.
            let blocked = try await attempt("samordnare", WorkspaceFixture.password)
            #expect(blocked.status == .tooManyRequests)
            #expect(message(blocked) == message(wrong))
        }
        #expect(try fixture.store.auditLog().contains { $0.action == "inloggning spärrad" && $0.user == "samordnare" })
    }

    @Test func publishStoresTheExactBytesAndServesThem() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            let published = try await browser.post(client, "/rapporter", [("ar", "2024"), ("bekrafta", "1")])
            let location = try #require(published.headers[.location])
            let served = try await browser.get(client, location + "/html")
            #expect(served.status == .ok)
            #expect(served.headers[.contentSecurityPolicy] == SecurityHeadersMiddleware.reportPolicy)
            let html = String(buffer: served.body)
            #expect(html.contains("Lägesbild 2024"))
            let id = try #require(Int64(location.split(separator: "/").last ?? ""))
            let stored = try #require(try fixture.store.publishedReportHTML(id: id))
            #expect(stored.html == Data(html.utf8))
            // The stored report never changes, whatever the database later holds.
            #expect(throws: (any Error).self) { try fixture.store.write { db in try db.execute(sql: "UPDATE published_report SET html = x'00'") } }
            let list = try await browser.get(client, "/rapporter")
            #expect(String(buffer: list.body).contains("href=\"/rapporter/\(id)\""))
        }
        #expect(try fixture.store.auditLog().contains { $0.action == "publicering" })
    }

    @Test func aSamordnareUndoesAnImportWithTheCommandLinesRules() async throws {
        let fixture = try WorkspaceFixture()
        let last = try #require(try fixture.store.importLog().last)
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            let page = try await browser.get(client, "/importer")
            #expect(String(buffer: page.body).contains("action=\"/importer/\(last.id)/angra\""))
            let undone = try await browser.post(client, "/importer/\(last.id)/angra", [])
            #expect(undone.status == .seeOther && undone.headers[.location] == "/importer")
            let shown = try await browser.follow(client, undone)
            #expect(shown.status == .ok && String(buffer: shown.body).contains("Ångrade import \(last.id):"))
            // The message is shown once: reloading the page reads it again without it.
            #expect(!String(buffer: try await browser.get(client, "/importer").body).contains("Ångrade import"))
            // Twice is refused, with the command line's words.
            let again = try await browser.post(client, "/importer/\(last.id)/angra", [])
            #expect(again.status == .conflict && String(buffer: again.body).contains("redan"))
        }
        #expect(try fixture.store.importLog().last?.action == .undo)
        #expect(try fixture.store.auditLog().contains { $0.action == "ångra" && $0.detail == "import \(last.id)" })
    }

    @Test func theOverviewNamesTheSourcesAndIsRenderedAgainAfterAnImport() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            let before = String(buffer: try await browser.get(client, "/?ar=2024").body)
            #expect(before.contains("<th scope=\"row\">Skola</th>") && !before.contains("<th scope=\"row\">Bibliotek</th>"))
            // The shared page is cached per state of the data: a new import shows at once.
            _ = try Importer(store: fixture.store).importFiles([try Self.write("år;månad;kategori;källa;antal\n2024;5;klotter;Bibliotek;1\n")], addingNames: true)
            let after = String(buffer: try await browser.get(client, "/?ar=2024").body)
            #expect(after.contains("<th scope=\"row\">Bibliotek</th>"))
        }
    }

    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func aSamordnareAddsAndDisablesAccountsInTheBrowser() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            try fixture.store.addRegisterNames(["Bibliotek"], to: .kallor)
            let created = try await samordnare.submit(client, "/anvandare", [("namn", "fritid-norr"), ("roll", "rapportor"), ("kallor", "Fritid, Bibliotek"),
                                                                          ("forvaltningar", ""), ("losenord", "ett-annat-långt-lösenord"),
                                                                          ("upprepa", "ett-annat-långt-lösenord")])
            #expect(created.status == .ok && String(buffer: created.body).contains("Skapade användaren fritid-norr (rapportör)."))
            let user = try #require(try fixture.store.user(named: "fritid-norr"))
            #expect(user.kallor == ["Fritid", "Bibliotek"] && Passwords.verify("ett-annat-långt-lösenord", hash: user.passwordHash))
            // The command line's rules: a short password, a taken name, a rapportör without scope.
            let short = try await samordnare.post(client, "/anvandare", [("namn", "kort"), ("roll", "lasare"), ("losenord", "kort"), ("upprepa", "kort")])
            #expect(short.status == .unprocessableContent && String(buffer: short.body).contains("minst 12 tecken"))
            // Every field but the passwords keeps what was typed.
            // The page offers the registers' names to tick; a ticked one stays ticked after a refusal.
            let page = String(buffer: try await samordnare.get(client, "/anvandare").body)
            #expect(page.contains("name=\"kalla[]\" value=\"Bibliotek\">") && page.contains("name=\"forvaltning[]\" value=\"Socialförvaltningen\">"))
            let refused = try await samordnare.post(client, "/anvandare", [("namn", "fritid-syd"), ("roll", "rapportor"), ("kalla[]", "Bibliotek"),
                                                                          ("forvaltning[]", "Socialförvaltningen"), ("losenord", "ett-annat-långt-lösenord"),
                                                                          ("upprepa", "ett-annat-lång-lösenord")])
            let form = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent && form.contains("Lösenorden är inte lika."))
            #expect(form.contains("name=\"namn\" type=\"text\" required maxlength=\"64\" autocomplete=\"off\" value=\"fritid-syd\""))
            #expect(form.contains("name=\"kalla[]\" value=\"Bibliotek\" checked>") && form.contains("name=\"forvaltning[]\" value=\"Socialförvaltningen\" checked>"))
            #expect(!form.contains("name=\"kalla[]\" value=\"Fritid\" checked>"))
            #expect(form.contains("<option value=\"rapportor\" selected>") && !form.contains("ett-annat-långt-lösenord"))
            let taken = try await samordnare.post(client, "/anvandare", [("namn", "skola"), ("roll", "lasare"), ("losenord", "ett-långt-lösenord"),
                                                                        ("upprepa", "ett-långt-lösenord")])
            #expect(taken.status == .conflict && String(buffer: taken.body).contains("finns redan"))
            // Disabling ends the account's sessions at once; nobody disables their own.
            let skola = try await Browser.login(client, as: "skola")
            #expect(try await skola.get(client, "/uppgifter").status == .ok)
            let disabled = try await samordnare.submit(client, "/anvandare/avstang", [("namn", "skola")])
            #expect(String(buffer: disabled.body).contains("Stängde av skola"))
            #expect(try await skola.get(client, "/uppgifter").headers[.location] == "/inloggning")
            let own = try await samordnare.post(client, "/anvandare/avstang", [("namn", "samordnare")])
            #expect(own.status == .conflict)
        }
        #expect(try fixture.store.user(named: "skola")?.disabled == true)
        #expect(try fixture.store.auditLog().contains { $0.action == "användare skapad" && $0.detail == "fritid-norr, rapportör" })
    }

    @Test func healthAndTheIndicatorsJSONContract() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let health = try await client.execute(uri: "/halsa", method: .get)
            #expect(health.status == .ok && String(buffer: health.body) == "ok\n")
            let browser = try await Browser.login(client, as: "skola")
            let json = try await browser.get(client, "/api/matpunkter?ar=2024")
            #expect(json.headers[.contentType] == "application/json; charset=utf-8")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: json.body)) as? [String: Any])
            #expect(object["year"] as? Int == 2024 && object["kommun"] as? String == "2313")
            let bad = try await browser.get(client, "/api/matpunkter?ar=tjugo")
            #expect(bad.status == .badRequest)
        }
    }
}

/// Uploads: preview as `import --dry-run`, then save; a rapportör's scope; the size limit; the CSRF token first.
@Suite(.serialized) struct WorkspaceUploadTests {
    static func multipart(_ parts: [(name: String, fileName: String?, content: String)]) -> (body: ByteBuffer, contentType: String) {
        let boundary = "----lagesbild\(UUID().uuidString)"
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let fileName = part.fileName { text += "; filename=\"\(fileName)\"\r\nContent-Type: text/csv" }
            text += "\r\n\r\n\(part.content)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return (ByteBuffer(string: text), "multipart/form-data; boundary=\(boundary)")
    }

    static func upload(_ client: some TestClientProtocol, _ browser: Browser, _ parts: [(name: String, fileName: String?, content: String)]) async throws -> TestResponse {
        let (body, contentType) = multipart(parts)
        var headers = browser.headers
        headers[.contentType] = contentType
        // A preview answers 303 to its page (post-redirect-get); a refusal is the page itself.
        return try await browser.follow(client, try await client.execute(uri: "/uppgifter/fil", method: .post, headers: headers, body: body))
    }

    static func uploadID(_ response: TestResponse) -> String? {
        String(buffer: response.body).firstMatch(of: /name="uppladdning" value="([0-9a-f]+)"/).map { String($0.1) }
    }

    @Test func previewThenSaveWithTheCommandLinesWordsAndHistory() async throws {
        let fixture = try WorkspaceFixture()
        let before = try fixture.store.importLog().count
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            // The names of an upload are registered ones (the register holds the fixture's, and this one).
            try fixture.store.addRegisterNames(["Polisen"], to: .kallor)
            let csv = "år;kategori;område;källa;antal\n2025;klotter;Centrum;Skola;4\n2025;flygblad;Hammerdal;Polisen;2\n"
            let preview = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""), ("fil", "signaler-2025.csv", csv)])
            #expect(preview.status == .ok)
            #expect(String(buffer: preview.body).contains("signaler-2025.csv: signaler – 2 nya, 0 ersatta, 0 oförändrade rader."))
            #expect(try fixture.store.importLog().count == before, "a preview writes nothing")
            let id = try #require(Self.uploadID(preview))
            let saved = try await browser.submit(client, "/uppgifter/spara", [("uppladdning", id)])
            #expect(saved.status == .ok && String(buffer: saved.body).contains("<p class=\"done\">Sparat</p>"))
            // Reloading the page after saving only reads it; Back to the preview says it was saved.
            let reloaded = String(buffer: try await browser.get(client, "/uppgifter").body)
            #expect(!reloaded.contains("Sparat") && !reloaded.contains("Inget sparades"))
            let back = try await browser.get(client, "/uppgifter?granska=\(id)")
            #expect(back.status == .ok && String(buffer: back.body).contains("Förhandsgranskningen är redan sparad") && Self.uploadID(back) == nil)
            let log = try fixture.store.importLog()
            #expect(log.count == before + 1 && log.last?.fileName == "signaler-2025.csv")
            // The same upload cannot be saved twice; the same content again changes nothing, as on the command line.
            let twice = try await browser.submit(client, "/uppgifter/spara", [("uppladdning", id)])
            #expect(twice.status == .ok && String(buffer: twice.body).contains("Uppladdningen är redan sparad"))
            #expect(try fixture.store.importLog().count == before + 1)
            let again = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""), ("fil", "kopia.csv", csv)])
            #expect(String(buffer: again.body).contains("kopia.csv: inget ändrades: filen var redan inläst (import \(before + 1))."))
            // Saving it says that nothing changed, not "Sparat".
            let same = try await browser.submit(client, "/uppgifter/spara", [("uppladdning", try #require(Self.uploadID(again)))])
            #expect(String(buffer: same.body).contains("<p class=\"done\">Inget ändrades: filen var redan inläst</p>"))
            // Another session's or an expired preview is gone.
            let gone = try await browser.post(client, "/uppgifter/spara", [("uppladdning", "0123")])
            #expect(gone.status == .gone && String(buffer: gone.body).contains("Förhandsgranskningen finns inte längre"))
        }
        #expect(try fixture.store.auditLog().contains { $0.action == "spara" && $0.detail.hasPrefix("signaler-2025.csv") })
    }

    /// What Excel on Windows writes ("CSV (semikolonavgränsad)"): Windows-1252 with CRLF line ends, sent by a browser that
    /// gives the whole Windows path as its name. It is kept byte for byte, named by its last part, and read as the command
    /// line reads the same file.
    @Test func aFileFromExcelOnWindowsArrivesByteForByte() async throws {
        let fixture = try WorkspaceFixture()
        let text = "år;månad;kategori;område;källa;antal\r\n" + (1...12).map { "2025;\($0);klotter;Östra Ström;Skola;\($0 + 4)\r\n" }.joined()
        let file = try #require(text.data(using: .windowsCP1252))
        try fixture.store.addRegisterNames(["Östra Ström"], to: .omraden)
        let boundary = "----WebKitFormBoundaryExcel"
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n")
            body.writeString("\(browser.csrf ?? "")\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"C:\\Users\\samordnare\\signaler.csv\"\r\n"
                             + "Content-Type: text/csv\r\n\r\n")
            body.writeBytes(file)
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = browser.headers
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let preview = try await browser.follow(client, try await client.execute(uri: "/uppgifter/fil", method: .post, headers: headers, body: body))
            #expect(String(buffer: preview.body).contains("signaler.csv: signaler (teckenkodning Windows-1252) – 12 nya, 0 ersatta, 0 oförändrade rader."))
            // The file kept for saving is the one sent, byte for byte.
            let folder = URL(fileURLWithPath: fixture.store.path).deletingLastPathComponent().appendingPathComponent(".lagesbild-uppladdningar")
            let kept = try FileManager.default.contentsOfDirectory(atPath: folder.path).map { folder.appendingPathComponent($0).appendingPathComponent("1.upload") }
            #expect(try kept.map { try Data(contentsOf: $0) } == [file])
            let id = try #require(Self.uploadID(preview))
            #expect(try await browser.submit(client, "/uppgifter/spara", [("uppladdning", id)]).status == .ok)
        }
        let rows = try fixture.store.read { db in try Row.fetchAll(db, sql: "SELECT omrade, antal FROM signal WHERE ar = 2025 AND omrade = 'Östra Ström' ORDER BY manad") }
        #expect(rows.map { $0["antal"] as Int } == Array(5...16))
    }

    @Test func aBadFileShowsEveryErrorWithLineAndNothingIsSaved() async throws {
        let fixture = try WorkspaceFixture()
        let before = try fixture.store.importLog().count
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            let response = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""),
                                                                   ("fil", "fel.csv", "år;kategori;antal\n2025;klotter;-3\n2025;graffiti;1\n")])
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            #expect(html.contains("fel.csv, rad 2: kolumnen &quot;antal&quot;: &quot;-3&quot; är inte ett icke-negativt heltal"))
            #expect(html.contains("fel.csv, rad 3: kolumnen &quot;kategori&quot;: okänt värde &quot;graffiti&quot;"))
            #expect(html.contains("Inget sparades: rätta felen och försök igen.") && !html.contains("kommandot"))
            #expect(Self.uploadID(response) == nil)
            // An empty file is refused as the command line refuses it, not dropped without a word.
            let empty = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""), ("fil", "tom.csv", "")])
            #expect(empty.status == .unprocessableContent && String(buffer: empty.body).contains("tom.csv: filen är tom"))
        }
        #expect(try fixture.store.importLog().count == before)
    }

    @Test func aRapportorReportsOnlyTheirOwnKallaAndKinds() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "skola")
            let other = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""),
                                                                ("fil", "s.csv", "år;kategori;källa;antal\n2025;klotter;skola;1\n2025;klotter;Polisen;2\n")])
            #expect(other.status == .unprocessableContent)
            #expect(String(buffer: other.body).contains("s.csv, rad 3: kolumnen &quot;källa&quot;: &quot;Polisen&quot; är inte din; ditt konto rapporterar bara för &quot;Skola&quot;"))
            let kind = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""), ("fil", "b.csv", "år;invånare\n2025;11000\n")])
            #expect(String(buffer: kind.body).contains("b.csv, rad 1: filen är av typen befolkning, som ditt konto inte rapporterar"))
            // Without a källa column the rows get the rapportör's.
            let own = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""), ("fil", "egen.csv", "år;kategori;antal\n2025;symboler;6\n")])
            let id = try #require(Self.uploadID(own))
            #expect(try await browser.submit(client, "/uppgifter/spara", [("uppladdning", id)]).status == .ok)
            // Another session cannot save someone's upload.
            let other2 = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""), ("fil", "egen2.csv", "år;kategori;antal\n2025;uttalanden;6\n")])
            let id2 = try #require(Self.uploadID(other2))
            let samordnare = try await Browser.login(client, as: "samordnare")
            #expect(try await samordnare.post(client, "/uppgifter/spara", [("uppladdning", id2)]).status == .gone)
        }
        let rows = try fixture.store.read { db in try String.fetchAll(db, sql: "SELECT kalla FROM signal WHERE ar = 2025 AND kategori = 'symboler'") }
        #expect(rows == ["Skola"])
        #expect(try fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signal WHERE kategori = 'uttalanden' AND ar = 2025") } == 0)
    }

    @Test func aRowByFormGoesThroughTheValidatorAndAReplacementIsKeptInHistory() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await Browser.login(client, as: "skola")
            let form = try await browser.get(client, "/uppgifter/formular?ar=2025")
            #expect(form.status == .ok && String(buffer: form.body).contains("<option value=\"Skola\">Skola</option>"))
            let row: [(String, String)] = [("ar", "2025"), ("manad", "3"), ("kategori", "klotter"), ("miljo", ""), ("omrade", "Centrum"),
                                           ("kalla", "Skola"), ("antal", "4"), ("oros", ""), ("polis", "1")]
            // Saved: a redirect to the month's rows (reload and Back send nothing again), which say what was saved once.
            let posted = try await browser.post(client, "/uppgifter/signal", row)
            #expect(posted.status == .seeOther && posted.headers[.location] == "/uppgifter/formular?ar=2025&manad=3")
            let saved = try await browser.follow(client, posted)
            #expect(String(buffer: saved.body).contains("Sparat: 1 ny rad, 0 ersatta, 0 oförändrade."))
            #expect(!String(buffer: try await browser.get(client, "/uppgifter/formular?ar=2025&manad=3").body).contains("Sparat: 1 ny rad"))
            // The same key again with another count replaces the row; the old value goes to history.
            let replaced = try await browser.submit(client, "/uppgifter/signal", row.map { $0.0 == "antal" ? ("antal", "6") : $0 })
            #expect(String(buffer: replaced.body).contains("Sparat: 0 nya rader, 1 ersatt, 0 oförändrade. De tidigare värdena finns kvar i historiken."))
            // Refused like a file's row: a count that is not a count, another källa, a part over the whole.
            let bad = try await browser.post(client, "/uppgifter/signal", row.map { $0.0 == "antal" ? ("antal", "-1") : $0 == ("kalla", "Skola") ? ("kalla", "Polisen") : $0 })
            let html = String(buffer: bad.body)
            #expect(bad.status == .unprocessableContent)
            #expect(html.contains("raden i formuläret: kolumnen &quot;antal&quot;: &quot;-1&quot; är inte ett icke-negativt heltal"))
            #expect(html.contains("raden i formuläret: kolumnen &quot;källa&quot;: &quot;Polisen&quot; är inte din"))
            // What was typed stays in the form.
            #expect(html.contains("value=\"-1\"") && html.contains("value=\"Centrum\"") && html.contains("value=\"1\""))
        }
        let values = try fixture.store.read { db in try Int.fetchAll(db, sql: "SELECT antal FROM signal WHERE ar = 2025 AND manad = 3 AND kalla = 'Skola'") }
        let history = try fixture.store.read { db in try Int.fetchAll(db, sql: "SELECT antal FROM signal_history WHERE ar = 2025 AND manad = 3 AND kalla = 'Skola'") }
        #expect(values == [6] && history == [4])
    }

    /// A month's rows are listed with Ändra (the stored values in a form whose key cannot change; saving replaces the
    /// row and keeps the old values in history) and Ta bort (kept in history, undone from the import log); a
    /// rapportör sees and changes only its own källor's rows.
    @Test func aMonthsRowsAreListedAndCanBeChangedAndRemoved() async throws {
        let fixture = try WorkspaceFixture()
        _ = try Importer(store: fixture.store).importFiles([try Self.file("mars.csv", """
            år;månad;kategori;miljö;område;källa;antal;orosanmälningar
            2025;3;klotter;höger;Norra Öst & Väst;Skola;4;1
            2025;3;flygblad;;;Polis;2;
            2025;4;klotter;;;Skola;9;
            """)], addingNames: true)
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            let march = String(buffer: try await skola.get(client, "/uppgifter/formular?ar=2025&manad=3").body)
            #expect(march.contains("Sparade signalrader för mars 2025"))
            #expect(march.contains("<td>Klotter</td><td>Högerextrem</td><td>Norra Öst &amp; Väst</td><td>Skola</td><td>4</td><td>1</td><td></td>"))
            // Another källa's row and another month's row are not the rapportör's to see here.
            #expect(!march.contains("<td>Polis</td>") && !march.contains("<td>9</td>"))
            let link = try #require(march.firstMatch(of: /href="(\/uppgifter\/formular\?[^"]*andra=signal[^"]*)"/).map { String($0.1) })
            #expect(link == "/uppgifter/formular?ar=2025&amp;manad=3&amp;andra=signal&amp;kategori=klotter&amp;miljo=hoger&amp;omrade=Norra%20%C3%96st%20%26%20V%C3%A4st&amp;kalla=Skola#andra-signal")
            let edit = String(buffer: try await skola.get(client, link.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "#andra-signal", with: "")).body)
            #expect(edit.contains("Ändra raden för mars 2025"))
            #expect(edit.contains("<dd>Norra Öst &amp; Väst</dd>") && edit.contains("name=\"antal\" type=\"number\" min=\"0\" required value=\"4\""))
            #expect(edit.contains("<input type=\"hidden\" name=\"miljo\" value=\"hoger\">"))
            // Saving the changed count replaces the row.
            let key: [(String, String)] = [("ar", "2025"), ("manad", "3"), ("kategori", "klotter"), ("miljo", "hoger"), ("omrade", "Norra Öst & Väst"), ("kalla", "Skola")]
            let saved = try await skola.submit(client, "/uppgifter/signal", key + [("antal", "5"), ("oros", "1"), ("polis", "")])
            #expect(saved.status == .ok && String(buffer: saved.body).contains("Sparat: 0 nya rader, 1 ersatt"))
            #expect(String(buffer: saved.body).contains("<td>Skola</td><td>5</td>"))
            // The rapportör cannot remove the police's row (403), nor ask to change it.
            let police: [(String, String)] = [("ar", "2025"), ("manad", "3"), ("kategori", "flygblad"), ("miljo", ""), ("omrade", ""), ("kalla", "Polis")]
            #expect(try await skola.post(client, "/uppgifter/signal/ta-bort", police).status == .forbidden)
            #expect(try await skola.get(client, "/uppgifter/formular?ar=2025&manad=3&andra=signal&kategori=flygblad&miljo=&omrade=&kalla=Polis").status == .notFound)
            // Removing its own row.
            let removed = try await skola.submit(client, "/uppgifter/signal/ta-bort", key)
            #expect(removed.status == .ok && String(buffer: removed.body).contains("Raden togs bort."))
            #expect(!String(buffer: removed.body).contains("<td>Norra Öst &amp; Väst</td>"))
            #expect(try await skola.post(client, "/uppgifter/signal/ta-bort", key).status == .notFound)
            // The samordnare sees the removal in the import log and undoes it.
            let samordnare = try await Browser.login(client, as: "samordnare")
            let log = try fixture.store.importLog()
            let removal = try #require(log.last)
            #expect(removal.fileName == "formulär för signaler: borttagning" && removal.rowsDeleted == 1)
            #expect(String(buffer: try await samordnare.get(client, "/importer").body).contains("borttagning"))
            #expect(try await samordnare.submit(client, "/importer/\(removal.id)/angra", []).status == .ok)
            let back = String(buffer: try await samordnare.get(client, "/uppgifter/formular?ar=2025&manad=3").body)
            #expect(back.contains("<td>Norra Öst &amp; Väst</td><td>Skola</td><td>5</td>") && back.contains("<td>Polis</td>"))
            // Training rows of the year, by förvaltning: the samordnare removes one.
            let training: [(String, String)] = [("ar", "2023"), ("forvaltning", "Socialförvaltningen"), ("utbildning", "grund")]
            #expect(String(buffer: try await samordnare.get(client, "/uppgifter/formular?ar=2023").body).contains("<td>Socialförvaltningen</td><td>"))
            #expect(try await samordnare.submit(client, "/uppgifter/utbildning/ta-bort", training).status == .ok)
        }
        let history = try fixture.store.read { db in try Int.fetchAll(db, sql: "SELECT antal FROM signal_history WHERE ar = 2025 AND kalla = 'Skola' ORDER BY id") }
        // The replaced value stays in history; the removed row came back out of it with the undo.
        #expect(history == [4])
        #expect(try fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM utbildning WHERE ar = 2023 AND forvaltning = 'Socialförvaltningen'") } == 0)
        #expect(try fixture.store.check().isSound)
        let actions = try fixture.store.auditLog(limit: 50).map(\.action)
        #expect(actions.filter { $0 == "formulär: borttagning" }.count == 2)
    }

    static func file(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-\(UUID().uuidString)-\(name)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func overTheLimitIs413AndTheTokenMustComeFirst() async throws {
        let fixture = try WorkspaceFixture()
        let before = try fixture.store.importLog().count
        let app = try Workspace.application(WorkspaceConfiguration(databasePath: fixture.store.path, maxUpload: 2_000), store: fixture.store)
        try await app.test(.router) { client in
            let browser = try await Browser.login(client, as: "samordnare")
            let large = "år;kategori;antal\n" + String(repeating: "2025;klotter;1\n", count: 300)
            let tooLarge = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? ""), ("fil", "stor.csv", large)])
            #expect(tooLarge.status == .contentTooLarge)
            // The upload page again, with its form and the limit in words.
            let page = String(buffer: tooLarge.body)
            #expect(page.contains("Filen är för stor: högst 2 kB per uppladdning.") && page.contains("id=\"fil\""))
            // A form without a file (a browser requires one; a script may not send it) says so.
            let none = try await Self.upload(client, browser, [("csrf", nil, browser.csrf ?? "")])
            #expect(none.status == .badRequest && String(buffer: none.body).contains("Välj minst en fil."))
            let small = "år;kategori;antal\n2025;klotter;1\n"
            #expect(try await Self.upload(client, browser, [("fil", "a.csv", small), ("csrf", nil, browser.csrf ?? "")]).status == .forbidden)
            #expect(try await Self.upload(client, browser, [("csrf", nil, "fel"), ("fil", "a.csv", small)]).status == .forbidden)
            #expect(try await Self.upload(client, browser, [("fil", "a.csv", small)]).status == .forbidden)
        }
        #expect(try fixture.store.importLog().count == before)
        // Nothing is left beside the database.
        let folder = URL(fileURLWithPath: fixture.store.path).deletingLastPathComponent().appendingPathComponent(".lagesbild-uppladdningar")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty)
    }
}

/// Uploads are imported on a thread of their own at nice 10, so pages keep their priority; the rest of the process keeps its.
@Suite struct BackgroundPriorityTests {
    static func niceOfThisThread() -> Int? {
        // /proc/thread-self/stat: the 19th field is the nice value (after the parenthesised command name).
        guard let stat = try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 16 ? Int(fields[16]) : nil
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/thread-self/stat")))
    func importsRunAtLowerPriorityAndNothingElseDoes() async throws {
        let before = Self.niceOfThisThread()
        let inside = try await background { Self.niceOfThisThread() }
        let pooled = try await NIOThreadPool.singleton.runIfActive { Self.niceOfThisThread() }
        #expect(inside == (before ?? 0) + 10, "nice inside: \(String(describing: inside)), before: \(String(describing: before))")
        // The pages' threads are not lowered (GCD may set its own nice per quality of service, never the import's 10).
        #expect((pooled ?? 10) < (inside ?? 0) && Self.niceOfThisThread() == before, "pooled \(String(describing: pooled))")
    }
}
