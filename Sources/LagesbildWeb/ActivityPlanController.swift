import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore

extension RequireRole {
    /// Who follows up the year's plan in the workspace (the activity plan, samverkan): the samordnare and the group's
    /// members. The one place that says so: the route group, the pages' links and their texts read it.
    static let planning = RequireRole(.samordnare, .medlem)
    /// Who writes the collaboration group's texts for the year's lägesbild (`/lagesbild`, `/lagesbild/text`): the
    /// samordnare and the group's members.
    static let groupTexts = RequireRole(.samordnare, .medlem)
}

/// How many of `wanted` empty rows a year's form can still take after `count` rows (a form never offers more rows
/// than it may send back).
func emptyRows(_ wanted: Int, after count: Int) -> Int { max(0, min(wanted, yearFormRowLimit - count)) }

/// The activity plan's follow-up (`/uppgifter/aktiviteter?ar=`): the year's activities per målområde with ansvarig
/// funktion, insatsnivå, status and kommentar, in one form. Saving replaces the year's activities (the service's
/// ``ActivityPlanForm``) and answers with a redirect to the year's page, so that back and reload never send it again.
/// A year without activities may start from last year's unfinished ones (`&forra=1`; nothing is saved until Spara).
struct ActivityPlanController {
    let shared: Shared

    /// Rows a request for more rows adds, and the empty rows a page offers below the stored ones.
    static let extraRows = 3

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/uppgifter/aktiviteter", use: planPage)
        group.post("/uppgifter/aktiviteter", use: savePlan)
    }

    /// The posted form: the year, the version it was read at, and the rows as parallel lists.
    struct PlanForm: Decodable {
        let ar, version: String
        let atgard: String?
        let aktivitet, malomrade, ansvarig, insatsniva, status, kommentar: [String]?
    }

    @Sendable func planPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: try await shared.figures.version()))
        let stored = try await shared.service.storedYear(.aktiviteter, year: year)
        var rows = stored.rows.map(ActivityPlanForm.Row.init).sorted(by: Self.planOrder)
        var lines: [String] = []
        let unfinished = try await unfinishedLastYear(year, hasActivities: !stored.rows.isEmpty)
        var offersCarryOver = !unfinished.isEmpty
        if offersCarryOver, request.query("forra") == "1" {
            rows = unfinished
            offersCarryOver = false
            lines.append("\(unfinished.count) \(unfinished.count == 1 ? "aktivitet" : "aktiviteter") från \(year - 1) som varken genomfördes "
                         + "eller ställdes in står i formuläret, med samma text som förra året och utan kommentar. Inget är sparat förrän du väljer Spara.")
        }
        rows += Array(repeating: ActivityPlanForm.Row(), count: emptyRows(rows.isEmpty ? Self.extraRows * 2 : Self.extraRows, after: rows.count))
        return try await page(context, year: year, rows: rows, version: stored.version, offersCarryOver: offersCarryOver,
                              carriedCount: unfinished.count, lines: lines)
    }

    @Sendable func savePlan(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(PlanForm.self)
        guard let year = Int(form.ar), Years.valid.contains(year) else { throw HTTPError(.badRequest) }
        let columns = [form.aktivitet, form.malomrade, form.ansvarig, form.insatsniva, form.status, form.kommentar].map { $0 ?? [] }
        guard Set(columns.map(\.count)).count == 1, columns[0].count <= yearFormRowLimit else { throw HTTPError(.badRequest) }
        var rows = columns[0].indices.map { index in
            ActivityPlanForm.Row(aktivitet: columns[0][index], malomrade: columns[1][index], ansvarig: columns[2][index],
                                 insatsniva: columns[3][index], status: columns[4][index], kommentar: columns[5][index])
        }
        func again(errors: [String] = [], version: String = form.version, status: HTTPResponse.Status) async throws -> Response {
            try await page(context, year: year, rows: rows, version: version, offersCarryOver: false, carriedCount: 0, errors: errors, status: status)
        }
        if form.atgard == "fler" {
            rows += Array(repeating: ActivityPlanForm.Row(), count: emptyRows(Self.extraRows, after: rows.count))
            return try await again(status: .ok)
        }
        let link = "/uppgifter/aktiviteter?ar=\(year)"
        do {
            switch try await shared.service.saveActivityPlan(ActivityPlanForm(year: year, rows: rows), version: form.version, actor: context.actor) {
            case .saved(let importID):
                return await shared.seeOther(link, Flash(text: "Aktivitetsplanen för \(year) är sparad (post \(importID) i importloggen; "
                                                         + "samordnaren kan ångra den)."), context: context)
            case .unchanged:
                return await shared.seeOther(link, Flash(text: "Inget ändrades: året hade redan de här aktiviteterna."), context: context)
            }
        } catch let error as YearFormError {
            return try await again(errors: ["Aktivitetsplanen sparades inte."] + error.problems, status: .unprocessableContent)
        } catch is YearFormConflict {
            let stored = try await shared.service.storedYear(.aktiviteter, year: year)
            let now = stored.rows.map(ActivityPlanForm.Row.init).sorted(by: Self.planOrder)
                .map { "\($0.aktivitet) (\(Vocabulary.aktivitetsstatus.label(for: $0.status).lowercased()))" }
            return try await again(errors: [
                "Aktivitetsplanen sparades inte: någon annan sparade aktivitetsplanen för \(year) medan du fyllde i.",
                "Det som nu är sparat: " + (now.isEmpty ? "inga aktiviteter" : now.joined(separator: ", ")) + ".",
                "Dina värden står kvar i formuläret. Spara igen om de ska gälla i stället.",
            ], version: stored.version, status: .conflict)
        }
    }

    /// Last year's activities to carry over into `year`, when it has none yet.
    func unfinishedLastYear(_ year: Int, hasActivities: Bool) async throws -> [ActivityPlanForm.Row] {
        guard !hasActivities, Years.valid.contains(year - 1) else { return [] }
        let previous = try await shared.service.storedYear(.aktiviteter, year: year - 1).rows.map(ActivityPlanForm.Row.init)
        return ActivityPlanForm.carriedOver(from: previous.sorted(by: Self.planOrder))
    }

    /// By målområde, then by name in Swedish order.
    static func planOrder(_ a: ActivityPlanForm.Row, _ b: ActivityPlanForm.Row) -> Bool {
        a.malomrade != b.malomrade ? a.malomrade < b.malomrade
            : a.aktivitet.compare(b.aktivitet, locale: Locale(identifier: "sv_SE")) == .orderedAscending
    }
}
