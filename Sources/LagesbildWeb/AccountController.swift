import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore

/// Passwords in the browser: every role changes its own (with the current one, throttled as signing in is); the
/// samordnare sets a new one for another account. Either ends that account's other sessions (a session is bound to
/// the password hash it was opened with; the browser that changed its own is bound to the new one).
struct AccountController {
    let shared: Shared
    /// The sign-in's throttle: wrong current passwords count as failed sign-ins of the account and the address.
    let throttle: LoginThrottle

    func addRoutes(everyone: RouterGroup<WorkspaceContext>, samordnare: RouterGroup<WorkspaceContext>) {
        everyone.get("/konto", use: accountPage)
        everyone.post("/konto/losenord", use: changeOwnPassword)
        everyone.post("/konto/inloggningar", use: endOwnSessions)
        samordnare.post("/anvandare/losenord", use: setPassword)
    }

    struct AccountPage {
        let chrome: Chrome
        let name: String
        let role: String
        let scope: String?
        let message: String?
        let totpOn: Bool
        let totpSince: String
        let unusedRecoveryCodes: Int
        /// Whether the account's role must have TOTP (a samordnare, unless the setting is off).
        let totpRequired: Bool
        /// An account of the municipality's identity provider: no password or TOTP here.
        let provider: Bool
        /// Where the account is signed in now, this browser first.
        let sessions: [SessionRow]
        var otherSessions: Bool { sessions.count > 1 }
    }

    /// One of the account's sign-ins, as the account page lists it.
    struct SessionRow {
        let handle: String
        let signedIn: String
        let lastSeen: String
        let address: String
        let method: String
        let current: Bool
    }

    func accountPage(_ context: WorkspaceContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let user = try context.requireUser()
        let unused = user.hasTOTP ? try await shared.service.unusedRecoveryCodes(of: user) : 0
        let required = user.role == .samordnare ? try await shared.service.totpRequiredForSamordnare() : false
        let current = context.session?.id
        let sessions = await shared.sessions.sessions(of: user.id).map { session in
            SessionRow(handle: session.handle, signedIn: SwedishTime.minute(session.created), lastSeen: SwedishTime.minute(session.lastSeen),
                       address: session.origin.address, method: session.origin.method.swedish, current: session.id == current)
        }.sorted { $0.current && !$1.current }
        return shared.views.page(.konto, AccountPage(chrome: Chrome(title: "Ditt konto", context: context, current: "/konto"), name: user.name,
                                                     role: user.role.swedishName,
                                                     scope: shared.service.scope(of: user).map { "Kontot rapporterar \($0.allowedInSwedish)." },
                                                     message: message, totpOn: user.hasTOTP, totpSince: user.totpEnabledAt.map(minute) ?? "",
                                                     unusedRecoveryCodes: unused, totpRequired: required, provider: user.signsInWithProvider,
                                                     sessions: sessions), status: status)
    }

    @Sendable func accountPage(_ request: Request, context: WorkspaceContext) async throws -> Response { try await accountPage(context) }

    struct OwnPasswordForm: Decodable {
        let nuvarande: String?
        let losenord: String?
        let upprepa: String?
    }

    /// The own password: the current one, the new one twice, with the service's rules; then 303 to the account page.
    @Sendable func changeOwnPassword(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        guard let session = context.session else { throw HTTPError(.forbidden) }
        let form = try context.form(OwnPasswordForm.self)
        // Cut before bcrypt sees them (a password over 72 bytes is refused by the rules anyway).
        let current = String((form.nuvarande ?? "").prefix(1024)), new = String((form.losenord ?? "").prefix(1024))
        let repeated = String((form.upprepa ?? "").prefix(1024))
        if case .blocked(let first) = await throttle.decide(account: user.name, address: context.address) {
            if first { try await shared.service.audit(.signInBlocked, by: context.actor, detail: "byte av eget lösenord") }
            return try await accountPage(context, message: "För många försök med fel lösenord; vänta en stund och försök igen.", status: .tooManyRequests)
        }
        do {
            let changed = try await shared.service.changeOwnPassword(of: user, current: current, to: new, repeated: repeated, by: context.actor)
            await throttle.recordSuccess(account: user.name)
            await shared.sessions.endAll(userID: user.id, keeping: session.id)
            await shared.sessions.rebind(session.id, credential: changed.credential)
            return await shared.seeOther("/konto", Flash(text: "Lösenordet är bytt. Kontots andra inloggningar avslutades."), context: context)
        } catch AccountError.wrongCurrentPassword {
            await throttle.recordFailure(account: user.name, address: context.address)
            return try await accountPage(context, message: sentence(AccountError.wrongCurrentPassword.description), status: .unprocessableContent)
        } catch let error as AccountError {
            return try await accountPage(context, message: sentence(error.description), status: .unprocessableContent)
        }
    }

