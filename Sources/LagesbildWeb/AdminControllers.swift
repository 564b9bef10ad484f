import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore
import NIOPosix

/// The import log and undo. The samordnare's (the group's middleware admits no one else).
struct ImportsController {
    let shared: Shared

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/importer", use: importsPage)
        group.post("/importer/:id/angra", use: undo)
    }

    struct ImportsPage {
        struct Row {
            let id: Int64
            let at: String
            let kind: String
            let file: String
            let sha: String
            let inserted: String
            let replaced: String
            let unchanged: String
            let deleted: String
            let remark: String
            let canUndo: Bool
        }
        let chrome: Chrome
        let rows: [Row]
        let message: String?
        let isError: Bool
    }

    func importsPage(_ context: WorkspaceContext, message: String? = nil, isError: Bool = false, status: HTTPResponse.Status = .ok) async throws -> Response {
        let store = shared.store
        let log = try await NIOThreadPool.singleton.runIfActive { try store.importLog() }
        let rows = log.reversed().map { entry in
            ImportsPage.Row(id: entry.id, at: minute(entry.importedAt), kind: entry.kind.rawValue, file: entry.fileName, sha: String(entry.sha256.prefix(12)),
                            inserted: SwedishFormat.integer(entry.rowsInserted), replaced: SwedishFormat.integer(entry.rowsReplaced),
                            unchanged: SwedishFormat.integer(entry.rowsUnchanged), deleted: SwedishFormat.integer(entry.rowsDeleted), remark: entry.remark,
                            canUndo: entry.action == .import && entry.undoneBy == nil)
        }
        return shared.views.page(.importer, ImportsPage(chrome: Chrome(title: "Importer", context: context, current: "/importer"), rows: rows,
                                                        message: message, isError: isError), status: status)
    }

    @Sendable func importsPage(_ request: Request, context: WorkspaceContext) async throws -> Response { try await importsPage(context) }

    /// Undoes an import with the command line's rules (`lagesbild undo`).
    @Sendable func undo(_ request: Request, context: WorkspaceContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HTTPError(.notFound) }
        let store = shared.store
        do {
            let result = try await NIOThreadPool.singleton.runIfActive { try store.undo(importID: id) }
            try await shared.service.audit(.undo, by: context.actor, detail: "import \(id)")
            return await shared.seeOther("/importer", Flash(text: "Ångrade import \(result.undoneImport): \(SwedishFormat.integer(result.removed)) rader "
                                                            + "borttagna, \(SwedishFormat.integer(result.restored)) rader återställda till tidigare värden."),
                                         context: context)
        } catch let error as UndoError {
            // The command line's sentence names its `imports` command; the page has the list above.
            let text = if case .unknownImport(let id) = error { "Det finns ingen import \(id) i listan nedan." } else { sentence(error.description) }
            return try await importsPage(context, message: text, isError: true, status: .conflict)
        }
    }
}

