import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore

/// Samverkan of one year (`/uppgifter/samverkan?ar=`): the actors the municipality worked with, chosen from the
/// register of samverkansaktörer, with their typ and the number of meetings, in one form. Saving replaces the year's
/// rows (the service's ``CollaborationForm``) with a redirect to the year's page. The samordnare may add a new name to
/// the register from the page, as an action of its own (the register's rules, audited; nothing of the year is saved).
struct CollaborationController {
    let shared: Shared

    /// Rows a request for more rows adds, and the empty rows a page offers below the stored ones.
    static let extraRows = 3

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/uppgifter/samverkan", use: collaborationPage)
        group.post("/uppgifter/samverkan", use: saveCollaboration)
    }

    /// The posted form: the year, the version it was read at, the rows as parallel lists, and a new actor's name.
    struct CollaborationPost: Decodable {
        let ar, version: String
        let atgard, ny: String?
        let aktor, typ, moten: [String]?
    }

    @Sendable func collaborationPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: try await shared.figures.version()))
        let stored = try await shared.service.storedYear(.samverkan, year: year)
        let rows = stored.rows.map(CollaborationForm.Row.init)
            + Array(repeating: CollaborationForm.Row(), count: emptyRows(stored.rows.isEmpty ? Self.extraRows * 2 : Self.extraRows, after: stored.rows.count))
        return try await page(context, year: year, rows: rows, version: stored.version)
    }

    @Sendable func saveCollaboration(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let form = try context.form(CollaborationPost.self)
        guard let year = Int(form.ar), Years.valid.contains(year) else { throw HTTPError(.badRequest) }
        let columns = [form.aktor, form.typ, form.moten].map { $0 ?? [] }
        guard Set(columns.map(\.count)).count == 1, columns[0].count <= yearFormRowLimit else { throw HTTPError(.badRequest) }
        var rows = columns[0].indices.map { CollaborationForm.Row(aktor: columns[0][$0], typ: columns[1][$0], moten: columns[2][$0]) }
        var newName = form.ny ?? ""
        func again(errors: [String] = [], lines: [String] = [], version: String = form.version, status: HTTPResponse.Status) async throws -> Response {
            try await page(context, year: year, rows: rows, version: version, newName: newName, lines: lines, errors: errors, status: status)
        }
        switch form.atgard {
        case "fler":
            rows += Array(repeating: CollaborationForm.Row(), count: emptyRows(Self.extraRows, after: rows.count))
            return try await again(status: .ok)
        case "ny-aktor":
            guard user.role == .samordnare else { throw HTTPError(.forbidden) }
            let name: String, line: String
            do {
                name = try await shared.service.addNames([newName], to: .aktorer, by: context.actor)[0]
                line = "\"\(name)\" är tillagd i registret över samverkansaktörer"
            } catch RegisterError.nameExists(_, _, let existing) {
                name = existing
                line = "\"\(existing)\" fanns redan i registret över samverkansaktörer"
            } catch let error as RegisterError {
                return try await again(errors: ["Aktören lades inte till: \(error.description)."], status: .unprocessableContent)
            }
            newName = ""
            let row = rows.firstIndex { $0.aktor == name } ?? rows.firstIndex(where: \.isBlank) ?? rows.count
            if row == rows.count {
                guard emptyRows(1, after: rows.count) == 1 else {
                    return try await again(errors: ["Formuläret har redan \(yearFormRowLimit) rader; spara det först."], status: .unprocessableContent)
                }
                rows.append(CollaborationForm.Row())
            }
            rows[row].aktor = name
            return try await again(lines: [line + " och står på rad \(row + 1). Inget av året är sparat förrän du väljer Spara."], status: .ok)
        default: break
        }
        let link = "/uppgifter/samverkan?ar=\(year)"
        do {
            switch try await shared.service.saveCollaboration(CollaborationForm(year: year, rows: rows), version: form.version, actor: context.actor) {
            case .saved(let importID):
                return await shared.seeOther(link, Flash(text: "Samverkan \(year) är sparad (post \(importID) i importloggen; samordnaren kan ångra den)."),
                                             context: context)
            case .unchanged:
                return await shared.seeOther(link, Flash(text: "Inget ändrades: året hade redan de här uppgifterna."), context: context)
            }
        } catch let error as YearFormError {
            return try await again(errors: ["Samverkan sparades inte."] + error.problems, status: .unprocessableContent)
        } catch is YearFormConflict {
            let stored = try await shared.service.storedYear(.samverkan, year: year)
            let now = stored.rows.map(CollaborationForm.Row.init).map { "\($0.aktor): \($0.moten.isEmpty ? "–" : $0.moten) möten" }
            return try await again(errors: [
                "Samverkan sparades inte: någon annan sparade samverkan \(year) medan du fyllde i.",
                "Det som nu är sparat: " + (now.isEmpty ? "ingenting" : now.joined(separator: ", ")) + ".",
                "Dina värden står kvar i formuläret. Spara igen om de ska gälla i stället.",
            ], version: stored.version, status: .conflict)
        }
    }

    struct RowView {
        let number: Int
        let actors, types: [Choice]
        let moten: String
    }

    struct Page {
        let chrome: Chrome
        let year: Int
        let rows: [RowView]
        let version: String
        let addsNames: Bool
        let newName: String
        let lines: [String]
        let hasLines: Bool
        let errors: [String]
        let hasErrors: Bool
    }

    func page(_ context: WorkspaceContext, year: Int, rows: [CollaborationForm.Row], version: String, newName: String = "",
              lines: [String] = [], errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let actors = try await shared.service.registerNames(.aktorer).map { (code: $0, label: $0) }
        let views = rows.enumerated().map { index, row in
            RowView(number: index + 1, actors: Choice.list(actors, none: "(välj aktör)", selected: row.aktor),
                    types: Choice.list(.samverkanstyp, none: "(välj typ)", selected: row.typ), moten: row.moten)
        }
        let view = Page(chrome: Chrome(title: "Samverkan \(year)", context: context, current: "/uppgifter/samverkan"), year: year, rows: views,
                        version: version, addsNames: context.user?.role == .samordnare, newName: newName, lines: lines,
                        hasLines: !lines.isEmpty, errors: errors, hasErrors: !errors.isEmpty)
        return shared.views.page(.samverkan, view, status: status)
    }
}
