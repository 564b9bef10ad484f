import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildIngest
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// The findings of the security test of the workspace (issue 22), each reproduced: every test here failed on the code
/// the test was run against.
@Suite(.serialized) struct SecurityFindingsTests {
    /// Every object in a JSON tree.
    static func objects(_ value: Any) -> [[String: Any]] {
        if let object = value as? [String: Any] { return [object] + object.values.flatMap(objects) }
        if let array = value as? [Any] { return array.flatMap(objects) }
        return []
    }

    static func json(_ response: TestResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body))
    }

    // 1. A rapportör (any non-samordnare) gets the published, masked figures: a masked value is null, and so is
    // every change, p-value and trend computed from it.
    @Test func aRapportorsJSONHidesEveryMaskedValue() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let exact = Self.objects(try Self.json(try await samordnare.get(client, "/api/matpunkter?ar=2024")))
            // The samordnare's JSON is the exact one: masked cells keep their values (the precondition of the test).
            #expect(exact.contains { $0["suppressed"] as? Bool == true && !($0["value"] is NSNull) && $0["value"] != nil })
            let skola = try await Browser.login(client, as: "skola")
            let published = Self.objects(try Self.json(try await skola.get(client, "/api/matpunkter?ar=2024")))
            let masked = published.filter { $0["suppressed"] as? Bool == true }
            #expect(!masked.isEmpty)
            for object in masked {
                #expect(object["value"] is NSNull, "a masked value is published as null: \(object)")
                for derived in ["change_abs", "change_rel", "p_value", "trend"] where object[derived] != nil {
                    #expect(object[derived] is NSNull, "\(derived) of a masked value: \(object)")
                }
            }
            for object in published where object["previous_suppressed"] as? Bool == true {
                #expect(object["previous"] is NSNull, "a masked earlier value: \(object)")
                #expect(object["trend"] == nil || object["trend"] is NSNull)
            }
        }
    }

    // 2. A rapportör's rows are their own municipality's: a file naming another kommun is refused.
    @Test func aRapportorCannotReportForAnotherMunicipality() async throws {
        let fixture = try WorkspaceFixture()
        let before = try fixture.store.importLog().count
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            let csv = "kommun;år;kategori;källa;antal\n2313;2025;klotter;Skola;1\n2303;2025;klotter;Skola;1100\n"
            let response = try await WorkspaceUploadTests.upload(client, skola, [("csrf", nil, skola.csrf ?? ""), ("fil", "lan.csv", csv)])
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("lan.csv, rad 3: kolumnen &quot;kommun&quot;: &quot;2303&quot; är inte din kommun"))
        }
        #expect(try fixture.store.importLog().count == before)
        #expect(try fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signal WHERE kommun = '2303'") } == 0)
    }

    // 3. The spelling stored is the registered one: "skola", "SKOLA" and "Skóla" are the rapportör's "Skola".
    @Test func aRapportorsSpellingOfTheirSourceIsStoredAsRegistered() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            let csv = "år;månad;kategori;källa;antal\n2025;1;klotter;skola;1\n2025;2;klotter;SKOLA;2\n2025;3;klotter;Skóla;3\n"
            let preview = try await WorkspaceUploadTests.upload(client, skola, [("csrf", nil, skola.csrf ?? ""), ("fil", "s.csv", csv)])
            let id = try #require(WorkspaceUploadTests.uploadID(preview), "\(String(buffer: preview.body))")
            _ = try await skola.post(client, "/uppgifter/spara", [("uppladdning", id)])
            // The rapportör sees (and may change) all three rows.
            let march = String(buffer: try await skola.get(client, "/uppgifter/formular?ar=2025&manad=3").body)
            #expect(march.contains("<td>Skola</td><td>3</td>"))
        }
        let sources = try fixture.store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT kalla FROM signal WHERE ar = 2025 AND manad BETWEEN 1 AND 3") }
        #expect(sources == ["Skola"])
    }

    // 4. No one floods the audit log: a login name is cut to 100 characters before anything is stored, and a blocked
    // account is logged once per block.
    @Test func theAuditLogCannotBeFloodedFromTheLoginForm() async throws {
        let fixture = try WorkspaceFixture()
        let before = try fixture.store.auditLog(limit: 1000).count
        try await fixture.application().test(.router) { client in
            let long = String(repeating: "x", count: 100_000)
            for _ in 0..<12 {
                _ = try await Browser.attempt(client, long, "fel-losenord-123")
            }
        }
        let entries = try fixture.store.auditLog(limit: 1000).dropLast(before)
        #expect(entries.allSatisfy { $0.user.count <= 100 }, "\(entries.map(\.user.count))")
        // Five failures, then one entry for the block (not one per blocked try).
        #expect(entries.filter { $0.action == "misslyckad inloggning" }.count == 5)
        #expect(entries.filter { $0.action == "inloggning spärrad" }.count == 1)
    }

    @Test func throttleEntriesExpire() async throws {
        let throttle = LoginThrottle()
        let start = Date()
        for index in 0..<1000 { await throttle.recordFailure(account: "namn-\(index)", address: "10.0.0.\(index % 250)", now: start) }
        #expect(await throttle.entryCount > 0)
        _ = await throttle.decide(account: "någon", address: "127.0.0.1", now: start.addingTimeInterval(LoginThrottle.window + 1))
        #expect(await throttle.entryCount == 0)
    }

    @Test func theLogIsPaginatedAndFilteredInTheDatabase() async throws {
        let fixture = try WorkspaceFixture()
        for index in 0..<250 {
            try fixture.store.audit(user: index % 2 == 0 ? "skola" : "polis", address: "lokal", action: "spara", detail: "fil \(index)",
                                    at: Date(timeIntervalSince1970: 1_760_000_000 + Double(index) * 3600))
        }
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let first = String(buffer: try await samordnare.get(client, "/logg").body)
            #expect(first.matches(of: /<tr><td>/).count == 100, "one page holds 100 entries")
            #expect(first.contains("href=\"/logg?sida=2\""))
            let filtered = String(buffer: try await samordnare.get(client, "/logg?anvandare=polis&sida=2").body)
            #expect(filtered.matches(of: /<tr><td>/).count == 25)
            #expect(!filtered.contains("<td>skola</td>"))
            let bad = try await samordnare.get(client, "/logg?fran=igar")
            #expect(bad.status == .badRequest)
        }
    }

    // 6. At most 20 files per upload; previews are kept a few per session and removed at logout.
    @Test func anUploadHoldsAtMostTwentyFilesAndPreviewsEndWithTheSession() async throws {
        let fixture = try WorkspaceFixture()
        let folder = URL(fileURLWithPath: fixture.store.path).deletingLastPathComponent().appendingPathComponent(".lagesbild-uppladdningar")
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let parts = [("csrf", nil as String?, samordnare.csrf ?? "")] + (1...21).map { ("fil", "f\($0).csv" as String?, "år;kategori;antal\n2025;klotter;\($0)\n") }
            let many = try await WorkspaceUploadTests.upload(client, samordnare, parts)
            #expect(many.status == .contentTooLarge)
            #expect(String(buffer: many.body).contains("Högst 20 filer per uppladdning"))
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty)
            for index in 1...7 {
                let response = try await WorkspaceUploadTests.upload(client, samordnare, [("csrf", nil, samordnare.csrf ?? ""),
                                                                                          ("fil", "f.csv", "år;kategori;antal\n2025;klotter;\(index)\n")])
                #expect(response.status == .ok)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == UploadStore.perSession)
            _ = try await samordnare.post(client, "/utloggning", [])
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }

    // 7. A password change ends the account's sessions, also one made on the command line (another process).
    @Test func aPasswordChangeEndsTheAccountsSessions() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let skola = try await Browser.login(client, as: "skola")
            #expect(try await skola.get(client, "/uppgifter").status == .ok)
            // What `lagesbild user passwd` does, in its own process, on the same database.
            let other = try Store.open(path: fixture.store.path)
            try other.setPasswordHash(Passwords.hash("ett-nytt-långt-lösenord"), forUser: "skola")
            #expect(try await skola.get(client, "/uppgifter").headers[.location] == "/inloggning")
        }
    }

    // Login CSRF: a login form posted from another site (without the token of the login page) is refused.
    @Test func aLoginWithoutTheLoginPagesTokenIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/inloggning", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: Browser.form([("anvandare", "samordnare"), ("losenord", WorkspaceFixture.password)]))
            #expect(response.status == .forbidden)
            #expect(response.headers[.setCookie]?.contains("lagesbild_sid=") != true)
        }
    }

    // CSRF is checked by route, never skipped for a content type: a multipart body is accepted only by the upload.
    @Test func aMultipartPostSkipsNoCheck() async throws {
        let fixture = try WorkspaceFixture()
        let last = try #require(try fixture.store.importLog().last)
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            for path in ["/importer/\(last.id)/angra", "/utloggning", "/rapporter"] {
                let (body, contentType) = WorkspaceUploadTests.multipart([("ar", nil, "2024")])
                var headers = samordnare.headers
                headers[.contentType] = contentType
                let response = try await client.execute(uri: path, method: .post, headers: headers, body: body)
                #expect(response.status == .forbidden || response.status == .unsupportedMediaType, "\(path): \(response.status)")
            }
            // Still logged in, nothing undone, nothing published.
            #expect(try await samordnare.get(client, "/").status == .ok)
        }
        #expect(try fixture.store.importLog().last?.action == .import)
        #expect(try fixture.store.publishedReports(includeInternal: true).isEmpty)
    }

    @Test func headAnswersOnEveryGetRoute() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            for path in ["/", "/matpunkter", "/rapporter", "/uppgifter", "/logg", "/halsa", "/inloggning"] {
                let response = try await client.execute(uri: path, method: .head, headers: samordnare.headers)
                #expect(response.status == .ok, "HEAD \(path): \(response.status)")
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func badPercentEncodingIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let body = ByteBuffer(string: "csrf=\(samordnare.csrf ?? "")&namn=%ZZ&roll=lasare&losenord=ett-langt-losenord&upprepa=ett-langt-losenord")
            let response = try await client.execute(uri: "/anvandare", method: .post, headers: samordnare.headers, body: body)
            #expect(response.status == .badRequest)
        }
        #expect(try fixture.store.users().count == 4)
    }

    @Test func bidiControlsAreRefusedInLabels() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let samordnare = try await Browser.login(client, as: "samordnare")
            let csv = "år;kategori;område;källa;antal\n2025;klotter;Cent\u{202E}rum;Skola;4\n"
            let response = try await WorkspaceUploadTests.upload(client, samordnare, [("csrf", nil, samordnare.csrf ?? ""), ("fil", "b.csv", csv)])
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("b.csv, rad 2: kolumnen &quot;område&quot;: texten innehåller ett styrtecken (U+202E)"))
        }
    }
}

