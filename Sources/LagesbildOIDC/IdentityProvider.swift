import Crypto
import Foundation
import JWTKit
import LagesbildModel

/// What the provider's discovery document (`ISSUER/.well-known/openid-configuration`) says the workspace needs.
public struct ProviderMetadata: Sendable, Decodable, Equatable {
    public let issuer: String
    public let authorizationEndpoint: URL
    public let tokenEndpoint: URL
    public let jwksURI: URL
    public let endSessionEndpoint: URL?
    public let tokenEndpointAuthMethodsSupported: [String]?

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
        case endSessionEndpoint = "end_session_endpoint"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
    }
}

/// One sign-in on its way through the provider: the values the browser's round trip is checked against
/// (authorization code flow with PKCE, RFC 7636; `state` and `nonce`, OpenID Connect Core §3.1.2.1). Kept on the
/// server only, for ``PendingSignIn/lifetime``.
public struct PendingSignIn: Sendable, Equatable {
    public let state: String
    public let nonce: String
    public let codeVerifier: String
    public let created: Date

    public static let lifetime: TimeInterval = 10 * 60

    /// 256 random bits each, in base64url.
    public static func new(now: Date = Date()) -> PendingSignIn {
        PendingSignIn(state: randomToken(), nonce: randomToken(), codeVerifier: randomToken(), created: now)
    }

    public init(state: String, nonce: String, codeVerifier: String, created: Date) {
        self.state = state
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.created = created
    }

    /// S256: base64url of the verifier's SHA-256.
    public var codeChallenge: String { Base64URL.encode(Data(SHA256.hash(data: Data(codeVerifier.utf8)))) }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode(Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }
}

/// A person the provider has vouched for, with a verified ID token.
public struct VerifiedIdentity: Sendable, Equatable {
    public let issuer: String
    public let subject: String
    /// The name claim's value, if the configuration names one and the token has it.
    public let name: String?
    public let groups: [String]
    /// The ID token itself, kept in the server's memory for the logout's `id_token_hint` (never stored or logged).
    public let idToken: String
}

/// Why a sign-in through the provider was refused: what the page says (``description``) and what the audit log
/// records (``auditDetail``): never a token, a code or a secret.
public enum OIDCRefusal: Error, Equatable, Sendable, UserFacingError {
    case unreachable(String)
    case providerError(String)
    case discoveryMismatch(String)
    case authorizationDenied(String)
    case stateMismatch
    case tokenRefused(String)
    case malformedToken(String)
    case algorithmRefused(String)
    case unknownKey(String)
    case badSignature
    case wrongIssuer(String)
    case wrongAudience
    case expired
    case notYetValid
    case nonceMismatch
    case nonceReplayed
    case missingSubject(String)
    case groupsOverage(String)
    case noMappedGroup(subject: String)

    public var description: String {
        switch self {
        case .unreachable, .providerError, .discoveryMismatch:
            "Kommunens inloggningstjänst svarar inte som den ska just nu. Försök igen om en stund; hjälper inte det, kontakta IT-avdelningen."
        case .authorizationDenied:
            "Inloggningen avbröts eller nekades hos kommunens inloggningstjänst. Försök igen."
        case .stateMismatch:
            "Inloggningen kunde inte slutföras: den hade tagit för lång tid eller startats i en annan flik eller webbläsare. Börja om från inloggningssidan."
        case .noMappedGroup:
            "Du är inloggad hos kommunen men ditt konto är inte med i någon grupp som har tillgång till lägesbilden. Be samordnaren för våldsbejakande extremism om tillgång."
        case .groupsOverage:
            "Ditt konto är med i för många grupper för att inloggningstjänsten ska skicka dem. Be IT-avdelningen att skicka bara de grupper som är kopplade till programmet."
        default:
            "Inloggningen kunde inte godkännas: svaret från kommunens inloggningstjänst klarade inte kontrollen. Försök igen; händer det igen, kontakta IT-avdelningen."
        }
    }

