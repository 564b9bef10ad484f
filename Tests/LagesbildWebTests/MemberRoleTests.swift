import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// The role `medlem`, a member of the collaboration group: reads everything internal (every källa's and förvaltning's
/// figures, exact values, the internal preview and internal published reports), follows up the year's plan, and
/// changes no figures, accounts, registers or publications. The route matrix (``WorkspaceRouteTests``) has every
/// route's answer; these read what the pages offer and prove that a refused write leaves the database as it was.
@Suite(.serialized) struct MemberRoleTests {
    /// The links of a page's main menu, in order.
    static func menu(_ page: TestResponse) -> [String] {
        let html = String(buffer: page.body)
        guard let start = html.range(of: "<nav aria-label=\"Huvudmeny\">"), let end = html.range(of: "</nav>", range: start.upperBound..<html.endIndex)
        else { return [] }
        return html[start.upperBound..<end.lowerBound].matches(of: /href="([^"]*)"/).map { String($0.1) }
    }

    /// A page's content below the header (the header names the user).
    static func main(_ page: TestResponse) -> String {
        let html = String(buffer: page.body)
        return html.range(of: "<main").map { String(html[$0.lowerBound...]) } ?? ""
    }

    /// Every link and form target of a page.
    static func targets(_ page: TestResponse) -> [String] {
        String(buffer: page.body).matches(of: /(?:href|action)="([^"]*)"/).map { String($0.1) }
    }

    @Test func aMedlemReadsEverythingInternalAndIsOfferedNoWrite() async throws {
        let fixture = try WorkspaceFixture()
        let internalID = try fixture.store.publishReport(kommun: KommunCode("2313")!, year: 2024, internal: true, html: Data("<p>intern</p>".utf8),
                                                         sha256: "b", by: "samordnare")
        try await fixture.application().test(.router) { client in
            let medlem = try await Browser.login(client, as: "gruppen")
            let samordnare = try await Browser.login(client, as: "samordnare")
            // The menu: the figures, the year's plan (there is no Uppgifter page for a medlem), the year's lägesbild (the
            // group's texts), the reports; no uploads, imports, registers, accounts or log.
            let overview = try await medlem.get(client, "/?ar=2024")
            #expect(overview.status == .ok)
            #expect(Self.menu(overview) == ["/", "/matpunkter", "/uppgifter/aktiviteter", "/uppgifter/samverkan", "/lagesbild", "/rapporter", "/konto", "/hjalp"])
            #expect(String(buffer: overview.body).contains("gruppen (medlem)"))
            // The overview is the samordnare's, every källa and förvaltning, and offers nothing to change.
            #expect(Self.main(overview) == Self.main(try await samordnare.get(client, "/?ar=2024")))
            #expect(Self.main(overview).contains("<th scope=\"row\">Skola</th>"))
            for path in ["/?ar=2024", "/matpunkter?ar=2024", "/rapporter?ar=2024", "/konto", "/uppgifter/aktiviteter?ar=2024", "/uppgifter/samverkan?ar=2024",
                         "/lagesbild?ar=2024", "/lagesbild/text?ar=2024&avsnitt=bedomning"] {
                let page = try await medlem.get(client, path)
                #expect(page.status == .ok, "\(path): \(page.status)")
                let refused = Self.targets(page).filter { target in
                    ["/uppgifter/fil", "/uppgifter/formular", "/uppgifter/manad", "/uppgifter/mall", "/uppgifter/signal", "/uppgifter/utbildning",
                     "/importer", "/anvandare", "/register", "/logg"].contains { target == $0 || target.hasPrefix($0 + "?") || target.hasPrefix($0 + "/") }
                        || target == "/uppgifter" || target.hasSuffix("/angra") || target.hasSuffix("/ta-bort")
                }
                #expect(refused.isEmpty, "\(path) offers a medlem \(refused)")
                #expect(Self.menu(page).count == 8, "\(path)")
            }
            // The reports: the preview (internal or public), no publishing; the internal published reports too.
            let reports = String(buffer: try await medlem.get(client, "/rapporter?ar=2024").body)
            #expect(reports.contains("action=\"/rapporter/forhandsvisning\"") && reports.contains("name=\"intern\""))
            #expect(!reports.contains("action=\"/rapporter\"") && !reports.contains(">Publicera</button>"))
            #expect(reports.contains("href=\"/rapporter/\(internalID)\"") && reports.contains("internt arbetsmaterial"))
            #expect(String(buffer: try await medlem.get(client, "/rapporter/\(internalID)/html").body) == "<p>intern</p>")
            let preview = try await medlem.get(client, "/rapporter/forhandsvisning?ar=2024&intern=1")
            #expect(preview.status == .ok && String(buffer: preview.body).contains("Internt arbetsmaterial – ej röjandekontrollerat"))
            // Exact values: the measurement points' JSON is the samordnare's, not the published (masked) one.
            let exact = String(buffer: try await samordnare.get(client, "/api/matpunkter?ar=2024").body)
            let published = String(buffer: try await Browser.login(client, as: "skola").get(client, "/api/matpunkter?ar=2024").body)
            #expect(exact != published)
            #expect(String(buffer: try await medlem.get(client, "/api/matpunkter?ar=2024").body) == exact)
            // The help says what the role does.
            let help = String(buffer: try await medlem.get(client, "/hjalp").body)
            #expect(help.contains("Du är\n<strong>medlem</strong> i samverkansgruppen") && help.contains("<h2 id=\"medlem\">Gruppens medlemmar</h2>"))
        }
    }

    @Test func aMedlemsWritesOfFiguresAccountsRegistersAndPublicationsAreRefusedAndChangeNothing() async throws {
        let fixture = try WorkspaceFixture()
        let importID = try #require(try fixture.store.importLog().last).id
        let store = fixture.store
        func state() throws -> [String] {
            try [store.dataVersion(), "\(store.importLog().map { "\($0.id) \($0.undoneBy ?? 0)" })",
                 "\(store.users().map { "\($0.name) \($0.role) \($0.disabled) \($0.passwordHash)" })",
                 "\(store.publishedReports(includeInternal: true).count)", "\(store.registerNames(.kallor))",
                 "\(store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2025).count)"]
        }
        let before = try state()
        try await fixture.application().test(.router) { client in
            let medlem = try await Browser.login(client, as: "gruppen")
            let password = [("losenord", "ett-annat-långt-lösenord"), ("upprepa", "ett-annat-långt-lösenord")]
            let writes: [(String, [(String, String)])] = [
                ("/rapporter", [("ar", "2024"), ("intern", "1")]),
                ("/uppgifter/signal", [("ar", "2025"), ("manad", "3"), ("kategori", "klotter"), ("miljo", ""), ("omrade", "Centrum"),
                                       ("kalla", "Skola"), ("antal", "4"), ("oros", ""), ("polis", "1")]),
                ("/uppgifter/manad", [("ar", "2025"), ("manad", "3"), ("kalla", "Skola"), ("inga", "1")]),
                ("/importer/\(importID)/angra", []),
                ("/anvandare", [("namn", "ny-samordnare"), ("roll", "samordnare")] + password),
                ("/anvandare/losenord", [("namn", "samordnare")] + password),
                ("/anvandare/avstang", [("namn", "samordnare")]),
                ("/register/lagg-till", [("register", "kallor"), ("namn", "Egen källa")]),
            ]
            for (path, fields) in writes {
                let response = try await medlem.post(client, path, fields)
                #expect(response.status == .forbidden, "\(path): \(response.status)")
                #expect(String(buffer: response.body).contains("Du har inte behörighet till den här sidan eller åtgärden."), "\(path)")
            }
        }
        #expect(try state() == before)
        #expect(try fixture.store.auditLog().filter { $0.user == "gruppen" }.map(\.action) == ["inloggning"])
    }

    @Test func theGatesAgreeWithTheRolesCapabilities() {
        #expect(RequireRole.internalMaterial.roles == Set(WebRole.allCases.filter(\.readsInternal)))
        #expect(RequireRole.groupTexts.roles == [.samordnare, .medlem])
        #expect(RequireRole.planning.roles == [.samordnare, .medlem])
        #expect(RequireRole.signedIn.roles == Set(WebRole.allCases))
        #expect(RequireRole.reporting.roles.isSubset(of: RequireRole.figures.roles) && !RequireRole.reporting.admits(.medlem))
        #expect(WebRole.listInSwedish == "samordnare, rapportör, läsare eller medlem")
    }
}
