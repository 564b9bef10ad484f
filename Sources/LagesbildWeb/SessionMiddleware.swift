import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore

/// Finds the session behind the cookie and its user. A session ends when its account is disabled, its password
/// changed or its TOTP switched on or off (also by the command line, in another process): it is bound to the
/// credential it was opened with (``WebUser/credential``). A session halfway through signing in has only a
/// `pendingUser`, never a `user`, so no role's route admits it. Sends no one anywhere: which roles a route admits is the route group's middleware (``RequireRole``).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WorkspaceContext
    /// The session cookie's name. Behind TLS (`--secure-cookies`) it carries the `__Host-` prefix, which browsers
    /// accept only from a secure origin with `Secure`, `Path=/` and no `Domain`: no other host of the municipality's
    /// domain, and no page over plain HTTP, can set or overwrite it (session fixation through a sibling site).
    static func cookieName(secure: Bool) -> String { secure ? "__Host-lagesbild_sid" : "lagesbild_sid" }

    let service: WorkspaceService
    let sessions: SessionStore
    /// ``cookieName(secure:)`` for the server's setting; the other name is never read.
    let cookieName: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let id = request.cookies[cookieName]?.value, let session = await sessions.session(id) {
            // The user and the state of the data in one read: every page with figures needs both.
            let (user, version) = try await service.store.asyncRead { db in (try db.user(id: session.userID), try db.dataVersion()) }
            context.dataVersion = version
            if let user, !user.disabled, constantTimeEqual(user.credential, session.credential) {
                context.session = session
                if session.stage == .complete { context.user = user } else { context.pendingUser = user }
                // A save's message, for the page it sent the browser to (post-redirect-get).
                if session.flash != nil, request.method == .get {
                    context.flash = await sessions.takeFlash(id, path: request.uri.path)
                }
            } else {
                await sessions.end(id)
            }
        }
        var response = try await next(request, context)
        if let user = context.user, response.headers[AccessLogMiddleware.userHeader] == nil {
            response.headers[AccessLogMiddleware.userHeader] = user.name
        }
        return response
    }
}

/// The roles a route group admits: no login goes to the login page, another role gets 403 (or, where the group
/// says so, is sent to the page that role has instead). The route table's groups are the workspace's authorisation
/// table.
struct RequireRole: RouterMiddleware {
    typealias Context = WorkspaceContext
    let roles: Set<WebRole>
    /// Roles sent elsewhere instead of 403 (a läsare opening the overview gets the reports).
    let elsewhere: [WebRole: String]

    init(_ roles: WebRole..., elsewhere: [WebRole: String] = [:]) {
        self.roles = Set(roles)
        self.elsewhere = elsewhere
    }

    /// Whether the group lets `role` through (the pages link what their reader may open).
    func admits(_ role: WebRole) -> Bool { roles.contains(role) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Halfway through signing in: back to the step's page, and nothing else.
        guard let user = context.user else { return .redirect(to: context.session.map(\.stage.page) ?? "/inloggning", type: .found) }
        if let page = elsewhere[user.role] { return .redirect(to: page, type: .found) }
        guard roles.contains(user.role) else { throw HTTPError(.forbidden) }
        return try await next(request, context)
    }
}

/// The workspace's gates by name, each read by the route table (``Workspace``) and by the pages' links and texts,
/// so that a link is shown exactly to the roles its route admits. ``planning`` and ``groupTexts`` stand beside the
/// activity plan.
extension RequireRole {
    /// Every role that signs in: the published reports, the own account, the help, logging out.
    static let signedIn = RequireRole(.samordnare, .rapportor, .medlem, .lasare)
    /// Who opens the overview: the roles of ``figures``; a läsare is sent to the reports instead.
    static let overview = RequireRole(.samordnare, .rapportor, .medlem, elsewhere: [.lasare: "/rapporter"])
    /// Who reads the figures (the measurement points as a page and as JSON). A medlem reads every källa's and
    /// förvaltning's, exactly, and changes none.
    static let figures = RequireRole(.samordnare, .rapportor, .medlem)
    /// Who reports figures: uploads, rows and the month form (a rapportör only for its own källor and förvaltningar).
    static let reporting = RequireRole(.samordnare, .rapportor)
    /// Who reads internal material (``WebRole/readsInternal``): the report preview with exact values.
    static let internalMaterial = RequireRole(.samordnare, .medlem)
    /// The samordnare alone: publishing, imports and undo, accounts, registers, the audit log.
    static let samordnare = RequireRole(.samordnare)
}

/// The steps of signing in a route group admits (the second factor's pages, logging out): a session at another step
/// is sent to its own step's page, a browser without a session to the login page. The gate for the workspace's
/// pages is ``RequireRole``, which admits only a complete sign-in.
struct RequireSignInStage: RouterMiddleware {
    typealias Context = WorkspaceContext
    let stages: Set<SignInStage>

    init(_ stages: SignInStage...) { self.stages = Set(stages) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let session = context.session, context.user != nil || context.pendingUser != nil else {
            return .redirect(to: "/inloggning", type: .found)
        }
        guard stages.contains(session.stage) else { return .redirect(to: session.stage.page, type: .found) }
        return try await next(request, context)
    }

    /// A session past the password whose account has TOTP: the code's page.
    static let awaitingCode = RequireSignInStage(.awaitingCode)
    /// A session past the password whose samordnare must enrol first: the enrolment's page.
    static let mustEnrol = RequireSignInStage(.mustEnrol)
    /// Any session, complete or halfway: logging out.
    static let anyStage = RequireSignInStage(.complete, .awaitingCode, .mustEnrol)
}

/// Reads the form of every POST in its group and checks its CSRF token before a handler sees it: the session's
/// token, or on the login form the token of the login page (bound to a cookie of its own, so a login cannot be
/// forged from another site either). Only `application/x-www-form-urlencoded` is accepted (415 otherwise): the
/// upload, the one route that takes `multipart/form-data`, is in no group with this middleware and checks its token
/// as the body's first field.
struct FormMiddleware: RouterMiddleware {
    typealias Context = WorkspaceContext
    enum Token { case session, loginPage }
    static let limit = 1 << 20
    static let loginCookie = "lagesbild_login"

    let token: Token

    struct CSRF: Decodable { let csrf: String? }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        let type = (request.headers[.contentType] ?? "").lowercased()
        guard type.hasPrefix("application/x-www-form-urlencoded") else { throw HTTPError(.unsupportedMediaType) }
        var context = context
        context.formBody = String(buffer: try await request.body.collect(upTo: Self.limit))
        let sent = try context.form(CSRF.self).csrf ?? ""
        let expected: String? = switch token {
        case .session: context.session?.csrfToken
        case .loginPage: request.cookies[Self.loginCookie]?.value
        }
        guard let expected, !expected.isEmpty, constantTimeEqual(sent, expected) else { throw HTTPError(.forbidden) }
        return try await next(request, context)
    }
}
