import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LagesbildModel
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// TOTP (RFC 6238) computed here from the Base32 secret a page shows, with swift-crypto's HMAC: independent of the
/// code under test (HummingbirdOTP), and checked against the RFC's own vectors first.
enum IndependentTOTP {
    static func decodeBase32(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = [], buffer = 0, bits = 0
        for character in text.uppercased() where character != "=" && character != " " {
            buffer = buffer << 5 | alphabet.firstIndex(of: character)!
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }

    static func code(key: [UInt8], at date: Date, digits: Int = 6) -> String {
        let counter = UInt64(date.timeIntervalSince1970 / 30)
        let message = (0..<8).map { UInt8((counter >> (8 * (7 - $0))) & 0xFF) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let offset = Int(mac[19] & 0x0F)
        let value = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(value % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    static func code(base32: String, at date: Date = Date()) -> String { code(key: decodeBase32(base32), at: date) }
}

@Suite(.serialized) struct TwoFactorTests {
    /// RFC 6238 appendix B (SHA-1, the 20-byte secret "12345678901234567890"): the test's own TOTP and the service's.
    @Test func bothImplementationsGiveTheRFCsVectors() throws {
        let key = Array("12345678901234567890".utf8)
        let vectors: [(TimeInterval, String)] = [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                                                  (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")]
        let secret = try #require(TOTPSecret(bytes: key))
        for (time, expected) in vectors {
            #expect(IndependentTOTP.code(key: key, at: Date(timeIntervalSince1970: time), digits: 8) == expected)
            let six = String(expected.suffix(6))
            #expect(IndependentTOTP.code(key: key, at: Date(timeIntervalSince1970: time)) == six)
            #expect(WorkspaceService.matchingStep(secret, typed: six, now: Date(timeIntervalSince1970: time)) == Int64(time / 30))
        }
        #expect(secret.base32 == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(secret.authenticatorURL(account: "samordnare")
            == "otpauth://totp/lagesbild:samordnare?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=lagesbild")
        // One step of skew either way, not two.
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        for (offset, accepted) in [(-60.0, false), (-30.0, true), (30.0, true), (60.0, false)] {
            let code = IndependentTOTP.code(key: key, at: now.addingTimeInterval(offset))
            #expect((WorkspaceService.matchingStep(secret, typed: code, now: now) != nil) == accepted, "offset \(offset)")
        }
        #expect(String(describing: secret) == "TOTPSecret(20 byte)")
        // New secrets: 20 bytes of 7 random bits, different each time.
        let secrets = (0..<50).map { _ in TOTPSecret.random() }
        #expect(Set(secrets.map(\.base32)).count == 50 && secrets.allSatisfy { $0.bytes.count == 20 && $0.base32.count == 32 })
    }

    static func secret(in page: TestResponse) throws -> String {
        let html = String(buffer: page.body)
        return try #require(html.firstMatch(of: /<code class="secret">([A-Z2-7 ]+)<\/code>/).map { String($0.1).replacing(" ", with: "") })
    }

    static func recoveryCodes(in page: TestResponse) -> [String] {
        String(buffer: page.body).matches(of: /<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code><\/li>/).map { String($0.1) }
    }

    static func message(_ response: TestResponse) -> String? {
        String(buffer: response.body).firstMatch(of: /<p class="error"[^>]*>([^<]*)</).map { String($0.1) }
    }

    /// The password step: a browser halfway (its cookie, and the CSRF token of the page it was sent to).
    static func password(_ client: some TestClientProtocol, as name: String) async throws -> (browser: Browser, response: TestResponse) {
        let response = try await Browser.attempt(client, name, WorkspaceFixture.password)
        var browser = Browser(cookie: Browser.cookieValue(response))
        if let location = response.headers[.location], location.hasPrefix("/inloggning/") {
            let page = try await browser.get(client, location)
            browser.csrf = String(buffer: page.body).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) }
        }
        return (browser, response)
    }

    /// The code step; a complete sign-in returns the new session's browser and the page it lands on.
    static func code(_ client: some TestClientProtocol, _ browser: Browser, _ code: String) async throws
        -> (browser: Browser, response: TestResponse, landing: TestResponse?) {
        let response = try await browser.post(client, "/inloggning/kod", [("kod", code)])
        guard response.status == .seeOther, let cookie = Browser.cookieValue(response), let location = response.headers[.location] else {
            return (browser, response, nil)
        }
        var signedIn = Browser(cookie: cookie)
        let landing = try await signedIn.get(client, location)
        signedIn.csrf = String(buffer: landing.body).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) }
        return (signedIn, response, landing)
    }

    /// Enrols `name` on its account page; returns the secret, the recovery codes and the code that confirmed it.
    static func enrol(_ client: some TestClientProtocol, as name: String, store: Store) async throws -> (secret: String, codes: [String], confirmed: String) {
        let browser = try await Browser.login(client, as: name)
        let account = try await browser.get(client, "/konto")
        #expect(String(buffer: account.body).contains("<a href=\"/konto/tvasteg\">Slå på tvåstegsverifiering</a>"))
        let page = try await browser.get(client, "/konto/tvasteg")
        #expect(page.status == .ok && String(buffer: page.body).contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let secret = try Self.secret(in: page)
        // Read again, the page shows the same secret: it is the session's until confirmed.
        #expect(try Self.secret(in: try await browser.get(client, "/konto/tvasteg")) == secret)
        // Nothing is stored before the code confirms it.
        #expect(try store.user(named: name)?.hasTOTP == false)
        let right = IndependentTOTP.code(base32: secret)
        let wrong = String(format: "%06d", (Int(right)! + 500_000) % 1_000_000)
        let refused = try await browser.post(client, "/konto/tvasteg", [("kod", wrong)])
        #expect(refused.status == .unprocessableContent && Self.message(refused) == "Koden stämmer inte; skriv de sex siffror som appen visar just nu.")
        #expect(try Self.secret(in: refused) == secret)
        let enabled = try await browser.post(client, "/konto/tvasteg", [("kod", right)])
        #expect(enabled.status == .seeOther && enabled.headers[.location] == "/konto/reservkoder")
        let shown = try await browser.follow(client, enabled)
        let codes = Self.recoveryCodes(in: shown)
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(String(buffer: shown.body).contains("Tvåstegsverifiering är påslagen."))
        // Shown once.
        #expect(try await browser.get(client, "/konto/reservkoder").headers[.location] == "/konto")
        #expect(String(buffer: try await browser.get(client, "/konto").body).contains("10 av 10 reservkoder är oanvända"))
        return (secret, codes, right)
    }

    @Test func enrolSignInWithACodeReplayFailsAndAPasswordAloneIsNotEnough() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let other = try await Browser.login(client, as: "skola")
            let (secret, _, confirmed) = try await Self.enrol(client, as: "skola", store: fixture.store)
            let user = try #require(try fixture.store.user(named: "skola"))
            #expect(user.hasTOTP)
            // The stored secret is the one the page showed.
            let stored = try #require(try fixture.store.read { db in try db.totp(userID: user.id) })
            #expect(TwoFactor.base32(stored.secret) == secret)
            // The account's session opened without the second factor ended.
            #expect(try await other.get(client, "/").headers[.location] == "/inloggning")

            // The password alone: halfway, and the workspace's pages send the browser to the code.
            let (half, response) = try await Self.password(client, as: "skola")
            #expect(response.status == .seeOther && response.headers[.location] == "/inloggning/kod")
            for path in ["/", "/konto", "/rapporter", "/uppgifter"] {
                let refused = try await half.get(client, path)
                #expect(refused.status == .found && refused.headers[.location] == "/inloggning/kod", "\(path)")
            }
            let page = try await half.get(client, "/inloggning/kod")
            #expect(page.status == .ok && String(buffer: page.body).contains("autocomplete=\"one-time-code\""))
            // The code that switched TOTP on is not accepted again (the code itself, not the current step's: a step may
            // have passed meanwhile on a loaded machine).
            let replay = try await Self.code(client, half, confirmed)
            #expect(replay.response.status == .unauthorized && Self.message(replay.response) == "Koden har redan använts; vänta på nästa kod i appen.")
            // A code of an hour ago (six digits, so a TOTP code, not a recovery code).
            let wrong = try await Self.code(client, half, IndependentTOTP.code(base32: secret, at: Date().addingTimeInterval(-3600)))
            #expect(wrong.response.status == .unauthorized && Self.message(wrong.response) == "Koden stämmer inte; skriv de sex siffror som appen visar just nu.")
            // The next step's code (one step of skew) completes the sign-in, in a new session.
            let next = IndependentTOTP.code(base32: secret, at: Date().addingTimeInterval(30))
            let (signedIn, done, _) = try await Self.code(client, half, next)
            #expect(done.status == .seeOther && done.headers[.location] == "/" && signedIn.cookie != half.cookie)
            #expect(try await signedIn.get(client, "/").status == .ok)
            #expect(try await half.get(client, "/").headers[.location] == "/inloggning")
            // The same code again, in another sign-in: a replay.
            let (again, _) = try await Self.password(client, as: "skola")
            #expect(try await Self.code(client, again, next).response.status == .unauthorized)
        }
        let log = try fixture.store.auditLog()
        #expect(log.contains { $0.action == "tvåstegsverifiering påslagen" && $0.user == "skola" && $0.detail == "skola" })
        #expect(log.contains { $0.action == "inloggning" && $0.user == "skola" && $0.detail == "lokalt + TOTP" })
        #expect(log.filter { $0.action == "misslyckad inloggning" && $0.user == "skola" }.map(\.detail)
            == ["TOTP-koden redan använd", "fel TOTP-kod", "TOTP-koden redan använd"])
        #expect(log.contains { $0.action == "inloggning" && $0.user == "skola" && $0.detail == "lokalt" })
    }

    @Test func aRecoveryCodeWorksOnceAndNewCodesEndTheOldOnes() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let (_, codes, _) = try await Self.enrol(client, as: "ledamot", store: fixture.store)
            let (half, _) = try await Self.password(client, as: "ledamot")
            // As typed from paper: upper case, without the dashes.
            let (signedIn, used, landing) = try await Self.code(client, half, codes[3].uppercased().replacing("-", with: " "))
            #expect(used.status == .seeOther && used.headers[.location] == "/konto")
            #expect(String(buffer: try #require(landing).body).contains("Du loggade in med en reservkod; den fungerar inte igen. 9 av 10 reservkoder är kvar.")
                && String(buffer: landing!.body).contains("9 av 10 reservkoder är oanvända"))
            let (second, _) = try await Self.password(client, as: "ledamot")
            let reused = try await Self.code(client, second, codes[3])
            #expect(reused.response.status == .unauthorized && Self.message(reused.response) == "Reservkoden stämmer inte eller har redan använts.")
            // New codes need the second factor again: without it, or with a used code, nothing changes.
            #expect(try await signedIn.post(client, "/konto/reservkoder", []).status == .unprocessableContent)
            #expect(try await signedIn.post(client, "/konto/reservkoder", [("kod", codes[3])]).status == .unprocessableContent)
            #expect(try fixture.store.read { db in try db.unusedRecoveryCodes(userID: try db.user(named: "ledamot")!.id) } == 9)
            // New codes: shown once; the old unused ones stop working, a new one works.
            let renewed = try await signedIn.submit(client, "/konto/reservkoder", [("kod", codes[5])])
            let fresh = Self.recoveryCodes(in: renewed)
            #expect(fresh.count == 10 && Set(fresh).isDisjoint(with: codes))
            #expect(try await Self.code(client, second, codes[4]).response.status == .unauthorized)
            #expect(try await Self.code(client, second, fresh[0]).response.status == .seeOther)
        }
        let log = try fixture.store.auditLog()
        #expect(log.contains { $0.action == "inloggning" && $0.user == "ledamot" && $0.detail == "lokalt + reservkod" })
        #expect(log.filter { $0.action == "misslyckad inloggning" && $0.user == "ledamot" }.map(\.detail) == ["fel eller använd reservkod", "fel eller använd reservkod"])
        #expect(log.contains { $0.action == "nya reservkoder" && $0.user == "ledamot" })
        // Stored as hashes only.
        let stored = try fixture.store.read { db in try String.fetchAll(db, sql: "SELECT code_hash FROM recovery_code") }
        #expect(stored.count == 10 && stored.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func wrongCodesAreThrottledLikePasswords() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let (secret, _, _) = try await Self.enrol(client, as: "gruppen", store: fixture.store)
            let (half, _) = try await Self.password(client, as: "gruppen")
            for _ in 0..<LoginThrottle.limit {
                #expect(try await Self.code(client, half, "000000x").response.status == .unauthorized)
            }
            // Blocked: even the right code is refused, for the account from any address, until the window passes.
            let right = IndependentTOTP.code(base32: secret, at: Date().addingTimeInterval(30))
            let blocked = try await Self.code(client, half, right)
            #expect(blocked.response.status == .tooManyRequests && Self.message(blocked.response) == "För många misslyckade försök; vänta en stund och försök igen.")
            // The same block as for passwords: the password is refused too now.
            #expect(try await Browser.attempt(client, "gruppen", WorkspaceFixture.password).status == .tooManyRequests)
        }
        let log = try fixture.store.auditLog()
        #expect(log.filter { $0.action == "inloggning spärrad" && $0.user == "gruppen" }.map(\.detail) == ["andra steget"])
        #expect(!log.contains { $0.action == "inloggning" && $0.user == "gruppen" && $0.detail == "lokalt + TOTP" })
    }

    @Test func aSamordnareWithoutTOTPEnrolsBeforeReachingAnything() async throws {
        let fixture = try WorkspaceFixture()
        // The default: required for samordnare.
        try fixture.store.write { db in try db.execute(sql: "DELETE FROM setting WHERE key = 'totp_samordnare'") }
        #expect(try fixture.store.totpRequiredForSamordnare())
        try await fixture.application().test(.router) { client in
            // Other roles are not asked.
            #expect(try await Browser.attempt(client, "skola", WorkspaceFixture.password).headers[.location] == "/")
            let (half, response) = try await Self.password(client, as: "samordnare")
            #expect(response.status == .seeOther && response.headers[.location] == "/inloggning/aktivera")
            for path in ["/", "/anvandare", "/konto", "/inloggning/kod", "/konto/tvasteg"] {
                #expect(try await half.get(client, path).headers[.location] == "/inloggning/aktivera", "\(path)")
            }
            let page = try await half.get(client, "/inloggning/aktivera")
            #expect(page.status == .ok && String(buffer: page.body).contains("Samordnaren loggar in med både lösenord och en kod"))
            let secret = try Self.secret(in: page)
            let refused = try await half.post(client, "/inloggning/aktivera", [("kod", "abc")])
            #expect(refused.status == .unprocessableContent)
            let enabled = try await half.post(client, "/inloggning/aktivera", [("kod", IndependentTOTP.code(base32: secret))])
            #expect(enabled.status == .seeOther && enabled.headers[.location] == "/konto/reservkoder")
            let signedIn = Browser(cookie: Browser.cookieValue(enabled))
            #expect(signedIn.cookie != nil && signedIn.cookie != half.cookie)
            #expect(Self.recoveryCodes(in: try await signedIn.get(client, "/konto/reservkoder")).count == 10)
            #expect(try await signedIn.get(client, "/anvandare").status == .ok)
            // Next time: the code, as for any account with TOTP.
            let (again, next) = try await Self.password(client, as: "samordnare")
            #expect(next.headers[.location] == "/inloggning/kod")
            #expect(try await Self.code(client, again, IndependentTOTP.code(base32: secret, at: Date().addingTimeInterval(30))).response.status == .seeOther)
            // With the setting off, a samordnare without TOTP signs in with the password.
            try fixture.store.write { db in try db.resetTOTP(userID: try db.user(named: "samordnare")!.id) }
            try fixture.store.setTOTPRequiredForSamordnare(false)
            #expect(try await Browser.attempt(client, "samordnare", WorkspaceFixture.password).headers[.location] == "/")
        }
        let log = try fixture.store.auditLog()
        #expect(log.filter { $0.action == "inloggning" && $0.user == "samordnare" }.map(\.detail) == ["lokalt", "lokalt + TOTP", "lokalt + TOTP"])
    }

    /// Halfway through signing in (either step), every route but the step's own page, the open ones and logging out
    /// sends the browser to that page: a route added later is covered without a change here.
    @Test func aHalfSignedInSessionReachesNothingElse() async throws {
        let fixture = try WorkspaceFixture()
        try fixture.store.setTOTPRequiredForSamordnare(true)
        let routes = try Workspace.router(WorkspaceConfiguration(databasePath: fixture.store.path), store: fixture.store).routes
            .filter { $0.method != .head }.map { ($0.method, $0.path.description.replacing(/\{[a-z]+\}/, with: "1")) }
        try await fixture.application().test(.router) { client in
            _ = try await Self.enrol(client, as: "skola", store: fixture.store)
            for (name, step) in [("skola", "/inloggning/kod"), ("samordnare", "/inloggning/aktivera")] {
                let (half, response) = try await Self.password(client, as: name)
                #expect(response.headers[.location] == step)
                for (method, path) in routes where path != "/utloggning" {
                    let answer = method == .get ? try await half.get(client, path) : try await half.post(client, path, [("ar", "2024")])
                    let location = answer.headers[.location]
                    switch (method, path) {
                    case (.get, "/halsa"), (.get, "/stil.css"), (.get, "/inloggning"):
                        #expect(answer.status == .ok, "\(method) \(path) as \(name)")
                    case (.post, "/inloggning"):
                        // The login form's own token, which this session's is not.
                        #expect(answer.status == .forbidden, "\(method) \(path) as \(name)")
                    case (.get, step):
                        #expect(answer.status == .ok, "\(method) \(path) as \(name)")
                    case (.post, step):
                        // No code: refused, and still halfway.
                        #expect(answer.status == .unauthorized || answer.status == .unprocessableContent, "\(method) \(path) as \(name): \(answer.status)")
                    default:
                        #expect(answer.status == .found && location == step, "\(method) \(path) as \(name): \(answer.status) \(location ?? "")")
                    }
                }
                // Giving up: logging out ends the half session.
                let out = try await half.post(client, "/utloggning", [])
                #expect(out.status == .seeOther && out.headers[.location] == "/inloggning")
                #expect(try await half.get(client, step).headers[.location] == "/inloggning")
            }
        }
        #expect(try fixture.store.auditLog().filter { $0.action == "utloggning" }.map(\.user) == ["samordnare", "skola"])
    }

    @Test func resettingTOTPOnTheServerEndsTheSessionsAndTheSecret() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let (secret, _, _) = try await Self.enrol(client, as: "skola", store: fixture.store)
            let (half, _) = try await Self.password(client, as: "skola")
            let (signedIn, _, _) = try await Self.code(client, half, IndependentTOTP.code(base32: secret, at: Date().addingTimeInterval(30)))
            #expect(try await signedIn.get(client, "/").status == .ok)
            // What `lagesbild user totp skola reset` calls.
            let user = try await WorkspaceService(store: fixture.store).resetTOTP(of: "skola", by: .commandLine)
            #expect(!user.hasTOTP)
            #expect(try await signedIn.get(client, "/").headers[.location] == "/inloggning")
            #expect(try await Browser.attempt(client, "skola", WorkspaceFixture.password).headers[.location] == "/")
            await #expect(throws: TwoFactorError.notOn) { try await WorkspaceService(store: fixture.store).resetTOTP(of: "skola", by: .commandLine) }
        }
        #expect(try fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recovery_code") } == 0)
        #expect(try fixture.store.auditLog().contains { $0.action == "tvåstegsverifiering återställd" && $0.user == "(kommandorad)" && $0.detail == "skola" })
    }

    /// The samordnare, on the users page: another account's lost phone, without the command line.
    @Test func theSamordnareSwitchesOffAnotherAccountsTOTPOnTheUsersPage() async throws {
        let fixture = try WorkspaceFixture()
        try await fixture.application().test(.router) { client in
            let (secret, _, _) = try await Self.enrol(client, as: "skola", store: fixture.store)
            let (half, _) = try await Self.password(client, as: "skola")
            let (signedIn, _, _) = try await Self.code(client, half, IndependentTOTP.code(base32: secret, at: Date().addingTimeInterval(30)))
            let samordnare = try await Browser.login(client, as: "samordnare")
            let page = String(buffer: try await samordnare.get(client, "/anvandare").body)
            #expect(page.contains("<td>lösenord + TOTP</td>"))
            #expect(page.contains(#"aria-label="Stäng av tvåstegsverifieringen för skola""#))
            #expect(!page.contains(#"aria-label="Stäng av tvåstegsverifieringen för samordnare""#))
            let done = try await samordnare.submit(client, "/anvandare/tvasteg-av", [("namn", "skola")])
            #expect(String(buffer: done.body).contains("Stängde av tvåstegsverifieringen för skola; kontots inloggningar avslutades."))
            #expect(try fixture.store.user(named: "skola")?.hasTOTP == false)
            #expect(try await signedIn.get(client, "/").headers[.location] == "/inloggning")
            #expect(try await Browser.attempt(client, "skola", WorkspaceFixture.password).headers[.location] == "/")
            // Not on: refused with a sentence; the own one is the account page's.
            #expect(try await samordnare.post(client, "/anvandare/tvasteg-av", [("namn", "skola")]).status == .conflict)
            #expect(try await samordnare.post(client, "/anvandare/tvasteg-av", [("namn", "samordnare")]).status == .conflict)
        }
        #expect(try fixture.store.auditLog().contains { $0.action == "tvåstegsverifiering återställd" && $0.user == "samordnare" && $0.detail == "skola" })
    }

    /// Halfway through signing in, a session lasts ten minutes from the password (a complete one 30 idle, 8 in all).
    @Test func aHalfwaySessionEndsAfterTenMinutes() async {
        let sessions = SessionStore()
        let start = Date()
        let half = await sessions.create(userID: 1, credential: "c", origin: SessionOrigin(address: "127.0.0.1", method: .password), stage: .awaitingCode, now: start)
        let whole = await sessions.create(userID: 2, credential: "c", origin: SessionOrigin(address: "127.0.0.1", method: .password), now: start)
        #expect(await sessions.session(half.id, now: start.addingTimeInterval(9 * 60)) != nil)
        #expect(await sessions.session(whole.id, now: start.addingTimeInterval(9 * 60)) != nil)
        #expect(await sessions.session(half.id, now: start.addingTimeInterval(11 * 60)) == nil)
        #expect(await sessions.session(whole.id, now: start.addingTimeInterval(11 * 60)) != nil)
    }
}