    public var auditDetail: String {
        switch self {
        case .unreachable(let reason): "OIDC: inloggningstjänsten nås inte (\(reason))"
        case .providerError(let reason): "OIDC: inloggningstjänsten svarade fel (\(reason))"
        case .discoveryMismatch(let reason): "OIDC: discovery-dokumentet stämmer inte (\(reason))"
        case .authorizationDenied(let code): "OIDC: nekad hos inloggningstjänsten (\(code))"
        case .stateMismatch: "OIDC: okänt eller utgånget state (inloggningen startades inte i denna webbläsare)"
        case .tokenRefused(let code): "OIDC: tokenutbytet nekades (\(code))"
        case .malformedToken(let reason): "OIDC: ID-token går inte att läsa (\(reason))"
        case .algorithmRefused(let alg): "OIDC: otillåten signaturalgoritm \(alg)"
        case .unknownKey(let kid): "OIDC: okänd nyckel kid \(kid) även efter ny hämtning av JWKS"
        case .badSignature: "OIDC: ogiltig signatur"
        case .wrongIssuer(let issuer): "OIDC: fel utfärdare (iss \(issuer))"
        case .wrongAudience: "OIDC: fel mottagare (aud/azp)"
        case .expired: "OIDC: ID-token har gått ut (exp)"
        case .notYetValid: "OIDC: ID-token gäller inte ännu (iat/nbf)"
        case .nonceMismatch: "OIDC: fel nonce"
        case .nonceReplayed: "OIDC: återanvänd nonce"
        case .missingSubject(let claim): "OIDC: identiteten (\(claim)) saknas i ID-token"
        case .groupsOverage(let subject): "OIDC: gruppernas lista skickades inte (för många grupper), subjekt \(subject)"
        case .noMappedGroup(let subject): "OIDC: ingen grupp ger en roll, subjekt \(subject)"
        }
    }
}