/// Accounts: listed, made and disabled by the samordnare, with the service's rules (the command line's).
struct UsersController {
    let shared: Shared

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/anvandare", use: usersPage)
        group.post("/anvandare", use: addUser)
        group.post("/anvandare/avstang", use: disableUser)
        group.post("/anvandare/tvasteg-av", use: resetTwoFactor)
    }

    struct UsersPage {
        struct Row {
            let name: String; let role: String; let scope: String; let state: String; let created: String; let canDisable: Bool
            /// How the account signs in: "kommunens konto", "lösenord + TOTP" or "lösenord".
            let signIn: String
            /// Another account's TOTP the samordnare can switch off (a lost phone).
            let canResetTOTP: Bool
        }
        struct Option { let value: String; let label: String; let selected: Bool }
        /// A name to tick, with an id of its own (a name may hold spaces).
        struct Choice { let id: String; let value: String; let selected: Bool }
        let chrome: Chrome
        let users: [Row]
        let message: String?
        let isError: Bool
        /// What was typed into the new account's form, kept after a refusal (never the passwords).
        let typed: Typed
        let roles: [Option]
        /// The form for another account's new password: the active accounts but one's own, and a refusal of it.
        let others: [Option]
        let hasOthers: Bool
        let passwordMessage: String?
        /// A rapportör's källor and förvaltningar: the registers' names to tick (a scope refers to register entries).
        let sourceChoices: [Choice]
        let departmentChoices: [Choice]
        let hasSourceChoices: Bool
        let hasDepartmentChoices: Bool
    }

    /// What was typed; `kallor` and `forvaltningar` are the names chosen (ticked, or listed with commas by a script).
    struct Typed { var namn = ""; var roll = "rapportor"; var kallor: [String] = []; var forvaltningar: [String] = [] }

    func usersPage(_ context: WorkspaceContext, message: String? = nil, isError: Bool = false, typed: Typed = Typed(), passwordFor: String = "",
                   passwordMessage: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let me = try context.requireUser()
        let users = try await shared.service.users()
        let rows = users.map { user in
            UsersPage.Row(name: user.name, role: user.role.swedishName,
                          scope: (user.kallor.map { "källa \($0)" } + user.forvaltningar.map { "förvaltning \($0)" }).joined(separator: ", "),
                          state: user.disabled ? "avstängd" : "aktiv", created: minute(user.createdAt), canDisable: !user.disabled && user.id != me.id,
                          signIn: user.signsInWithProvider ? "kommunens konto" : user.hasTOTP ? "lösenord + TOTP" : "lösenord",
                          canResetTOTP: user.hasTOTP && user.id != me.id)
        }
        let roles = [WebRole.rapportor, .medlem, .lasare, .samordnare].map { UsersPage.Option(value: $0.rawValue, label: $0.swedishName, selected: $0.rawValue == typed.roll) }
        let others = users.filter { !$0.disabled && $0.id != me.id }.map { UsersPage.Option(value: $0.name, label: $0.name, selected: $0.name == passwordFor) }
        let sources = try await shared.service.registerNames(.kallor).enumerated()
            .map { UsersPage.Choice(id: "k\($0.offset + 1)", value: $0.element, selected: typed.kallor.contains($0.element)) }
        let departments = try await shared.service.registerNames(.forvaltningar).enumerated()
            .map { UsersPage.Choice(id: "f\($0.offset + 1)", value: $0.element, selected: typed.forvaltningar.contains($0.element)) }
        return shared.views.page(.anvandare, UsersPage(chrome: Chrome(title: "Användare", context: context, current: "/anvandare"), users: rows,
                                                       message: message, isError: isError, typed: typed, roles: roles, others: others,
                                                       hasOthers: !others.isEmpty, passwordMessage: passwordMessage,
                                                       sourceChoices: sources, departmentChoices: departments,
                                                       hasSourceChoices: !sources.isEmpty, hasDepartmentChoices: !departments.isEmpty), status: status)
    }

    @Sendable func usersPage(_ request: Request, context: WorkspaceContext) async throws -> Response { try await usersPage(context) }

    struct NewUserForm: Decodable {
        let namn: String?
        let roll: String?
        /// Comma-separated names (a script's form); the page ticks `kalla[]` and `forvaltning[]` instead.
        let kallor: String?
        let forvaltningar: String?
        let kalla: [String]?
        let forvaltning: [String]?
        let losenord: String?
        let upprepa: String?
    }

    /// A new account from the form, with the service's rules (name, role, scope, a password of at least 12 characters).
    @Sendable func addUser(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(NewUserForm.self)
        func list(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func chosen(_ ticked: [String]?, _ listed: String?) -> [String] {
            var names: [String] = []
            for name in (ticked ?? []) + list(listed) where !names.contains(name) { names.append(name) }
            return names
        }
        let sources = chosen(form.kalla, form.kallor), departments = chosen(form.forvaltning, form.forvaltningar)
        let account = WorkspaceService.NewAccount(name: (form.namn ?? "").trimmingCharacters(in: .whitespaces), role: WebRole(rawValue: form.roll ?? ""),
                                                  password: form.losenord ?? "", repeated: form.upprepa ?? "", kallor: sources,
                                                  forvaltningar: departments)
        // What was typed, for the form again after a refusal (cut: it is shown, never stored).
        let typed = Typed(namn: String((form.namn ?? "").prefix(WorkspaceService.nameLimit)), roll: String((form.roll ?? "").prefix(20)),
                          kallor: Array(sources.prefix(200)), forvaltningar: Array(departments.prefix(200)))
        do {
            let user = try await shared.service.addUser(account, by: context.actor)
            return await shared.seeOther("/anvandare", Flash(text: "Skapade användaren \(user.name) (\(user.role.swedishName))."), context: context)
        } catch let error as AccountError {
            return try await usersPage(context, message: sentence(error.description), isError: true, typed: typed, status: .unprocessableContent)
        } catch let error as WorkspaceError {
            return try await usersPage(context, message: sentence(error.description), isError: true, typed: typed, status: .conflict)
        }
    }

    struct NameForm: Decodable { let namn: String? }

    /// Disables an account: it cannot log in, and its sessions end at once. Nobody disables their own.
    @Sendable func disableUser(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let name = try context.form(NameForm.self).namn ?? ""
        do {
            let user = try await shared.service.disable(name, by: context.actor)
            await shared.sessions.endAll(userID: user.id)
            return await shared.seeOther("/anvandare", Flash(text: "Stängde av \(name); kontots inloggningar avslutades."), context: context)
        } catch AccountError.ownAccount {
            return try await usersPage(context, message: "Du kan inte stänga av ditt eget konto.", isError: true, status: .conflict)
        } catch WorkspaceError.unknownUser {
            throw HTTPError(.notFound)
        }
    }
}

