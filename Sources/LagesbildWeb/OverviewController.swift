import Foundation
import Hummingbird
import LagesbildIndicators
import LagesbildModel
import LagesbildReport
import LagesbildService
import LagesbildStore

/// The overview (who reported what), the measurement points as a page and as JSON: read-only, for the samordnare,
/// rapportörer and medlemmar (``RequireRole/figures``; the overview's group sends a läsare to the reports).
struct OverviewController {
    let shared: Shared

    func addRoutes(overview overviewGroup: RouterGroup<WorkspaceContext>, figures: RouterGroup<WorkspaceContext>) {
        overviewGroup.get("/", use: overview)
        figures.get("/matpunkter", use: indicatorsPage)
        figures.get("/api/matpunkter", use: indicatorsJSON)
    }

    struct FigureRow {
        let id: String
        let title: String
        let value: String
        let previous: String
        let trend: String
    }

    /// The rows of a published report: masked values as "<5" (or ".." for secondary suppression), no trend beside one.
    static func figureRows(_ report: IndicatorReport, summaryOnly: Bool) -> [FigureRow] {
        let results = summaryOnly ? report.indicators.filter { $0.definition.inSummary && !$0.series.isEmpty } : report.indicators
        return results.map { result in
            FigureRow(id: result.definition.id, title: result.definition.title,
                      value: FigureText.published(result.value, suppressed: result.suppressed, result.definition, threshold: report.maskThreshold),
                      previous: FigureText.published(result.previous, suppressed: result.previousSuppressed, result.definition, threshold: report.maskThreshold),
                      trend: FigureText.trend(result.trend, result.changeTest))
        }
    }

    struct OverviewPage {
        struct Source { let name: String; let months: [Month] }
        /// A month's cell: "●" signals reported, "0" a zero report (no signals), "–" nothing reported.
        struct Month {
            let label: String
            let mark: String
            let text: String
            let style: String

            init(label: String, state: ReportingStatus.MonthState) {
                self.label = label
                (mark, text, style) = switch state {
                case .signals: ("●", "signaler rapporterade", "yes")
                case .zero: ("0", "inga signaler (nollrapport)", "zero")
                case .missing: ("–", "saknas", "no")
                }
            }
        }
        struct LastImport { let kind: String; let file: String; let at: String }
        let year: Int
        let kommunName: String
        let monthHeaders: [String]
        let sources: [Source]
        let hasSources: Bool
        let departments: [String]
        let hasDepartments: Bool
        let lastImports: [LastImport]
        let figures: [FigureRow]
        let hasFigures: Bool
        let baseYear: Int
        let maskText: String
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

    @Sendable func overview(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let figures = shared.figures
        let version = try await figures.version(context)
        let year = try await LagesbildWeb.year(request, fallback: try await figures.defaultYear(version: version))
        let content = try await figures.page("oversikt", year: year, version: version) { [shared] in
            try await Self.overviewContent(shared, year: year, version: version)
        }
        return shared.views.page(.sida, SharedPage(chrome: Chrome(title: "Översikt \(year)", context: context, current: "/"), content: content))
    }

    static func overviewContent(_ shared: Shared, year: Int, version: String) async throws -> String {
        let store = shared.store
        let kommun = store.ownKommun
        let (status, lastImports, kommunName) = try await store.asyncRead { db in
            (try db.reportingStatus(kommun: kommun, year: year), try db.lastImports(), try db.kommunName(kommun))
        }
        let sources = status.signalSources.map { source in
            OverviewPage.Source(name: source.kalla.isEmpty ? "(ingen källa angiven)" : source.kalla, months: (1...12).map { month in
                OverviewPage.Month(label: monthNames[month - 1], state: source.state(of: month))
            })
        }
        let report = try await shared.figures.published(year: year, version: version)
        let figures = figureRows(report, summaryOnly: true)
        let page = OverviewPage(year: year, kommunName: kommunName, monthHeaders: monthNames, sources: sources, hasSources: !sources.isEmpty,
                                departments: status.departments, hasDepartments: !status.departments.isEmpty,
                                lastImports: lastImports.map { .init(kind: $0.kind.rawValue, file: $0.entry.fileName, at: minute($0.entry.importedAt)) },
                                figures: figures, hasFigures: !figures.isEmpty, baseYear: report.baseYear,
                                maskText: FigureText.masked(threshold: report.maskThreshold))
        return shared.views.render(.oversiktInnehall, page)
    }

    struct IndicatorsPage {
        let chrome: Chrome
        let year: Int
        let baseYear: Int
        let figures: [FigureRow]
        let maskText: String
        let exactJSON: Bool
    }

    @Sendable func indicatorsPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let version = try await shared.figures.version(context)
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: version))
        let report = try await shared.figures.published(year: year, version: version)
        return shared.views.page(.matpunkter, IndicatorsPage(chrome: Chrome(title: "Mätpunkter \(year)", context: context, current: "/matpunkter"),
                                                             year: year, baseYear: report.baseYear,
                                                             figures: Self.figureRows(report, summaryOnly: false),
                                                             maskText: FigureText.masked(threshold: report.maskThreshold),
                                                             exactJSON: user.role.readsInternal))
    }

    /// The command line's JSON contract (`indicators --format json`): exact for who reads internal material (the
    /// samordnare, a medlem), and for everyone else the published view, in which every masked value (and every change,
    /// p-value and trend computed from one) is null.
    @Sendable func indicatorsJSON(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let version = try await shared.figures.version(context)
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: version))
        let report = user.role.readsInternal ? try await shared.figures.exact(year: year, version: version)
            : try await shared.figures.published(year: year, version: version)
        let data = try report.jsonData() + Data("\n".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A page whose content is the same for everyone who may see it, rendered once per state of the data.
struct SharedPage {
    let chrome: Chrome
    let content: String
}