/// The municipality's identity provider as the workspace uses it: discovery (cached for an hour), its keys (JWKS,
/// fetched again once when a token names a key not among them: key rotation), the authorization request, the code's
/// exchange for tokens, and the ID token's verification in full — signature with the provider's key and a pinned
/// algorithm (`none` and HS* never), `iss`, `aud`/`azp`, `exp`/`iat`/`nbf` with ``OIDCConfiguration/clockSkew``, and the
/// `nonce` of the sign-in (each accepted once).
public actor IdentityProvider {
    public nonisolated let configuration: OIDCConfiguration
    let transport: any OIDCTransport
    let clock: @Sendable () -> Date

    private var metadata: (value: ProviderMetadata, fetched: Date)?
    private var keys: (collection: JWTKeyCollection, algorithms: [String: String?], fetched: Date)?
    /// Nonces of accepted ID tokens, until the token's own expiry has passed (with the skew).
    private var usedNonces: [String: Date] = [:]

    static let metadataLifetime: TimeInterval = 60 * 60
    /// A refetch of the keys for an unknown `kid` waits at least this long after the last fetch.
    static let keyRefetchInterval: TimeInterval = 10
    static let tokenLimit = 16 * 1024

    public init(configuration: OIDCConfiguration, transport: any OIDCTransport = URLSessionTransport(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
    }

    // MARK: - Discovery and keys

    /// The discovery document, fetched at most once an hour; its issuer must be the configured one exactly.
    public func providerMetadata() async throws -> ProviderMetadata {
        let now = clock()
        if let metadata, now.timeIntervalSince(metadata.fetched) < Self.metadataLifetime { return metadata.value }
        let base = configuration.issuer.hasSuffix("/") ? String(configuration.issuer.dropLast()) : configuration.issuer
        guard let url = URL(string: base + "/.well-known/openid-configuration") else { throw OIDCRefusal.discoveryMismatch("issuer") }
        let reply = try await fetch { try await self.transport.get(url) }
        guard reply.status == 200 else { throw OIDCRefusal.providerError("discovery HTTP \(reply.status)") }
        guard let document = try? JSONDecoder().decode(ProviderMetadata.self, from: reply.body) else {
            throw OIDCRefusal.discoveryMismatch("saknar authorization_endpoint, token_endpoint eller jwks_uri")
        }
        guard document.issuer == configuration.issuer else { throw OIDCRefusal.discoveryMismatch("issuer \(document.issuer.prefix(200))") }
        metadata = (document, now)
        return document
    }

    /// The provider's signing keys; `refresh` fetches them again (not more often than ``keyRefetchInterval``).
    func signingKeys(refresh: Bool = false) async throws -> (collection: JWTKeyCollection, algorithms: [String: String?]) {
        let now = clock()
        if let keys, !refresh || now.timeIntervalSince(keys.fetched) < Self.keyRefetchInterval { return (keys.collection, keys.algorithms) }
        let url = try await providerMetadata().jwksURI
        let reply = try await fetch { try await self.transport.get(url) }
        guard reply.status == 200 else { throw OIDCRefusal.providerError("jwks HTTP \(reply.status)") }
        struct KeySet: Decodable { let keys: [ClaimValue] }
        guard let set = try? JSONDecoder().decode(KeySet.self, from: reply.body) else { throw OIDCRefusal.providerError("jwks går inte att läsa") }
        let collection = JWTKeyCollection()
        var algorithms: [String: String?] = [:]
        // Signing keys with an id, of the asymmetric kinds only (a symmetric key could never prove that the provider
        // alone signed); each read on its own, so that a key of a kind not known here does not hide the others.
        for entry in set.keys {
            guard case .object(let fields) = entry, fields["use"] == nil || fields["use"] == .string("sig"),
                  let data = try? JSONEncoder().encode(entry), let key = try? JSONDecoder().decode(JWK.self, from: data),
                  let kid = key.keyIdentifier?.string, [JWK.KeyType.rsa, .ecdsa].contains(key.keyType) else { continue }
            do {
                try await collection.add(jwk: key)
                algorithms[kid] = key.algorithm?.rawValue
            } catch {
                continue
            }
        }
        keys = (collection, algorithms, now)
        return (collection, algorithms)
    }

    private func fetch(_ call: @Sendable () async throws -> HTTPReply) async throws -> HTTPReply {
        do {
            return try await call()
        } catch let refusal as OIDCRefusal {
            throw refusal
        } catch {
            throw OIDCRefusal.unreachable(String(String(describing: type(of: error)).prefix(80)))
        }
    }

    // MARK: - The flow

    /// Where the browser is sent to sign in: the provider's authorization endpoint with the code flow's parameters.
    public func authorizationURL(for pending: PendingSignIn) async throws -> URL {
        let endpoint = try await providerMetadata().authorizationEndpoint
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        let parameters = [("response_type", "code"), ("client_id", configuration.clientID), ("redirect_uri", configuration.redirectURL.absoluteString),
                          ("scope", configuration.scopes.joined(separator: " ")), ("state", pending.state), ("nonce", pending.nonce),
                          ("code_challenge", pending.codeChallenge), ("code_challenge_method", "S256")]
        let existing = components.percentEncodedQuery.map { $0 + "&" } ?? ""
        components.percentEncodedQuery = existing + FormEncoding.encode(parameters)
        return components.url!
    }

    struct TokenResponse: Decodable {
        let idToken: String?
        let error: String?
        enum CodingKeys: String, CodingKey {
            case idToken = "id_token"
            case error
        }
    }

    /// Exchanges the code for tokens at the token endpoint (the client authenticated with its secret, HTTP Basic
    /// unless the provider offers only the form's fields) and verifies the ID token against the sign-in's nonce.
    public func complete(code: String, pending: PendingSignIn) async throws -> VerifiedIdentity {
        guard code.count <= 4096, !code.isEmpty else { throw OIDCRefusal.tokenRefused("kod saknas eller är för lång") }
        let metadata = try await providerMetadata()
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", configuration.redirectURL.absoluteString),
                      ("code_verifier", pending.codeVerifier), ("client_id", configuration.clientID)]
        var headers: [(String, String)] = []
        let methods = metadata.tokenEndpointAuthMethodsSupported ?? ["client_secret_basic"]
        if methods.contains("client_secret_basic") || !methods.contains("client_secret_post") {
            let credentials = FormEncoding.escape(configuration.clientID) + ":" + FormEncoding.escape(configuration.clientSecret.value)
            headers.append(("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString()))
        } else {
            fields.append(("client_secret", configuration.clientSecret.value))
        }
        let endpoint = metadata.tokenEndpoint
        let submitted = fields, sentHeaders = headers
        let reply = try await fetch { try await self.transport.postForm(endpoint, fields: submitted, headers: sentHeaders) }
        let response = try? JSONDecoder().decode(TokenResponse.self, from: reply.body)
        guard reply.status == 200, let idToken = response?.idToken else {
            throw OIDCRefusal.tokenRefused(Self.safeCode(response?.error) ?? "HTTP \(reply.status)")
        }
        return try await verify(idToken: idToken, nonce: pending.nonce)
    }

    /// An error code as the audit log may keep it: letters, digits and `_` only, at most 64.
    public static func safeCode(_ code: String?) -> String? {
        guard let code, !code.isEmpty else { return nil }
        return String(code.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }.prefix(64))
    }

    // MARK: - The ID token

    struct Header: Decodable {
        let alg: String?
        let kid: String?
        let crit: [String]?
    }

    /// Verifies an ID token in full and returns who it vouches for. Throws ``OIDCRefusal`` with the reason.
    public func verify(idToken token: String, nonce expectedNonce: String) async throws -> VerifiedIdentity {
        guard token.utf8.count <= Self.tokenLimit else { throw OIDCRefusal.malformedToken("längre än 16 kB") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(String(parts[0])),
              let header = try? JSONDecoder().decode(Header.self, from: headerData) else {
            throw OIDCRefusal.malformedToken("inte tre delar med ett JSON-huvud")
        }
        // The algorithm is pinned before any key is looked at: `none`, HS* and anything not configured are refused.
        let alg = header.alg ?? "saknas"
        guard configuration.algorithms.contains(alg) else { throw OIDCRefusal.algorithmRefused(String(alg.prefix(20))) }
        guard header.crit == nil else { throw OIDCRefusal.malformedToken("crit stöds inte") }

        var keys = try await signingKeys()
        let kid: String
        if let named = header.kid {
            if keys.algorithms[named] == nil { keys = try await signingKeys(refresh: true) }
            guard keys.algorithms[named] != nil else { throw OIDCRefusal.unknownKey(String(named.prefix(80))) }
            kid = named
        } else {
            // Without a kid only a provider with one key is unambiguous.
            guard keys.algorithms.count == 1, let only = keys.algorithms.keys.first else { throw OIDCRefusal.unknownKey("saknas") }
            kid = only
        }
        if let keyAlgorithm = keys.algorithms[kid] ?? nil, keyAlgorithm != alg { throw OIDCRefusal.algorithmRefused(String(alg.prefix(20))) }

        let claims: IDTokenClaims
        do {
            claims = try await keys.collection.verify(token, as: IDTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw OIDCRefusal.badSignature
        } catch {
            throw OIDCRefusal.malformedToken("signaturen eller innehållet går inte att läsa")
        }
        return try check(claims, token: token, nonce: expectedNonce)
    }

    /// The claims' rules, after the signature has been verified.
    private func check(_ claims: IDTokenClaims, token: String, nonce expectedNonce: String) throws -> VerifiedIdentity {
        let now = clock().timeIntervalSince1970
        let skew = configuration.clockSkew
        let issuer = claims.string("iss") ?? ""
        guard issuer == configuration.issuer else { throw OIDCRefusal.wrongIssuer(String(issuer.prefix(200))) }
        let audiences = claims.strings("aud")
        guard audiences.contains(configuration.clientID), audiences.allSatisfy({ $0 == configuration.clientID }) else { throw OIDCRefusal.wrongAudience }
        if let azp = claims.string("azp"), azp != configuration.clientID { throw OIDCRefusal.wrongAudience }
        guard let exp = claims.number("exp") else { throw OIDCRefusal.malformedToken("exp saknas") }
        guard now <= exp + skew else { throw OIDCRefusal.expired }
        guard let iat = claims.number("iat") else { throw OIDCRefusal.malformedToken("iat saknas") }
        guard iat <= now + skew else { throw OIDCRefusal.notYetValid }
        if let nbf = claims.number("nbf"), nbf > now + skew { throw OIDCRefusal.notYetValid }

        // The nonce: this sign-in's, and never one already accepted (a token replayed into another sign-in).
        usedNonces = usedNonces.filter { $0.value.timeIntervalSince1970 + skew >= now }
        let nonce = claims.string("nonce") ?? ""
        if usedNonces[nonce] != nil { throw OIDCRefusal.nonceReplayed }
        guard !expectedNonce.isEmpty, nonce.utf8.count == expectedNonce.utf8.count, constantTimeEqual(nonce, expectedNonce) else {
            throw OIDCRefusal.nonceMismatch
        }

        guard let subject = claims.string(configuration.subjectClaim), !subject.isEmpty, subject.count <= 255 else {
            throw OIDCRefusal.missingSubject(configuration.subjectClaim)
        }
        // Entra ID leaves out the groups of a person in very many groups and points to Graph instead ("overage").
        if claims.claimNames(contains: configuration.groupsClaim) { throw OIDCRefusal.groupsOverage(String(subject.prefix(80))) }
        let groups = claims.strings(configuration.groupsClaim).filter { $0.count <= 256 }
        let name = configuration.nameClaim.flatMap { claims.string($0) }.map { String($0.prefix(200)) }
        usedNonces[nonce] = Date(timeIntervalSince1970: exp)
        return VerifiedIdentity(issuer: issuer, subject: subject, name: name, groups: Array(groups.prefix(1000)), idToken: token)
    }

    // MARK: - Logout

    /// The provider's logout (RP-initiated logout) with the token as hint and where to come back, or nil when the
    /// discovery document offers none (or cannot be read: the local session has ended anyway).
    public func logoutURL(idTokenHint: String?) async -> URL? {
        guard let endpoint = try? await providerMetadata().endSessionEndpoint,
              var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false) else { return nil }
        var parameters = [("client_id", configuration.clientID)]
        if let idTokenHint { parameters.append(("id_token_hint", idTokenHint)) }
        if let back = configuration.postLogoutRedirectURL { parameters.append(("post_logout_redirect_uri", back.absoluteString)) }
        let existing = components.percentEncodedQuery.map { $0 + "&" } ?? ""
        components.percentEncodedQuery = existing + FormEncoding.encode(parameters)
        return components.url
    }
}

/// The claims of an ID token, as JSON values by name: which claims identify a person and carry the groups is the
/// configuration's. Its ``verify(using:)`` checks nothing: ``IdentityProvider`` checks every claim with its own clock
/// after the signature, so that the rules and their refusals are in one place.
struct IDTokenClaims: JWTPayload {
    let values: [String: ClaimValue]

    init(values: [String: ClaimValue]) { self.values = values }

    init(from decoder: any Decoder) throws { values = try decoder.singleValueContainer().decode([String: ClaimValue].self) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    func string(_ name: String) -> String? {
        if case .string(let value) = values[name] { return value }
        return nil
    }

    /// A string claim or an array of strings (`aud`, groups).
    func strings(_ name: String) -> [String] {
        switch values[name] {
        case .string(let value): [value]
        case .array(let items): items.compactMap { if case .string(let value) = $0 { value } else { nil } }
        default: []
        }
    }

    func number(_ name: String) -> Double? {
        if case .number(let value) = values[name] { return value }
        return nil
    }

    /// Whether `_claim_names` points the claim elsewhere (a distributed claim, Entra ID's groups overage).
    func claimNames(contains name: String) -> Bool {
        if case .object(let names) = values["_claim_names"] { return names[name] != nil }
        return false
    }
}

/// A JSON value of a claim.
enum ClaimValue: Codable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ClaimValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ClaimValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

/// base64url without padding (RFC 4648 §5), as JOSE and PKCE write it.
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