extension UsersController {
    /// Switches another account's TOTP off (its phone is lost): the secret and recovery codes are forgotten, its
    /// sessions end, and it signs in with the password until TOTP is switched on again (a samordnare is asked to at
    /// once). The own TOTP is the own account page's.
    @Sendable func resetTwoFactor(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let me = try context.requireUser()
        let name = try context.form(NameForm.self).namn ?? ""
        guard name != me.name else {
            return try await usersPage(context, message: "Din egen tvåstegsverifiering sköter du under Ditt konto.", isError: true, status: .conflict)
        }
        do {
            let user = try await shared.service.resetTOTP(of: name, by: context.actor)
            await shared.sessions.endAll(userID: user.id)
            return await shared.seeOther("/anvandare", Flash(text: "Stängde av tvåstegsverifieringen för \(name); kontots inloggningar avslutades."),
                                         context: context)
        } catch TwoFactorError.notOn {
            return try await usersPage(context, message: "\(name) har inte tvåstegsverifiering påslagen.", isError: true, status: .conflict)
        } catch WorkspaceError.unknownUser {
            throw HTTPError(.notFound)
        }
    }
}

/// The audit log, a page at a time, filtered by user, action and days, all in SQL.
struct AuditController {
    let shared: Shared

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/logg", use: auditPage)
    }

    struct AuditPage {
        struct Option { let value: String; let label: String; let selected: Bool }
        struct Entry { let at: String; let user: String; let address: String; let action: String; let detail: String }
        let chrome: Chrome
        let entries: [Entry]
        let user: String
        let from: String
        let to: String
        let actions: [Option]
        let page: Int
        let previous: String?
        let next: String?
    }

    @Sendable func auditPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        func day(_ name: String) throws -> String? {
            guard let text = request.query(name), !text.isEmpty else { return nil }
            guard text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else { throw HTTPError(.badRequest) }
            return text
        }
        let user = request.query("anvandare").flatMap { $0.isEmpty ? nil : String($0.prefix(WorkspaceService.nameLimit)) }
        let action = try request.query("handling").flatMap { text -> AuditAction? in
            if text.isEmpty { return nil }
            guard let action = AuditAction(rawValue: text) else { throw HTTPError(.badRequest) }
            return action
        }
        let page = try request.query("sida", as: Int.self) ?? 1
        guard (1...100_000).contains(page) else { throw HTTPError(.badRequest) }
        // The days are Swedish local days: from the first day's 00:00 to the end of the last, in the log's UTC.
        let from = try day("fran"), to = try day("till")
        func utc(_ date: Date?) throws -> String {
            guard let date else { throw HTTPError(.badRequest) }
            return Store.timestamp(date)
        }
        let filter = AuditFilter(user: user, action: action?.rawValue, from: try from.map { try utc(SwedishTime.startOfDay($0)) },
                                 before: try to.map { try utc(SwedishTime.startOfNextDay($0)) })
        let (found, hasMore) = try await shared.service.auditLog(filter, page: page)
        let entries = found.map { AuditPage.Entry(at: minute($0.at), user: $0.user, address: $0.address, action: $0.action, detail: $0.detail) }
        func link(_ page: Int) -> String {
            var parts: [String] = []
            for (name, value) in [("anvandare", filter.user), ("handling", filter.action), ("fran", from), ("till", to)] {
                if let value { parts.append("\(name)=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            }
            if page > 1 { parts.append("sida=\(page)") }
            return "/logg" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        let actions = [AuditPage.Option(value: "", label: "alla händelser", selected: action == nil)]
            + AuditAction.allCases.map { .init(value: $0.rawValue, label: $0.swedishDescription, selected: $0 == action) }
        return shared.views.page(.logg, AuditPage(chrome: Chrome(title: "Logg", context: context, current: "/logg"), entries: entries,
                                                  user: filter.user ?? "", from: from ?? "", to: to ?? "", actions: actions, page: page,
                                                  previous: page > 1 ? link(page - 1) : nil, next: hasMore ? link(page + 1) : nil))
    }
}

/// A service's message as a page's sentence: a capital letter first and a full stop last.
func sentence(_ text: String) -> String {
    let text = text.capitalizedFirst
    return text.hasSuffix(".") ? text : text + "."
}
