import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore

/// The month form (`/uppgifter/manad?ar=&manad=&kalla=`): one källa's signals of one month in one form, a row per
/// kategori, or "Inga signaler den här månaden". Samordnare and rapportörer (their own källor only). Saving replaces
/// the month (the service's ``MonthReport``) and answers with a redirect to the month's page, so that back and reload
/// never send it again.
struct MonthController {
    let shared: Shared

    /// Rows a request for more rows adds.
    static let extraRows = 3

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/uppgifter/manad", use: monthPage)
        group.post("/uppgifter/manad", use: saveMonth)
    }

    /// The posted form: the month, the version it was read at, and the rows as parallel lists (a browser sends every
    /// field of every row, in order).
    struct MonthForm: Decodable {
        let ar, manad, kalla, version: String
        let inga, atgard: String?
        let kategori, miljo, omrade, antal, oros, polis: [String]?
    }

    @Sendable func monthPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: try await shared.figures.version()))
        let month = try request.query("manad", as: Int.self) ?? Self.currentMonth()
        guard (1...12).contains(month) else { throw HTTPError(.badRequest) }
        let sources = try await sourceChoices(for: user)
        let asked = request.query("kalla") ?? sources.first ?? ""
        guard !asked.isEmpty else {
            return try await page(context, user: user, year: year, month: month, source: "", sources: sources, rows: [], noSignals: false, version: "")
        }
        guard let source = shared.service.reportingSource(asked, for: user) else { throw HTTPError(.forbidden) }
        let sourceMonth = SourceMonth(kommun: shared.store.ownKommun.rawValue, year: year, month: month, source: source)
        let stored = try await shared.service.storedMonth(sourceMonth)
        let isZero = stored.rows.contains { $0.text(.category).isEmpty }
        var rows = stored.rows.filter { !$0.text(.category).isEmpty }.map { row in
            MonthReport.Row(kategori: row.text(.category), miljo: row.text(.environment), omrade: row.text(.area),
                            antal: row.integer(.count).map(String.init) ?? "", oros: row.integer(.concernReports).map(String.init) ?? "",
                            polis: row.integer(.policeReports).map(String.init) ?? "")
        }
        // A row for every kategori not yet reported, so that the month is one look down the list.
        let reported = Set(rows.map(\.kategori))
        rows += Vocabulary.kategori.entries.map(\.code).filter { !reported.contains($0) }.map { MonthReport.Row(kategori: $0) }
        return try await page(context, user: user, year: year, month: month, source: source, sources: sources, rows: rows,
                              noSignals: isZero, version: stored.version)
    }

    @Sendable func saveMonth(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let form = try context.form(MonthForm.self)
        guard let year = Int(form.ar), Years.valid.contains(year), let month = Int(form.manad), (1...12).contains(month) else {
            throw HTTPError(.badRequest)
        }
        guard let source = shared.service.reportingSource(form.kalla, for: user) else { throw HTTPError(.forbidden) }
        let columns = [form.kategori, form.miljo, form.omrade, form.antal, form.oros, form.polis].map { $0 ?? [] }
        guard Set(columns.map(\.count)).count == 1, columns[0].count <= MonthReport.rowLimit else { throw HTTPError(.badRequest) }
        var rows = columns[0].indices.map { index in
            MonthReport.Row(kategori: columns[0][index], miljo: columns[1][index], omrade: columns[2][index],
                            antal: columns[3][index], oros: columns[4][index], polis: columns[5][index])
        }
        let sources = try await sourceChoices(for: user)
        let noSignals = form.inga == "1"
        func again(errors: [String] = [], lines: [String] = [], version: String = form.version, status: HTTPResponse.Status) async throws -> Response {
            try await page(context, user: user, year: year, month: month, source: source, sources: sources, rows: rows, noSignals: noSignals,
                           version: version, lines: lines, errors: errors, status: status)
        }
        if form.atgard == "fler" {
            rows += Array(repeating: MonthReport.Row(kategori: ""), count: min(Self.extraRows, MonthReport.rowLimit - rows.count))
            return try await again(status: .ok)
        }
        let sourceMonth = SourceMonth(kommun: shared.store.ownKommun.rawValue, year: year, month: month, source: source)
        let report = MonthReport(month: sourceMonth, rows: rows, noSignals: noSignals)
        let link = "/uppgifter/manad?ar=\(year)&manad=\(month)&kalla=\(Self.encoded(source))"
        do {
            switch try await shared.service.saveMonth(report, version: form.version, by: user, actor: context.actor) {
            case .saved(let importID):
                return await shared.seeOther(link, Flash(text: "\(SwedishFormat.monthAndYear(month, year).capitalizedFirst) för \(source) är sparad "
                                                         + "(post \(importID) i importloggen; samordnaren kan ångra den)."), context: context)
            case .unchanged:
                return await shared.seeOther(link, Flash(text: "Inget ändrades: månaden hade redan de här uppgifterna."), context: context)
            }
        } catch let error as MonthReportError {
            return try await again(errors: ["Månaden sparades inte."] + error.problems, status: .unprocessableContent)
        } catch is MonthReportConflict {
            let stored = try await shared.service.storedMonth(sourceMonth)
            let now = stored.rows.map { row in
                row.text(.category).isEmpty ? "inga signaler (nollrapport)"
                    : "\(Vocabulary.kategori.label(for: row.text(.category))): \(row.integer(.count) ?? 0)"
            }
            return try await again(errors: [
                "Månaden sparades inte: någon annan sparade \(SwedishFormat.monthAndYear(month, year)) för \(source) medan du fyllde i.",
                "Det som nu är sparat: " + (now.isEmpty ? "ingenting" : now.joined(separator: ", ")) + ".",
                "Dina värden står kvar i formuläret. Spara igen om de ska gälla i stället.",
            ], version: stored.version, status: .conflict)
        }
    }

    /// This month in Sweden (the form opens on it).
    static func currentMonth() -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? TimeZone(secondsFromGMT: 3600)!
        return calendar.component(.month, from: Date())
    }

    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    /// The källor a user may choose: a rapportör's own; for the samordnare every källa of the register.
    func sourceChoices(for user: WebUser) async throws -> [String] {
        if user.role != .samordnare { return user.kallor }
        return try await shared.service.registerNames(.kallor)
    }
}
