import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore

/// The registers (`/register`), the samordnare's alone: the källor, förvaltningar, områden and samverkansaktörer every
/// form offers as choices, with how many rows and accounts use each name; adding, renaming and merging names through
/// the service (a rename or merge is an entry of the import log, undone like an import). Every change answers with
/// a redirect to the page, so that back and reload never repeat it.
struct RegisterController {
    let shared: Shared

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/register", use: registerPage)
        group.post("/register/lagg-till", use: add)
        group.post("/register/byt-namn", use: rename)
        group.post("/register/sla-ihop", use: merge)
    }

    struct Entry { let name: String; let rows: String; let accounts: String }
    struct Option { let code: String; let label: String; let selected: Bool }
    struct Section {
        let kind: String
        let title: String
        let singular: String
        let entries: [Entry]
        let hasEntries: Bool
        let names: [Option]
        let hasTwo: Bool
        /// What was typed into this register's forms when a change failed.
        let typedName: String
        let typedTo: String
    }

    /// What was typed into the form that failed, so that it is shown again.
    struct Typed {
        var kind = "", name = "", from = "", to = ""
    }

    struct Page {
        let chrome: Chrome
        let registers: [Section]
        let lines: [String]
        let hasLines: Bool
        let errors: [String]
        let hasErrors: Bool
    }

    struct ChangeForm: Decodable {
        let register: String
        let namn, fran, till: String?
    }

    @Sendable func registerPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        try await page(context)
    }

    func page(_ context: WorkspaceContext, typed: Typed = Typed(), lines: [String] = [], errors: [String] = [],
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let registers = try await shared.service.registers().map { register, entries in
            Section(kind: register.rawValue, title: register.title, singular: register.singular,
                    entries: entries.map { Entry(name: $0.name, rows: SwedishFormat.integer($0.rows), accounts: SwedishFormat.integer($0.accounts)) },
                    hasEntries: !entries.isEmpty,
                    names: entries.map { Option(code: $0.name, label: $0.name, selected: typed.kind == register.rawValue && $0.name == typed.from) },
                    hasTwo: entries.count > 1,
                    typedName: typed.kind == register.rawValue ? typed.name : "", typedTo: typed.kind == register.rawValue ? typed.to : "")
        }
        return shared.views.page(.register, Page(chrome: Chrome(title: "Register", context: context, current: "/register"), registers: registers,
                                                 lines: lines, hasLines: !lines.isEmpty, errors: errors,
                                                 hasErrors: !errors.isEmpty), status: status)
    }

    func register(_ form: ChangeForm) throws -> NameRegister {
        guard let register = NameRegister(rawValue: form.register) else { throw HTTPError(.badRequest) }
        return register
    }

    @Sendable func add(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(ChangeForm.self)
        let register = try register(form)
        let name = (form.namn ?? "").trimmingCharacters(in: .whitespaces)
        do {
            let added = try await shared.service.addNames([name], to: register, by: context.actor)
            return await shared.seeOther("/register#\(register.rawValue)", Flash(text: "\(added.first ?? name) finns nu i \(register.registerInSwedish)."),
                                         context: context)
        } catch let error as RegisterError {
            return try await page(context, typed: Typed(kind: register.rawValue, name: name), errors: [error.description.capitalizedFirst + "."],
                                  status: .unprocessableContent)
        }
    }

    @Sendable func rename(_ request: Request, context: WorkspaceContext) async throws -> Response {
        try await change(context, merge: false)
    }

    @Sendable func merge(_ request: Request, context: WorkspaceContext) async throws -> Response {
        try await change(context, merge: true)
    }

    func change(_ context: WorkspaceContext, merge: Bool) async throws -> Response {
        let form = try context.form(ChangeForm.self)
        let register = try register(form)
        let from = form.fran ?? "", to = (form.till ?? "").trimmingCharacters(in: .whitespaces)
        do {
            let change = merge ? try await shared.service.merge(register, from: [from], into: to, by: context.actor)
                : try await shared.service.rename(register, from: from, to: to, by: context.actor)
            return await shared.seeOther("/register#\(register.rawValue)", Flash(text: change.summary), context: context)
        } catch let error as RegisterError {
            return try await page(context, typed: Typed(kind: register.rawValue, from: from, to: to), errors: [error.description.capitalizedFirst + "."],
                                  status: .unprocessableContent)
        }
    }
}
