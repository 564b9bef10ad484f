import Foundation
import Hummingbird
import LagesbildService
import LagesbildStore

/// Health, the stylesheet, logging in and out: the routes anyone reaches (logging out needs the session's token, and
/// works halfway through signing in too). The second step of a sign-in with TOTP is ``TwoFactorController``'s.
struct SignInController {
    let shared: Shared
    let throttle: LoginThrottle

    func addRoutes(to router: Router<WorkspaceContext>) {
        router.get("/halsa", use: health)
        router.get("/stil.css", use: stylesheet)
        router.get("/inloggning", use: loginPage)
        router.group().add(middleware: FormMiddleware(token: .loginPage)).post("/inloggning", use: login)
        // Also halfway through signing in: the code's and the enrolment's pages offer to give up.
        router.group().add(middleware: RequireSignInStage.anyStage).add(middleware: FormMiddleware(token: .session))
            .post("/utloggning", use: logout)
    }

    @Sendable func health(_ request: Request, context: WorkspaceContext) async throws -> Response {
        _ = try await shared.store.asyncRead { db in try db.dataVersion() }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }

    @Sendable func stylesheet(_ request: Request, context: WorkspaceContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: shared.views.stylesheet)))
    }

    struct LoginPage {
        let chrome: Chrome
        let message: String?
        let name: String
        let token: String
        /// Whether the municipality's identity provider is configured (its button), and the local form is offered.
        let provider: Bool
        let localAccounts: Bool
    }

    /// Whether the workspace's own accounts may sign in (always, unless the identity provider's configuration
    /// switches them off).
    var localAccounts: Bool { shared.configuration.identityProvider?.configuration.localAccounts ?? true }

    /// The login form, with a token bound to a cookie of its own (the login form's CSRF protection).
    func loginPage(_ context: WorkspaceContext, message: String?, name: String = "", status: HTTPResponse.Status = .ok) -> Response {
        let token = Random.hex(bytes: 32)
        var response = shared.views.page(.inloggning, LoginPage(chrome: Chrome(title: "Logga in", context: context.anonymous, current: ""),
                                                                message: message, name: name, token: token,
                                                                provider: shared.configuration.identityProvider != nil,
                                                                localAccounts: localAccounts), status: status)
        response.setCookie(Cookie(name: FormMiddleware.loginCookie, value: token, maxAge: 60 * 60, path: "/inloggning",
                                  secure: shared.configuration.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func loginPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        loginPage(context, message: nil)
    }

    struct LoginForm: Decodable {
        let anvandare: String?
        let losenord: String?
    }

    @Sendable func login(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(LoginForm.self)
        guard localAccounts else {
            return loginPage(context, message: "Lokala konton är avstängda i arbetsytan. Logga in med kommunens konto.", status: .forbidden)
        }
        // What anyone types is cut before it is kept anywhere (the throttle, the audit log, the page).
        let name = String((form.anvandare ?? "").trimmingCharacters(in: .whitespaces).prefix(WorkspaceService.nameLimit))
        let password = String((form.losenord ?? "").prefix(1024))
        let actor = Actor(name: name, address: context.address)
        // The same words whether the account exists or not, and whether the password or the name was wrong.
        let refused = "Fel användarnamn eller lösenord, eller för många misslyckade försök; vänta en stund och försök igen."
        if case .blocked(let first) = await throttle.decide(account: name, address: context.address) {
            if first { try await shared.service.audit(.signInBlocked, by: actor) }
            return loginPage(context, message: refused, name: name, status: .tooManyRequests)
        }
        guard let user = try await shared.service.verify(name: name, password: password) else {
            await throttle.recordFailure(account: name, address: context.address)
            try await shared.service.audit(.signInFailed, by: actor, detail: "fel användarnamn eller lösenord")
            return loginPage(context, message: refused, name: name, status: .unauthorized)
        }
        // A new session (and id) at every login; an older session of this browser ends. With TOTP, or for a samordnare
        // who must enrol first, it is halfway: it reaches the next step's page and nothing else, and the throttle's
        // count for the account stays until the second factor is right.
        if let old = context.session { await shared.sessions.end(old.id) }
        let stage: SignInStage = user.hasTOTP ? .awaitingCode : try await shared.service.mustEnrol(user) ? .mustEnrol : .complete
        let session = await shared.sessions.create(userID: user.id, credential: user.credential,
                                                   origin: SessionOrigin(address: context.address, method: .password), stage: stage)
        guard stage == .complete else { return signedIn(user, session: session, to: stage.page) }
        await throttle.recordSuccess(account: name)
        try await shared.service.audit(.signIn, by: Actor(name: user.name, address: context.address), detail: TwoFactor.Method.password.auditDetail)
        return signedIn(user, session: session, to: Self.home(of: user))
    }

    /// Where a sign-in lands: the overview, or a läsare's reports.
    static func home(of user: WebUser) -> String { user.role == .lasare ? "/rapporter" : "/" }

    /// `303 See Other` to `location` with the session's cookie (and the login page's cookie gone).
    func signedIn(_ user: WebUser, session: Session, to location: String) -> Response {
        var response = Response.redirect(to: location, type: .normal)
        response.setCookie(sessionCookie(session.id, maxAge: Int(SessionStore.absoluteTimeout)))
        response.setCookie(Cookie(name: FormMiddleware.loginCookie, value: "", maxAge: 0, path: "/inloggning",
                                  secure: shared.configuration.secureCookies, httpOnly: true, sameSite: .strict))
        response.headers[AccessLogMiddleware.userHeader] = user.name
        return response
    }

    /// Ends the session on the server and the previews it kept; a session of the identity provider goes on to the
    /// provider's logout (RP-initiated logout), where the provider offers one.
    @Sendable func logout(_ request: Request, context: WorkspaceContext) async throws -> Response {
        var response = Response.redirect(to: "/inloggning", type: .normal)
        if let session = context.session {
            await shared.sessions.end(session.id)
            await shared.uploads.discardAll(sessionID: session.id)
            try await shared.service.audit(.signOut, by: context.actor)
            if let token = session.providerToken, let provider = shared.configuration.identityProvider,
               let url = await provider.logoutURL(idTokenHint: token) {
                // A page that moves on by itself, not a redirect: the form's page allows forms to post to this site
                // only (form-action 'self'), which a browser holds to every redirect after the post too.
                var chrome = Chrome(title: "Utloggad", context: context.anonymous, current: "")
                chrome.refresh = url.absoluteString
                response = shared.views.page(.utloggad, SignedOutPage(chrome: chrome, provider: url.absoluteString))
            }
        }
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    struct SignedOutPage {
        let chrome: Chrome
        let provider: String
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: SessionMiddleware.cookieName(secure: shared.configuration.secureCookies), value: value, maxAge: maxAge, path: "/", secure: shared.configuration.secureCookies,
               httpOnly: true, sameSite: .strict)
    }
}
