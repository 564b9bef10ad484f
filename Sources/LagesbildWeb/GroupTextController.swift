import Foundation
import Hummingbird
import LagesbildModel
import LagesbildReport
import LagesbildService
import LagesbildStore

/// The year's lägesbild as the group makes it (`/lagesbild?ar=`): its four texts, the checklist before publishing
/// and the year's published versions; each text written in the browser (`/lagesbild/text`) with a preview, every
/// saved version kept, a comparison of versions and restore (`/lagesbild/text/historik`). No page needs a script.
struct GroupTextController {
    let shared: Shared

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/lagesbild", use: yearPage)
        group.get("/lagesbild/text", use: textPage)
        group.post("/lagesbild/text", use: saveText)
        group.get("/lagesbild/text/historik", use: historyPage)
        group.post("/lagesbild/text/aterstall", use: restore)
    }

    // MARK: - The year's page

    struct YearPage {
        struct Section {
            let key: String
            let title: String
            let written: Bool
            let status: String
            let current: Bool
            let moved: [String]
            let hasMoved: Bool
            let hasHistory: Bool
        }
        struct Item {
            let title: String
            let done: Bool
            let mark: String
            let detail: String
            let link: String
        }
        struct Published { let id: Int64; let kind: String; let at: String; let by: String }
        let chrome: Chrome
        let year: Int
        let sections: [Section]
        let checklist: [Item]
        let openCount: Int
        let allDone: Bool
        let published: [Published]
        let hasPublished: Bool
        let canPublish: Bool
        let today: String
    }

    @Sendable func yearPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let version = try await shared.figures.version(context)
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: version))
        let sources = shared.figures.sources
        // The year's figures once per state of the data (the workspace's cache), for the texts and the checklist alike.
        let figures = WorkspaceService.figures(of: try await shared.figures.exact(year: year, version: version))
        let states = try await shared.service.textStates(year: year, sources: sources, figures: figures)
        let sections = states.map { state in
            let status: String
            if let latest = state.latest {
                status = "Version \(latest.version), sparad \(minute(latest.savedAt)) av \(latest.savedBy)"
                    + (latest.restoredFrom.map { " (återställd från version \($0))" } ?? "") + "."
            } else {
                status = "Inte skriven ännu."
            }
            return YearPage.Section(
                key: state.section.rawValue, title: state.section.title, written: state.latest != nil, status: status, current: state.isCurrent,
                moved: state.moved.map { "\($0.exactText) sedan \(state.section.definiteName) sparades \(SwedishTime.day(utc: state.latest!.savedAt))" },
                hasMoved: !state.moved.isEmpty, hasHistory: state.latest != nil)
        }
        let checklist = try await shared.service.checklist(year: year, sources: sources, figures: figures).map { item in
            YearPage.Item(title: item.title, done: item.done, mark: item.done ? "Klart" : "Öppen", detail: item.detail, link: item.link)
        }
        let published = try await shared.service.publishedReports(for: user).filter { $0.year == year }.map { report in
            YearPage.Published(id: report.id, kind: report.internal ? "internt arbetsmaterial" : "publik", at: minute(report.publishedAt), by: report.publishedBy)
        }
        let openCount = checklist.filter { !$0.done }.count
        return shared.views.page(.lagesbild, YearPage(
            chrome: Chrome(title: "Lägesbild \(year)", context: context, current: "/lagesbild"), year: year, sections: sections,
            checklist: checklist, openCount: openCount, allDone: openCount == 0, published: published, hasPublished: !published.isEmpty,
            canPublish: user.role == .samordnare, today: String(SwedishTime.minute(shared.service.clock()).prefix(10))))
    }

    // MARK: - One text

    struct TextPage {
        struct Conflict {
            let version: Int
            let by: String
            let at: String
            let text: String
            let diff: [HistoryPage.Line]
        }
        let chrome: Chrome
        let year: Int
        let key: String
        let title: String
        let guidance: String
        let text: String
        let version: Int
        let status: String
        let errors: [String]
        let hasErrors: Bool
        let previewHTML: String
        let hasPreview: Bool
        let conflict: Conflict?
        let moved: [String]
        let hasMoved: Bool
        let isProblems: Bool
        let activities: [String]
        let hasActivities: Bool
        let indicators: [String]
        let rows: Int
        /// For *Källor och begränsningar*: what the report prints beside the group's words.
        let facts: [String]
        let hasFacts: Bool
    }

    func section(_ request: Request) throws -> TextSection {
        guard let name = request.query("avsnitt"), let section = TextSection(rawValue: name) else { throw HTTPError(.notFound) }
        return section
    }

    @Sendable func textPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: try await shared.figures.version(context)))
        let section = try section(request)
        let latest = try await shared.service.texts(year: year)[section]
        return try await textPage(context, year: year, section: section, text: latest?.text ?? section.starter, version: latest?.version ?? 0)
    }

    func textPage(_ context: WorkspaceContext, year: Int, section: TextSection, text: String, version: Int, errors: [String] = [],
                  preview: Bool = false, conflict: TextPage.Conflict? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let sources = shared.figures.sources
        let figures = WorkspaceService.figures(of: try await shared.figures.exact(year: year, version: try await shared.figures.version(context)))
        let state = try await shared.service.textStates(year: year, sources: sources, figures: figures).first { $0.section == section }
        let latest = state?.latest
        let savedStatus = latest.map { "Senast sparad: version \($0.version), \(minute($0.savedAt)) av \($0.savedBy)." } ?? "Inte sparad ännu."
        let activities = section == .problem ? try await shared.service.store.asyncActivities(year: year) : []
        let facts = section == .kallor ? try await shared.service.sourceFacts(year: year, sources: sources) : []
        return shared.views.page(.text, TextPage(
            chrome: Chrome(title: "\(section.title) \(year)", context: context, current: "/lagesbild"), year: year, key: section.rawValue,
            title: section.title, guidance: section.guidance, text: text, version: version, status: savedStatus, errors: errors,
            hasErrors: !errors.isEmpty, previewHTML: preview ? Assessment.html(fromMarkdown: text) : "", hasPreview: preview, conflict: conflict,
            moved: (state?.moved ?? []).map(\.exactText), hasMoved: !(state?.moved ?? []).isEmpty, isProblems: section == .problem,
            activities: activities, hasActivities: !activities.isEmpty,
            indicators: sources.definitions.map { "\($0.id) \($0.title)" },
            rows: min(40, max(12, text.split(separator: "\n", omittingEmptySubsequences: false).count + 3)),
            facts: facts, hasFacts: !facts.isEmpty), status: status)
    }

    /// The posted text (the contract for scripts: `csrf`, `ar`, `avsnitt`, `text`, `version`; `atgard` is
    /// `forhandsgranska` for a preview, else the text is saved).
    struct TextForm: Decodable {
        let ar, avsnitt, version: String
        let text: String?
        let atgard: String?
    }

    @Sendable func saveText(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(TextForm.self)
        guard let year = Int(form.ar), Years.valid.contains(year), let section = TextSection(rawValue: form.avsnitt),
              let basedOn = Int(form.version), basedOn >= 0 else { throw HTTPError(.badRequest) }
        let text = form.text ?? ""
        if form.atgard == "forhandsgranska" {
            return try await textPage(context, year: year, section: section, text: text, version: basedOn, preview: true)
        }
        do {
            let outcome = try await shared.service.saveText(year: year, section: section, text: text, basedOn: basedOn,
                                                            sources: shared.figures.sources, by: context.actor)
            let flash = outcome.saved ? Flash(text: "\(section.title) \(year) är sparad (version \(outcome.text.version)).")
                : Flash(text: "Inget ändrades: \(section.definiteName) var redan sparad med den här texten.")
            return await shared.seeOther("/lagesbild?ar=\(year)#avsnitt-\(section.rawValue)", flash, context: context)
        } catch let error as TextError {
            return try await textPage(context, year: year, section: section, text: text, version: basedOn,
                                      errors: ["Texten sparades inte.", sentence(error.description)], status: .unprocessableContent)
        } catch let conflict as TextConflict {
            let stored = conflict.stored
            return try await textPage(
                context, year: year, section: section, text: text, version: stored.version,
                errors: ["Texten sparades inte: \(stored.savedBy) sparade version \(stored.version) medan du skrev.",
                         "Båda versionerna står nedan och inget har gått förlorat. För över det som ska vara kvar till din text och spara igen; "
                             + "då blir din text version \(stored.version + 1)."],
                conflict: TextPage.Conflict(version: stored.version, by: stored.savedBy, at: minute(stored.savedAt), text: stored.text,
                                            diff: HistoryPage.lines(WorkspaceService.diff(from: stored.text, to: text))),
                status: .conflict)
        }
    }

    // MARK: - Versions

    struct HistoryPage {
        struct Version {
            let version: Int
            let by: String
            let at: String
            let note: String
            let selected: Bool
        }
        struct Line {
            let mark: String
            let kind: String
            let text: String
            let label: String
        }
        let chrome: Chrome
        let year: Int
        let key: String
        let title: String
        let versions: [Version]
        let hasVersions: Bool
        let shown: Int
        let shownHTML: String
        let shownBy: String
        let shownAt: String
        let diff: [Line]
        let hasDiff: Bool
        let comparedWith: Int
        let latest: Int
        let canRestore: Bool

        static func lines(_ diff: [DiffLine]) -> [Line] {
            diff.map { line in
                switch line.change {
                case .same: Line(mark: " ", kind: "same", text: line.text, label: "")
                case .removed: Line(mark: "−", kind: "removed", text: line.text, label: "borttagen rad")
                case .added: Line(mark: "+", kind: "added", text: line.text, label: "ny rad")
                }
            }
        }
    }

    @Sendable func historyPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: try await shared.figures.version(context)))
        let section = try section(request)
        let history = try await shared.service.textHistory(year: year, section: section)
        let latest = history.first?.version ?? 0
        let shown = try request.query("version", as: Int.self) ?? latest
        let text = history.first { $0.version == shown }
        if !history.isEmpty && text == nil { throw HTTPError(.notFound) }
        let comparedWith = try request.query("mot", as: Int.self) ?? shown - 1
        let other = history.first { $0.version == comparedWith }
        let diff = text.map { WorkspaceService.diff(from: other?.text ?? "", to: $0.text) } ?? []
        let versions = history.map { version in
            HistoryPage.Version(version: version.version, by: version.savedBy, at: minute(version.savedAt),
                                note: version.restoredFrom.map { "återställd från version \($0)" } ?? "", selected: version.version == shown)
        }
        return shared.views.page(.historik, HistoryPage(
            chrome: Chrome(title: "\(section.title) \(year): versioner", context: context, current: "/lagesbild"), year: year,
            key: section.rawValue, title: section.title, versions: versions, hasVersions: !versions.isEmpty, shown: shown,
            shownHTML: text.map { Assessment.html(fromMarkdown: $0.text) } ?? "", shownBy: text?.savedBy ?? "",
            shownAt: text.map { minute($0.savedAt) } ?? "", diff: HistoryPage.lines(diff), hasDiff: text != nil,
            comparedWith: other == nil ? 0 : comparedWith, latest: latest, canRestore: text != nil && shown != latest))
    }

    struct RestoreForm: Decodable {
        let ar, avsnitt, version, senaste: String
    }

    @Sendable func restore(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(RestoreForm.self)
        guard let year = Int(form.ar), Years.valid.contains(year), let section = TextSection(rawValue: form.avsnitt),
              let version = Int(form.version), let latest = Int(form.senaste) else { throw HTTPError(.badRequest) }
        let link = "/lagesbild/text/historik?ar=\(year)&avsnitt=\(section.rawValue)"
        do {
            let restored = try await shared.service.restoreText(year: year, section: section, version: version, basedOn: latest,
                                                                sources: shared.figures.sources, by: context.actor)
            return await shared.seeOther(link + "&version=\(restored.version)",
                                         Flash(text: "Version \(version) är återställd som version \(restored.version); inget har tagits bort."), context: context)
        } catch let conflict as TextConflict {
            return await shared.seeOther(link, Flash(text: "Inget återställdes: \(conflict.stored.savedBy) sparade version \(conflict.stored.version) "
                                                     + "medan du tittade. Jämför igen och välj på nytt.", isError: true), context: context)
        } catch let error as TextError {
            return await shared.seeOther(link, Flash(text: "Inget återställdes: " + sentence(error.description), isError: true), context: context)
        }
    }
}

extension Store {
    /// The names of the year's activities, for the problems' Åtgärd: lines.
    func asyncActivities(year: Int) async throws -> [String] {
        let kommun = ownKommun
        return try await asyncRead { db in try db.activities(kommun: kommun, year: year).map(\.name) }
    }
}
