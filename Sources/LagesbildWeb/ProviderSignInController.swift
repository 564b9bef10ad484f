import Foundation
import Hummingbird
import LagesbildModel
import LagesbildOIDC
import LagesbildService
import LagesbildStore

/// Sign-ins on their way through the identity provider, by `state`: kept for ``PendingSignIn/lifetime``, each taken
/// once, at most ``limit`` at a time (the oldest go first), in memory like the sessions.
actor PendingSignIns {
    static let limit = 10_000
    private var pending: [String: PendingSignIn] = [:]

    func add(_ signIn: PendingSignIn, now: Date = Date()) {
        sweep(now: now)
        if pending.count >= Self.limit, let oldest = pending.min(by: { $0.value.created < $1.value.created }) { pending[oldest.key] = nil }
        pending[signIn.state] = signIn
    }

    /// The sign-in of this state, once, if it has not timed out.
    func take(_ state: String, now: Date = Date()) -> PendingSignIn? {
        sweep(now: now)
        return pending.removeValue(forKey: state)
    }

    private func sweep(now: Date) { pending = pending.filter { now.timeIntervalSince($0.value.created) < PendingSignIn.lifetime } }
}

/// Signing in with the municipality's identity provider (OpenID Connect, authorization code flow with PKCE):
/// `/inloggning/oidc` sends the browser there with a new `state`, `nonce` and code challenge, bound to this browser by
/// a cookie; `/inloggning/oidc/retur` takes the code back, exchanges it, verifies the ID token in full
/// (``IdentityProvider``) and opens a session for the account the person's groups give a role (``WorkspaceService/signIn(_:grant:by:)``).
/// Anyone reaches both; every refusal is audited with its reason and leaves no session.
struct ProviderSignInController {
    let shared: Shared
    let provider: IdentityProvider
    let pending: PendingSignIns
    let signIn: SignInController

    /// The state cookie's name: behind TLS with the `__Secure-` prefix (it has its own path, so not `__Host-`).
    static func stateCookie(secure: Bool) -> String { secure ? "__Secure-lagesbild_oidc" : "lagesbild_oidc" }
    var stateCookie: String { Self.stateCookie(secure: shared.configuration.secureCookies) }

    func addRoutes(to router: Router<WorkspaceContext>) {
        router.get("/inloggning/oidc", use: start)
        router.get("/inloggning/oidc/retur", use: callback)
    }

    @Sendable func start(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let signIn = PendingSignIn.new()
        let url: URL
        do {
            url = try await provider.authorizationURL(for: signIn)
        } catch let refusal as OIDCRefusal {
            try await shared.service.audit(.signInFailed, by: Actor(name: "", address: context.address), detail: refusal.auditDetail)
            return self.signIn.loginPage(context.anonymous, message: refusal.description, status: .serviceUnavailable)
        }
        await pending.add(signIn)
        var response = Response.redirect(to: url.absoluteString, type: .found)
        // Lax, not Strict: the provider sends the browser back with a top-level GET from its own site.
        response.setCookie(Cookie(name: stateCookie, value: signIn.state, maxAge: Int(PendingSignIn.lifetime), path: "/inloggning/oidc",
                                  secure: shared.configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func callback(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let anonymous = context.anonymous
        func refuse(_ refusal: OIDCRefusal, status: HTTPResponse.Status, name: String = "") async throws -> Response {
            try await shared.service.audit(.signInFailed, by: Actor(name: name, address: context.address), detail: refusal.auditDetail)
            var response = self.signIn.loginPage(anonymous, message: refusal.description, status: status)
            response.setCookie(clearedStateCookie)
            return response
        }
        // The state must be the one this browser was given (a sign-in started elsewhere, or replayed, is refused).
        let state = String((request.query("state") ?? "").prefix(256))
        guard let cookie = request.cookies[stateCookie]?.value, !state.isEmpty, cookie.utf8.count == state.utf8.count,
              constantTimeEqual(cookie, state), let signIn = await pending.take(state) else {
            return try await refuse(.stateMismatch, status: .badRequest)
        }
        if let error = request.query("error") {
            return try await refuse(.authorizationDenied(IdentityProvider.safeCode(error) ?? "okänt fel"), status: .forbidden)
        }
        let identity: VerifiedIdentity
        do {
            identity = try await provider.complete(code: request.query("code") ?? "", pending: signIn)
        } catch let refusal as OIDCRefusal {
            switch refusal {
            case .unreachable, .providerError, .discoveryMismatch: return try await refuse(refusal, status: .badGateway)
            default: return try await refuse(refusal, status: .forbidden)
            }
        }
        let user: WebUser
        do {
            user = try await shared.service.signIn(identity, grant: provider.configuration.grant(forGroups: identity.groups), by: context.address)
        } catch let refusal as OIDCRefusal {
            return refused(refusal, context: anonymous)
        } catch let refusal as ProviderSignInError {
            return refused(refusal, context: anonymous)
        }
        // A new session (and id); an older one of this browser ends. The provider has done the second factor.
        if let old = context.session { await shared.sessions.end(old.id) }
        let session = await shared.sessions.create(userID: user.id, credential: user.credential,
                                                   origin: SessionOrigin(address: context.address, method: .provider), providerToken: identity.idToken)
        // A page that moves on by itself, not a redirect: the session's cookie is SameSite=Strict, and a browser does
        // not send it on a redirect that a navigation from the provider's site started.
        let home = SignInController.home(of: user)
        var chrome = Chrome(title: "Inloggad", context: anonymous, current: "")
        chrome.refresh = home
        var response = shared.views.page(.inloggad, SignedInPage(chrome: chrome, home: home))
        response.setCookie(self.signIn.sessionCookie(session.id, maxAge: Int(SessionStore.absoluteTimeout)))
        response.setCookie(clearedStateCookie)
        response.headers[AccessLogMiddleware.userHeader] = user.name
        return response
    }

    /// The login page with a refusal the service has already audited (no mapped group, a disabled account).
    func refused(_ refusal: some UserFacingError, context: WorkspaceContext) -> Response {
        var response = signIn.loginPage(context, message: refusal.description, status: .forbidden)
        response.setCookie(clearedStateCookie)
        return response
    }

    struct SignedInPage {
        let chrome: Chrome
        let home: String
    }

    var clearedStateCookie: Cookie {
        Cookie(name: stateCookie, value: "", maxAge: 0, path: "/inloggning/oidc", secure: shared.configuration.secureCookies, httpOnly: true, sameSite: .lax)
    }
}

