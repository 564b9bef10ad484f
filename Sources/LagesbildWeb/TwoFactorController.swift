import Foundation
import Hummingbird
import LagesbildService
import LagesbildStore

/// The second factor in the browser: the code after the password (`/inloggning/kod`), enrolment during the sign-in
/// of a samordnare who must have TOTP (`/inloggning/aktivera`), and for every role on the own account (`/konto/tvasteg`),
/// with recovery codes shown once (`/konto/reservkoder`). The rules are the service's (``TwoFactor``); wrong codes
/// at sign-in count in the sign-in's throttle as wrong passwords do.
struct TwoFactorController {
    let shared: Shared
    let throttle: LoginThrottle

    /// - Parameters:
    ///   - awaitingCode: sessions past the password whose account has TOTP (``RequireSignInStage/awaitingCode``).
    ///   - mustEnrol: sessions past the password of a samordnare who must enrol first (``RequireSignInStage/mustEnrol``).
    ///   - everyone: complete sign-ins of every role (``RequireRole/signedIn``).
    func addRoutes(awaitingCode: RouterGroup<WorkspaceContext>, mustEnrol: RouterGroup<WorkspaceContext>, everyone: RouterGroup<WorkspaceContext>) {
        awaitingCode.get("/inloggning/kod", use: codePage)
        awaitingCode.post("/inloggning/kod", use: checkCode)
        mustEnrol.get("/inloggning/aktivera", use: enrolmentPage)
        mustEnrol.post("/inloggning/aktivera", use: enrol)
        everyone.get("/konto/tvasteg", use: enrolmentPage)
        everyone.post("/konto/tvasteg", use: enrol)
        everyone.get("/konto/reservkoder", use: recoveryCodesPage)
        everyone.post("/konto/reservkoder", use: newRecoveryCodes)
    }

    struct CodeForm: Decodable { let kod: String? }

    /// The code (or recovery code) as typed, cut before anything else sees it.
    func typedCode(_ context: WorkspaceContext) throws -> String {
        String((try context.form(CodeForm.self).kod ?? "").prefix(TwoFactor.inputLimit))
    }

    // MARK: - The code after the password

    struct CodePage {
        let chrome: Chrome
        let name: String
        let message: String?
    }

    func codePage(_ context: WorkspaceContext, message: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        shared.views.page(.kod, CodePage(chrome: Chrome(title: "Kod från appen", context: context, current: ""),
                                         name: context.pendingUser?.name ?? "", message: message), status: status)
    }

    @Sendable func codePage(_ request: Request, context: WorkspaceContext) async throws -> Response { codePage(context) }

    /// The second step: a TOTP code or a recovery code. Right, the sign-in completes in a new session (a new id); wrong,
    /// it counts as a failed sign-in of the account and the address, and is audited with its reason.
    @Sendable func checkCode(_ request: Request, context: WorkspaceContext) async throws -> Response {
        guard let user = context.pendingUser, let session = context.session else { throw HTTPError(.forbidden) }
        let typed = try typedCode(context)
        if case .blocked(let first) = await throttle.decide(account: user.name, address: context.address) {
            if first { try await shared.service.audit(.signInBlocked, by: context.actor, detail: "andra steget") }
            return codePage(context, message: "För många misslyckade försök; vänta en stund och försök igen.", status: .tooManyRequests)
        }
        let method: TwoFactor.Method
        do {
            method = try await shared.service.verifySecondFactor(of: user, code: typed)
        } catch let error as TwoFactorError {
            await throttle.recordFailure(account: user.name, address: context.address)
            try await shared.service.audit(.signInFailed, by: context.actor, detail: error.auditDetail)
            return codePage(context, message: sentence(error.description), status: .unauthorized)
        }
        await throttle.recordSuccess(account: user.name)
        await shared.sessions.end(session.id)
        let complete = await shared.sessions.create(userID: user.id, credential: user.credential,
                                                    origin: SessionOrigin(address: context.address, method: .init(method)))
        try await shared.service.audit(.signIn, by: context.actor, detail: method.auditDetail)
        // After a recovery code: the account page, which says how many are left and makes new ones.
        let home = method == .recoveryCode ? "/konto" : SignInController.home(of: user)
        if method == .recoveryCode {
            let left = try await shared.service.unusedRecoveryCodes(of: user)
            var flash = Flash(text: "Du loggade in med en reservkod; den fungerar inte igen. \(left) av \(TwoFactor.recoveryCodeCount) reservkoder är kvar.")
            flash.path = home
            await shared.sessions.setFlash(complete.id, flash)
        }
        return SignInController(shared: shared, throttle: throttle).signedIn(user, session: complete, to: home)
    }

    // MARK: - Enrolment

    struct EnrolmentPage {
        let chrome: Chrome
        let action: String
        /// During the sign-in of a samordnare who must have TOTP.
        let required: Bool
        let qr: String
        let secretGroups: String
        let message: String?
    }

    /// Where the page is, for the session's stage: during the sign-in, or on the own account.
    func enrolmentPath(_ context: WorkspaceContext) -> String { context.user == nil ? "/inloggning/aktivera" : "/konto/tvasteg" }

