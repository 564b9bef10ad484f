import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import JWTKit
import Testing
import _CryptoExtras
@testable import LagesbildOIDC
@testable import LagesbildService
import LagesbildStore
import LagesbildWeb

/// An identity provider's keys and answers, in memory: the refusals of an ID token need tokens no real provider
/// signs (a wrong audience, an expired one, `alg: none`). The browser test signs in through a real provider
/// (django-oauth-toolkit, scripts/oidc-provider).
final class MemoryProvider: OIDCTransport, @unchecked Sendable {
    static let issuer = "https://idp.example.se/tenant"
    static let clientID = "lagesbild-test"
    let lock = NSLock()
    private var signingKeys: [(kid: String, key: JWTKit.Insecure.RSA.PrivateKey)]
    private(set) var jwksFetches = 0
    /// The claims the token endpoint's next ID token carries besides iss, aud, exp, iat and the nonce.
    var nextClaims: [String: ClaimValue] = ["sub": .string("person-1"), "preferred_username": .string("anna.andersson@kommun.se"),
                                            "groups": .array([.string("grp-samordnare")])]
    /// The nonce of the last authorization request the browser was sent with.
    var lastNonce = ""

    init() throws {
        signingKeys = [("k1", try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)))]
    }

    func rotate(to kid: String) throws {
        let key = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        lock.withLock { signingKeys = [(kid, key)] }
    }

    var jwks: Data {
        let keys = lock.withLock { signingKeys }
        let entries = keys.map { entry -> [String: String] in
            let primitives = try! entry.key.publicKey.getKeyPrimitives()
            return ["kty": "RSA", "kid": entry.kid, "alg": "RS256", "use": "sig", "n": Base64URL.encode(primitives.modulus),
                    "e": Base64URL.encode(primitives.publicExponent)]
        }
        return try! JSONSerialization.data(withJSONObject: ["keys": entries])
    }

    static var metadata: Data {
        try! JSONSerialization.data(withJSONObject: [
            "issuer": issuer, "authorization_endpoint": "\(issuer)/authorize", "token_endpoint": "\(issuer)/token",
            "jwks_uri": "\(issuer)/keys", "end_session_endpoint": "\(issuer)/logout",
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        ])
    }

    /// An ID token with the usual claims (valid for five minutes from `now`), `changes` applied, signed by `key`
    /// (default: the current one) under `kid`.
    func token(_ changes: [String: ClaimValue?] = [:], nonce: String, now: Date = Date(), kid: String? = nil,
               key: JWTKit.Insecure.RSA.PrivateKey? = nil) async throws -> String {
        let current = lock.withLock { signingKeys[0] }
        var claims = lock.withLock { nextClaims }
        claims["iss"] = .string(Self.issuer)
        claims["aud"] = .string(Self.clientID)
        claims["iat"] = .number(now.timeIntervalSince1970.rounded(.down))
        claims["exp"] = .number(now.timeIntervalSince1970.rounded(.down) + 300)
        claims["nonce"] = .string(nonce)
        for (name, value) in changes { claims[name] = value }
        let collection = JWTKeyCollection()
        let kid = kid ?? current.kid
        await collection.add(rsa: key ?? current.key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        return try await collection.sign(IDTokenClaims(values: claims), kid: JWKIdentifier(string: kid))
    }

    func get(_ url: URL) async throws -> HTTPReply {
        switch url.absoluteString {
        case "\(Self.issuer)/.well-known/openid-configuration": return HTTPReply(status: 200, body: Self.metadata)
        case "\(Self.issuer)/keys":
            lock.withLock { jwksFetches += 1 }
            return HTTPReply(status: 200, body: jwks)
        default: return HTTPReply(status: 404, body: Data())
        }
    }

    func postForm(_ url: URL, fields: [(String, String)], headers: [(String, String)]) async throws -> HTTPReply {
        let form = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        let expectedAuth = "Basic " + Data("\(Self.clientID):hemlig".utf8).base64EncodedString()
        guard url.absoluteString == "\(Self.issuer)/token", form["code"] == "kod-1", form["grant_type"] == "authorization_code",
              form["code_verifier"] != nil, headers.contains(where: { $0.0 == "Authorization" && $0.1 == expectedAuth }) else {
            return HTTPReply(status: 400, body: Data(#"{"error":"invalid_grant"}"#.utf8))
        }
        let token = try await self.token(nonce: lock.withLock { lastNonce })
        return HTTPReply(status: 200, body: try JSONSerialization.data(withJSONObject: ["id_token": token, "token_type": "Bearer"]))
    }

    static func configuration(localAccounts: Bool = true) -> OIDCConfiguration {
        OIDCConfiguration(issuer: issuer, clientID: clientID, clientSecret: ClientSecret("hemlig"),
                          redirectURL: URL(string: "https://lagesbild.kommun.se/inloggning/oidc/retur")!,
                          postLogoutRedirectURL: URL(string: "https://lagesbild.kommun.se/inloggning")!, localAccounts: localAccounts,
                          groups: ["grp-samordnare": RoleGrant(role: .samordnare), "grp-skola": RoleGrant(role: .rapportor, kallor: ["Skola"]),
                                   "grp-ks": RoleGrant(role: .lasare), "grp-gruppen": RoleGrant(role: .medlem)])
    }
}

final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// The refusal a call ends with, or nil if it returned (or failed otherwise).
func refusal(_ call: () async throws -> VerifiedIdentity) async -> OIDCRefusal? {
    do {
        _ = try await call()
        return nil
    } catch let refusal as OIDCRefusal {
        return refusal
    } catch {
        return nil
    }
}

@Suite struct IDTokenVerificationTests {
    let memory: MemoryProvider
    let provider: IdentityProvider

    init() throws {
        memory = try MemoryProvider()
        provider = IdentityProvider(configuration: MemoryProvider.configuration(), transport: memory)
    }

    @Test func aTokenOfTheProviderForThisClientAndSignInIsAccepted() async throws {
        let identity = try await provider.verify(idToken: try await memory.token(nonce: "n-1"), nonce: "n-1")
        #expect(identity.subject == "person-1")
        #expect(identity.issuer == MemoryProvider.issuer)
        #expect(identity.groups == ["grp-samordnare"])
        #expect(identity.name == "anna.andersson@kommun.se")
    }

    /// Each way a token can be wrong, refused for its own reason.
    static let now = Date().timeIntervalSince1970
    static let wrongClaims: [(String, [String: ClaimValue?], OIDCRefusal)] = [
        ("wrong aud", ["aud": .string("another-app")], OIDCRefusal.wrongAudience),
        ("another audience beside ours", ["aud": .array([.string(MemoryProvider.clientID), .string("another-app")])], .wrongAudience),
        ("wrong azp", ["azp": .string("another-app")], .wrongAudience),
        ("wrong iss", ["iss": .string("https://evil.example/")], .wrongIssuer("https://evil.example/")),
        ("expired beyond the skew", ["exp": .number(now - 121)], .expired),
        ("issued in the future", ["iat": .number(now + 600)], .notYetValid),
        ("not before later", ["nbf": .number(now + 600)], .notYetValid),
        ("no exp", ["exp": ClaimValue?.none], .malformedToken("exp saknas")),
        ("another sign-in's nonce", ["nonce": .string("n-other")], .nonceMismatch),
        ("no subject", ["sub": ClaimValue?.none], .missingSubject("sub")),
        ("groups overage", ["_claim_names": .object(["groups": .string("src1")])], .groupsOverage("person-1")),
    ]

    @Test(arguments: wrongClaims)
    func aWrongClaimIsRefused(_ what: String, _ changes: [String: ClaimValue?], _ expected: OIDCRefusal) async throws {
        let token = try await memory.token(changes, nonce: "n-1")
        #expect(await refusal { try await provider.verify(idToken: token, nonce: "n-1") } == expected, "\(what)")
    }

    @Test func anExpiredTokenWithinTheClockSkewIsAccepted() async throws {
        let token = try await memory.token(["exp": .number(Date().timeIntervalSince1970 - 60)], nonce: "n-1")
        _ = try await provider.verify(idToken: token, nonce: "n-1")
    }

    @Test func aBadSignatureIsRefused() async throws {
        let otherKey = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let forged = try await memory.token(nonce: "n-1", kid: "k1", key: otherKey)
        #expect(await refusal { try await provider.verify(idToken: forged, nonce: "n-1") } == OIDCRefusal.badSignature)
        // A changed payload under the provider's own signature.
        let parts = try await memory.token(nonce: "n-1").split(separator: ".").map(String.init)
        var claims = try JSONSerialization.jsonObject(with: Base64URL.decode(parts[1])!) as! [String: Any]
        claims["sub"] = "someone-else"
        let tampered = [parts[0], Base64URL.encode(try JSONSerialization.data(withJSONObject: claims)), parts[2]].joined(separator: ".")
        #expect(await refusal { try await provider.verify(idToken: tampered, nonce: "n-1") } == OIDCRefusal.badSignature)
    }

    /// `alg: none` (no signature at all) and HS256 (the public key used as an HMAC secret) are refused before any key
    /// is tried.
    @Test(arguments: ["none", "HS256", "RS512"])
    func anAlgorithmNotPinnedIsRefused(_ alg: String) async throws {
        let parts = try await memory.token(nonce: "n-1").split(separator: ".").map(String.init)
        let header = Base64URL.encode(Data(#"{"alg":"\#(alg)","kid":"k1","typ":"JWT"}"#.utf8))
        let token = [header, parts[1], alg == "none" ? "" : parts[2]].joined(separator: ".")
        #expect(await refusal { try await provider.verify(idToken: token, nonce: "n-1") } == OIDCRefusal.algorithmRefused(alg))
    }

    @Test func aNonceIsAcceptedOnce() async throws {
        let token = try await memory.token(nonce: "n-1")
        _ = try await provider.verify(idToken: token, nonce: "n-1")
        #expect(await refusal { try await provider.verify(idToken: token, nonce: "n-1") } == OIDCRefusal.nonceReplayed)
    }

    /// Key rotation: a token under a new kid makes the keys be fetched again, once; a kid the provider does not have
    /// either is refused after that one fetch. Refetches wait 10 s after the last fetch (the clock is moved on).
    @Test func anUnknownKeyIsFetchedOnceThenRefused() async throws {
        let clock = TestClock()
        let provider = IdentityProvider(configuration: MemoryProvider.configuration(), transport: memory, clock: { clock.now })
        _ = try await provider.verify(idToken: try await memory.token(nonce: "n-1"), nonce: "n-1")
        #expect(memory.jwksFetches == 1)
        try memory.rotate(to: "k2")
        clock.advance(11)
        _ = try await provider.verify(idToken: try await memory.token(nonce: "n-2"), nonce: "n-2")
        #expect(memory.jwksFetches == 2)
        let stranger = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let token = try await memory.token(nonce: "n-3", kid: "k9", key: stranger)
        // Within 10 s of the last fetch: refused with the keys at hand, nothing fetched.
        #expect(await refusal { try await provider.verify(idToken: token, nonce: "n-3") } == OIDCRefusal.unknownKey("k9"))
        #expect(memory.jwksFetches == 2)
        clock.advance(11)
        #expect(await refusal { try await provider.verify(idToken: token, nonce: "n-3") } == OIDCRefusal.unknownKey("k9"))
        #expect(memory.jwksFetches == 3)
    }

    @Test func theGroupsGiveTheHighestRoleAndARapportorsScope() {
        let configuration = MemoryProvider.configuration()
        #expect(configuration.grant(forGroups: ["grp-ks", "grp-samordnare"])?.role == .samordnare)
        #expect(configuration.grant(forGroups: ["grp-ks", "grp-skola"]) == RoleGrant(role: .rapportor, kallor: ["Skola"]))
        #expect(configuration.grant(forGroups: ["grp-ks"])?.role == .lasare)
        #expect(configuration.grant(forGroups: ["grp-okand"]) == nil)
        #expect(configuration.grant(forGroups: []) == nil)
    }
}

@Suite struct OIDCConfigurationTests {
    func write(_ text: String, secretMode: Int = 0o600) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-oidc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let secret = folder.appendingPathComponent("hemlighet").path
        _ = FileManager.default.createFile(atPath: secret, contents: Data("s3cret\n".utf8), attributes: [.posixPermissions: secretMode])
        let file = folder.appendingPathComponent("oidc.yaml").path
        try text.replacingOccurrences(of: "SECRET", with: secret).write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    static let valid = """
        issuer: https://login.microsoftonline.com/abc/v2.0
        client_id: app-1
        client_secret_file: SECRET
        redirect_url: https://lagesbild.kommun.se/inloggning/oidc/retur
        subject_claim: oid
        roles:
          samordnare: grp-1
          lasare: [grp-2, grp-3]
          rapportor:
            - group: grp-4
              kallor: [Skola]
        """

    @Test func aValidFileIsRead() throws {
        let configuration = try OIDCConfiguration.load(path: try write(Self.valid))
        #expect(configuration.clientSecret.value == "s3cret")
        #expect("\(configuration.clientSecret)" == "ClientSecret(dold)")
        #expect(configuration.subjectClaim == "oid")
        #expect(configuration.groups["grp-3"] == RoleGrant(role: .lasare))
        #expect(configuration.groups["grp-4"] == RoleGrant(role: .rapportor, kallor: ["Skola"]))
        #expect(configuration.algorithms == ["RS256"])
        #expect(configuration.localAccounts)
    }

    @Test(arguments: [
        (Self.valid.replacingOccurrences(of: "subject_claim: oid", with: "subject_claim: email"), "subject_claim", "identifierar inte en person stabilt"),
        (Self.valid.replacingOccurrences(of: "client_id: app-1", with: "client_id: app-1\nclient_secret: s3cret"), "client_secret", "okänd nyckel"),
        (Self.valid.replacingOccurrences(of: "https://lagesbild.kommun.se/inloggning/oidc/retur", with: "https://lagesbild.kommun.se/retur"), "redirect_url", "/inloggning/oidc/retur"),
        (Self.valid.replacingOccurrences(of: "https://login.microsoftonline.com", with: "http://login.microsoftonline.com"), "issuer", "https://"),
        (Self.valid + "\nalgorithms: [none]", "algorithms", "ingen tillåten signaturalgoritm"),
        (Self.valid.replacingOccurrences(of: "lasare: [grp-2, grp-3]", with: "lasare: [grp-1]"), "roles", "står under två roller"),
        (Self.valid.replacingOccurrences(of: "lasare:", with: "ordforande:"), "roles.ordforande", "okänd roll"),
    ])
    func aWrongFileIsRefusedWithItsKey(_ text: String, _ key: String, _ message: String) throws {
        let error = try #require(throws: OIDCConfigurationError.self) { try OIDCConfiguration.load(path: try write(text)) }
        #expect(error.key == key)
        #expect(error.description.contains(message), "\(error)")
        #expect(!error.description.contains("s3cret"))
    }

    @Test func aSecretOthersCanReadIsRefused() throws {
        let error = try #require(throws: OIDCConfigurationError.self) { try OIDCConfiguration.load(path: try write(Self.valid, secretMode: 0o644)) }
        #expect(error.description.contains("chmod 600"))
        #expect(!error.description.contains("s3cret"))
    }
}

/// The sign-in through the provider, route by route, with the provider's answers from memory.
@Suite(.serialized) struct ProviderSignInRouteTests {
    let fixture: WorkspaceFixture
    let memory: MemoryProvider

    init() throws {
        fixture = try WorkspaceFixture()
        memory = try MemoryProvider()
    }

    func application(localAccounts: Bool = true, secure: Bool = false) throws -> some ApplicationProtocol {
        var configuration = WorkspaceConfiguration(databasePath: fixture.store.path, secureCookies: secure, pdf: WorkspaceFixture.noChromium)
        configuration.identityProvider = IdentityProvider(configuration: MemoryProvider.configuration(localAccounts: localAccounts), transport: memory)
        return try Workspace.application(configuration, store: fixture.store)
    }

    /// `/inloggning/oidc` → the provider (its nonce noted, as the provider would keep it) → back with the code.
    func signIn(_ client: some TestClientProtocol, code: String = "kod-1", stateCookie: String = "lagesbild_oidc") async throws -> TestResponse {
        let start = try await client.execute(uri: "/inloggning/oidc", method: .get)
        #expect(start.status == .found)
        let location = try #require(URLComponents(string: start.headers[.location] ?? ""))
        let query = Dictionary((location.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(location.path == "/tenant/authorize")
        #expect(query["response_type"] == "code" && query["code_challenge_method"] == "S256" && query["client_id"] == MemoryProvider.clientID)
        #expect(query["code_challenge"]?.count == 43 && query["state"]?.count == 43 && query["nonce"]?.count == 43)
        let cookie = try #require(start.headers[.setCookie]?.firstMatch(of: /lagesbild_oidc=([A-Za-z0-9_-]+)/).map { String($0.1) })
        #expect(start.headers[.setCookie]?.hasPrefix(stateCookie + "=") == true)
        #expect(start.headers[.setCookie]?.contains("SameSite=Lax") == true)
        memory.lock.withLock { memory.lastNonce = query["nonce"] ?? "" }
        return try await client.execute(uri: "/inloggning/oidc/retur?code=\(code)&state=\(query["state"] ?? "")", method: .get,
                                        headers: [.cookie: "\(stateCookie)=\(cookie)"])
    }

    /// Behind TLS the state cookie carries `__Secure-` (it has its own path) and the session cookie `__Host-`; the
    /// sign-in goes through with them, and the session opens only under its prefixed name.
    @Test func behindTLSTheCookiesCarryTheirPrefixes() async throws {
        let app = try application(secure: true)
        try await app.test(.router) { client in
            let back = try await signIn(client, stateCookie: "__Secure-lagesbild_oidc")
            #expect(back.status == .ok)
            let header = try #require(back.headers[values: .setCookie].first { $0.contains("lagesbild_sid=") })
            #expect(header.hasPrefix("__Host-lagesbild_sid=") && header.contains("Secure") && header.contains("Path=/") && !header.contains("Domain"))
            let id = try #require(session(of: back))
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: "__Host-lagesbild_sid=\(id)"]).status == .ok)
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: "lagesbild_sid=\(id)"]).status == .found)
        }
    }

    func session(of response: TestResponse) -> String? {
        response.headers[values: .setCookie].lazy.compactMap { $0.firstMatch(of: /lagesbild_sid=([0-9a-f]+)/).map { String($0.1) } }.first
    }

    @Test func aPersonInAMappedGroupSignsInAndGetsAnAccountOfTheRole() async throws {
        let app = try application()
        try await app.test(.router) { client in
            let back = try await signIn(client)
            #expect(back.status == .ok)
            #expect(String(buffer: back.body).contains(#"<meta http-equiv="refresh" content="0; url=/">"#))
            let id = try #require(session(of: back))
            let overview = try await client.execute(uri: "/", method: .get, headers: [.cookie: "lagesbild_sid=\(id)"])
            #expect(overview.status == .ok)
            let user = try #require(try fixture.store.read { db in try db.user(issuer: MemoryProvider.issuer, subject: "person-1") })
            #expect(user.name == "anna.andersson" && user.role == .samordnare && user.signsInWithProvider)
            let log = try fixture.store.auditLog(limit: 5)
            #expect(log.contains { $0.action == "inloggning" && $0.detail == "OIDC (\(MemoryProvider.issuer), subjekt person-1)" })
            // No password opens a provider account.
            let local = try await Browser.attempt(client, "anna.andersson", "")
            #expect(local.status == .unauthorized)

            // The groups change at the provider: the next sign-in gives the new role (and says so in the log).
            memory.lock.withLock { memory.nextClaims["groups"] = .array([.string("grp-skola")]) }
            #expect(try await signIn(client).status == .ok)
            let changed = try #require(try fixture.store.user(named: "anna.andersson"))
            #expect(changed.role == .rapportor && changed.kallor == ["Skola"])
            #expect(try fixture.store.auditLog(limit: 10).contains { $0.action == "roll från identitetstjänsten" })

            // Logging out goes on to the provider's logout, with the token as hint and the way back.
            let again = try await signIn(client)
            let sid = try #require(session(of: again))
            let page = try await client.execute(uri: "/konto", method: .get, headers: [.cookie: "lagesbild_sid=\(sid)"])
            #expect(String(buffer: page.body).contains("Du loggar in med kommunens konto"))
            let csrf = try #require(String(buffer: page.body).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) })
            let out = try await client.execute(uri: "/utloggning", method: .post,
                                               headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "lagesbild_sid=\(sid)"],
                                               body: Browser.form([("csrf", csrf)]))
            #expect(out.status == .ok)
            let refresh = try #require(String(buffer: out.body).firstMatch(of: /http-equiv="refresh" content="0; url=([^"]+)"/).map { String($0.1) })
            #expect(refresh.hasPrefix("\(MemoryProvider.issuer)/logout?client_id=\(MemoryProvider.clientID)&amp;id_token_hint=ey"))
            #expect(refresh.hasSuffix("&amp;post_logout_redirect_uri=https%3A%2F%2Flagesbild.kommun.se%2Finloggning"))
            let after = try await client.execute(uri: "/", method: .get, headers: [.cookie: "lagesbild_sid=\(sid)"])
            #expect(after.status == .found)
        }
    }

    @Test func aPersonInNoMappedGroupGetsAClearPageAndNoSession() async throws {
        memory.nextClaims["groups"] = .array([.string("grp-annan")])
        let app = try application()
        try await app.test(.router) { client in
            let back = try await signIn(client)
            #expect(back.status == .forbidden)
            #expect(String(buffer: back.body).contains("inte med i någon grupp som har tillgång till lägesbilden"))
            #expect(session(of: back) == nil)
            #expect(try fixture.store.read { db in try db.user(issuer: MemoryProvider.issuer, subject: "person-1") } == nil)
            #expect(try fixture.store.auditLog(limit: 3).contains { $0.detail == "OIDC: ingen grupp ger en roll, subjekt person-1" })
        }
    }

    @Test func aReturnWithoutThisBrowsersStateIsRefused() async throws {
        let app = try application()
        try await app.test(.router) { client in
            let start = try await client.execute(uri: "/inloggning/oidc", method: .get)
            let state = try #require(URLComponents(string: start.headers[.location] ?? "")?.queryItems?.first { $0.name == "state" }?.value)
            // Another browser (no cookie) brought back this state: a login CSRF.
            let forged = try await client.execute(uri: "/inloggning/oidc/retur?code=kod-1&state=\(state)", method: .get)
            #expect(forged.status == .badRequest)
            #expect(session(of: forged) == nil)
            #expect(try fixture.store.auditLog(limit: 3).contains { $0.detail.hasPrefix("OIDC: okänt eller utgånget state") })
        }
    }

    @Test func aCodeTheProviderRefusesLeavesNoSession() async throws {
        let app = try application()
        try await app.test(.router) { client in
            let back = try await signIn(client, code: "fel-kod")
            #expect(back.status == .forbidden)
            #expect(session(of: back) == nil)
            #expect(try fixture.store.auditLog(limit: 3).contains { $0.detail == "OIDC: tokenutbytet nekades (invalid_grant)" })
        }
    }

    /// The provider does not answer: the login page says so (503) and local accounts still sign in.
    @Test func anUnreachableProviderIsSaidAndLocalAccountsStillWork() async throws {
        struct Unreachable: OIDCTransport {
            struct Refused: Error {}
            func get(_ url: URL) async throws -> HTTPReply { throw Refused() }
            func postForm(_ url: URL, fields: [(String, String)], headers: [(String, String)]) async throws -> HTTPReply { throw Refused() }
        }
        var configuration = WorkspaceConfiguration(databasePath: fixture.store.path, pdf: WorkspaceFixture.noChromium)
        configuration.identityProvider = IdentityProvider(configuration: MemoryProvider.configuration(), transport: Unreachable())
        let app = try Workspace.application(configuration, store: fixture.store)
        try await app.test(.router) { client in
            let start = try await client.execute(uri: "/inloggning/oidc", method: .get)
            #expect(start.status == .serviceUnavailable)
            #expect(String(buffer: start.body).contains("Kommunens inloggningstjänst svarar inte som den ska just nu."))
            #expect(start.headers[.setCookie]?.contains("lagesbild_oidc") != true)
            #expect(try await Browser.attempt(client, "samordnare", WorkspaceFixture.password).headers[.location] == "/")
        }
        #expect(try fixture.store.auditLog(limit: 5).contains { $0.detail == "OIDC: inloggningstjänsten nås inte (Refused)" })
    }

    @Test func localAccountsSwitchedOffCannotSignIn() async throws {
        let app = try application(localAccounts: false)
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/inloggning", method: .get)
            #expect(String(buffer: page.body).contains("Logga in med kommunens konto"))
            #expect(!String(buffer: page.body).contains(#"action="/inloggning""#))
            // The login page's token is its cookie's value: a form posted anyway is refused by the rule, not the token.
            let token = try #require(page.headers[.setCookie]?.firstMatch(of: /lagesbild_login=([0-9a-f]+)/).map { String($0.1) })
            let response = try await client.execute(uri: "/inloggning", method: .post,
                                                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "lagesbild_login=\(token)"],
                                                    body: Browser.form([("csrf", token), ("anvandare", "samordnare"), ("losenord", WorkspaceFixture.password)]))
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("Lokala konton är avstängda"))
            #expect(session(of: response) == nil)
        }
    }
}

/// A refusal in the test's output by its reason (its description is the page's general sentence).
extension OIDCRefusal: CustomTestStringConvertible {
    public var testDescription: String { auditDetail }
}