    struct EndSessionsForm: Decodable {
        /// The handle of one of the account's other sign-ins, or `alla` for every other one.
        let inloggning: String?
    }

    /// Ends one or every other sign-in of the own account (a browser left signed in elsewhere); never this one, never
    /// another account's (the handle is looked up among the account's own sessions only). Then 303 to the account page.
    @Sendable func endOwnSessions(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        guard let session = context.session else { throw HTTPError(.forbidden) }
        let form = try context.form(EndSessionsForm.self)
        let choice = String((form.inloggning ?? "").prefix(64))
        guard !choice.isEmpty else { throw HTTPError(.badRequest) }
        let text: String
        if choice == "alla" {
            let others = await shared.sessions.sessions(of: user.id).filter { $0.id != session.id }.count
            await shared.sessions.endAll(userID: user.id, keeping: session.id)
            try await shared.service.audit(.ownSessionsEnded, by: context.actor, detail: "alla andra (\(others))")
            text = others == 0 ? "Du var inte inloggad någon annanstans." : "Dina andra inloggningar (\(others)) är avslutade."
        } else {
            guard await shared.sessions.end(handle: choice, of: user.id, except: session.id) else {
                return await shared.seeOther("/konto", Flash(text: "Den inloggningen fanns inte längre (den kan redan ha avslutats eller gått ut)."),
                                             context: context)
            }
            try await shared.service.audit(.ownSessionsEnded, by: context.actor, detail: "en")
            text = "Inloggningen är avslutad."
        }
        return await shared.seeOther("/konto", Flash(text: text), context: context)
    }

    struct SetPasswordForm: Decodable {
        let namn: String?
        let losenord: String?
        let upprepa: String?
    }

    /// The samordnare's new password for another account (one who has forgotten theirs); its sessions end.
    @Sendable func setPassword(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let me = try context.requireUser()
        let form = try context.form(SetPasswordForm.self)
        let name = String((form.namn ?? "").prefix(WorkspaceService.nameLimit))
        let users = UsersController(shared: shared)
        guard name != me.name else {
            return try await users.usersPage(context, passwordFor: name, passwordMessage: "Ditt eget lösenord byter du under Ditt konto, med det nuvarande lösenordet.",
                                             status: .conflict)
        }
        do {
            let user = try await shared.service.setPassword(of: name, to: String((form.losenord ?? "").prefix(1024)),
                                                            repeated: String((form.upprepa ?? "").prefix(1024)), by: context.actor)
            await shared.sessions.endAll(userID: user.id)
            return await shared.seeOther("/anvandare", Flash(text: "Nytt lösenord för \(user.name); kontots inloggningar avslutades."), context: context)
        } catch let error as AccountError {
            return try await users.usersPage(context, passwordFor: name, passwordMessage: sentence(error.description), status: .unprocessableContent)
        } catch WorkspaceError.unknownUser {
            throw HTTPError(.notFound)
        }
    }
}

/// The help page: what each role does, month by month and across the year.
struct HelpController {
    let shared: Shared

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/hjalp", use: helpPage)
    }

    struct HelpPage {
        let chrome: Chrome
        let isRapportor: Bool
        let isSamordnare: Bool
        let isLasare: Bool
        let isMedlem: Bool
    }

    @Sendable func helpPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        return shared.views.page(.hjalp, HelpPage(chrome: Chrome(title: "Hjälp", context: context, current: "/hjalp"), isRapportor: user.role == .rapportor,
                                                  isSamordnare: user.role == .samordnare, isLasare: user.role == .lasare,
                                                  isMedlem: user.role == .medlem))
    }
}