    func enrolmentPage(_ context: WorkspaceContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let user = context.user ?? context.pendingUser, let session = context.session else { throw HTTPError(.forbidden) }
        if user.hasTOTP || user.signsInWithProvider { return Response.redirect(to: "/konto", type: .normal) }
        // The secret is the session's until it is confirmed: reading the page again shows the same one.
        guard let secret = await shared.sessions.pendingSecret(session.id) else { throw HTTPError(.forbidden) }
        let qr = try QRCode(secret.authenticatorURL(account: user.name))
        let groups = stride(from: 0, to: secret.base32.count, by: 4).map { start in
            String(Array(secret.base32)[start..<min(start + 4, secret.base32.count)])
        }.joined(separator: " ")
        return shared.views.page(.tvasteg, EnrolmentPage(chrome: Chrome(title: "Slå på tvåstegsverifiering", context: context, current: "/konto"),
                                                         action: enrolmentPath(context), required: context.user == nil,
                                                         qr: qr.svg(label: "QR-kod med nyckeln för tvåstegsverifiering av kontot \(user.name)"),
                                                         secretGroups: groups, message: message), status: status)
    }

    @Sendable func enrolmentPage(_ request: Request, context: WorkspaceContext) async throws -> Response { try await enrolmentPage(context) }

    /// Confirms the pending secret with a code from the app and switches TOTP on; the recovery codes follow on their
    /// page, once. During the sign-in of a samordnare, this completes it (in a new session).
    @Sendable func enrol(_ request: Request, context: WorkspaceContext) async throws -> Response {
        guard let user = context.user ?? context.pendingUser, let session = context.session else { throw HTTPError(.forbidden) }
        let typed = try typedCode(context)
        // No secret shown in this session (another tab confirmed it, or the server restarted): the page again.
        guard let secret = session.pendingSecret else { return Response.redirect(to: enrolmentPath(context), type: .normal) }
        let enabled: (user: WebUser, recoveryCodes: [String])
        do {
            enabled = try await shared.service.enableTOTP(for: user, secret: secret, code: typed, by: context.actor)
        } catch TwoFactorError.alreadyOn {
            return Response.redirect(to: "/konto", type: .normal)
        } catch let error as TwoFactorError {
            return try await enrolmentPage(context, message: sentence(error.description), status: .unprocessableContent)
        }
        if context.user == nil {
            // The samordnare's sign-in completes with the code just typed.
            await throttle.recordSuccess(account: user.name)
            await shared.sessions.end(session.id)
            let complete = await shared.sessions.create(userID: user.id, credential: enabled.user.credential,
                                                        origin: SessionOrigin(address: context.address, method: .passwordAndCode),
                                                        recoveryCodes: enabled.recoveryCodes)
            try await shared.service.audit(.signIn, by: context.actor, detail: TwoFactor.Method.totp.auditDetail)
            return SignInController(shared: shared, throttle: throttle).signedIn(user, session: complete, to: "/konto/reservkoder")
        }
        // The account's other sessions end (they were opened without the second factor); this one stays.
        await shared.sessions.endAll(userID: user.id, keeping: session.id)
        await shared.sessions.rebind(session.id, credential: enabled.user.credential)
        await shared.sessions.enrolled(session.id, recoveryCodes: enabled.recoveryCodes)
        return await shared.seeOther("/konto/reservkoder", Flash(text: "Tvåstegsverifiering är påslagen. Kontots andra inloggningar avslutades."),
                                     context: context)
    }

    // MARK: - Recovery codes

    struct RecoveryCodesPage {
        let chrome: Chrome
        let codes: [String]
        let home: String
    }

    /// The new recovery codes, once: read again, the page sends the browser to the account page.
    @Sendable func recoveryCodesPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        guard let session = context.session, let codes = await shared.sessions.takeRecoveryCodes(session.id) else {
            return Response.redirect(to: "/konto", type: .found)
        }
        return shared.views.page(.reservkoder, RecoveryCodesPage(chrome: Chrome(title: "Dina reservkoder", context: context, current: "/konto"),
                                                                 codes: codes, home: SignInController.home(of: user)))
    }

    /// Ten new recovery codes, with the second factor typed again (throttled like a sign-in); the old ones stop
    /// working.
    @Sendable func newRecoveryCodes(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        guard let session = context.session else { throw HTTPError(.forbidden) }
        let account = AccountController(shared: shared, throttle: throttle)
        guard user.hasTOTP else {
            return try await account.accountPage(context, message: sentence(TwoFactorError.notOn.description), status: .conflict)
        }
        let typed = try typedCode(context)
        if case .blocked = await throttle.decide(account: user.name, address: context.address) {
            return try await account.accountPage(context, message: "För många misslyckade försök; vänta en stund och försök igen.", status: .tooManyRequests)
        }
        do {
            let codes = try await shared.service.newRecoveryCodes(for: user, code: typed, by: context.actor)
            await shared.sessions.setRecoveryCodes(session.id, codes)
            return await shared.seeOther("/konto/reservkoder", Flash(text: "Nya reservkoder; de gamla fungerar inte längre."), context: context)
        } catch let error as TwoFactorError {
            await throttle.recordFailure(account: user.name, address: context.address)
            return try await account.accountPage(context, message: sentence(error.description), status: .unprocessableContent)
        }
    }
}