/// Errors that are not the user's: a Swedish page with the security headers, the cause logged, and the status that
/// tells a client what to do (503 with Retry-After when the database is busy, 507 when the disk is full).
@Suite struct ErrorPageTests {
    struct Failure: Error {}

    static func answer(to error: any Error) async throws -> (TestResponse, [String]) {
        let lines = LogLines()
        let router = Router(context: WorkspaceContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware(views: try Views(), log: { line in lines.append(line) }))
        router.get("/fel") { _, _ -> Response in throw error }
        let response = try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/fel", method: .get)
        }
        return (response, lines.all)
    }

    final class LogLines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func aBusyDatabaseIs503WithRetryAfter() async throws {
        let (response, log) = try await Self.answer(to: DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked"))
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers[.retryAfter] == "5")
        #expect(response.headers[.contentSecurityPolicy] != nil && response.headers[.xContentTypeOptions] == "nosniff")
        #expect(String(buffer: response.body).contains("Databasen är upptagen just nu"))
        #expect(log.contains { $0.contains("database is locked") })
    }

    @Test func aFullDiskIs507() async throws {
        let (response, _) = try await Self.answer(to: DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"))
        #expect(response.status.code == 507)
        #expect(String(buffer: response.body).contains("Disken är full"))
    }

    @Test func anyOtherErrorIsA500PageWithItsCauseLogged() async throws {
        let (response, log) = try await Self.answer(to: Failure())
        #expect(response.status == .internalServerError)
        #expect(response.headers[.contentSecurityPolicy] != nil)
        #expect(String(buffer: response.body).contains("Något gick fel"))
        #expect(log.contains { $0.contains("Failure") })
    }
}

/// Connections that send nothing (or half a request) are closed, so they cannot hold the server's resources.
@Suite(.timeLimit(.minutes(2))) struct ConnectionTimeoutTests {
    @Test func anIdleConnectionIsClosed() async throws {
        try ContinueTests.requireLocalhost()
        let fixture = try WorkspaceFixture()
        var configuration = WorkspaceConfiguration(databasePath: fixture.store.path, port: 0)
        configuration.idleTimeout = .seconds(1)
        let app = try Workspace.application(configuration, store: fixture.store)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Half a request head, then nothing: the server closes the connection (recv reads the end, 0) within its
            // timeout, rather than leaving it open until ours (recv fails with EAGAIN).
            let closed = await Task.detached { () -> Bool in Self.serverCloses(port: port, head: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", within: 5) }.value
            #expect(closed)
        }
    }

    static func serverCloses(port: Int, head: String, within seconds: Int) -> Bool {
        guard let socket = try? ContinueTests.connected(port: port) else { return false }
        defer { close(socket) }
        _ = head.withCString { Foundation.send(socket, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return false }
        }
    }
}
