import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService
import LagesbildStore

/// The month form's page: the chooser, the year's months of the user's källor at a glance, and the form.
extension MonthController {
    struct Option { let code: String; let label: String; let selected: Bool }

    struct RowView {
        let number: Int
        let categories: [Option]
        let environments: [Option]
        let areas: [Option]
        let antal, oros, polis: String
    }

    struct CalendarMonth {
        let label: String
        let mark: String
        let text: String
        let style: String
        let link: String
        let current: Bool
    }

    struct CalendarSource { let name: String; let months: [CalendarMonth] }

    struct Page {
        let chrome: Chrome
        let year: Int
        let month: Int
        let monthName: String
        let source: String
        let hasSource: Bool
        let sources: [Option]
        let months: [Option]
        let rows: [RowView]
        let noSignals: Bool
        let version: String
        let calendar: [CalendarSource]
        let hasCalendar: Bool
        let lines: [String]
        let hasLines: Bool
        let errors: [String]
        let hasErrors: Bool
    }

    func page(_ context: WorkspaceContext, user: WebUser, year: Int, month: Int, source: String, sources: [String], rows: [MonthReport.Row],
              noSignals: Bool, version: String, lines: [String] = [], errors: [String] = [],
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let kommun = shared.store.ownKommun
        let areas = try await shared.service.registerNames(.omraden)
        let status_ = try await shared.store.asyncRead { db in try db.reportingStatus(kommun: kommun, year: year) }
        // The months at a glance: a rapportör's källor, or the källa the samordnare chose.
        let shown = user.role == .samordnare ? (source.isEmpty ? [] : [source]) : sources
        let calendar = shown.map { name in
            let state = status_.signalSources.first { $0.kalla == name }
            return CalendarSource(name: name, months: (1...12).map { number in
                let cell = OverviewController.OverviewPage.Month(label: OverviewController.monthNames[number - 1],
                                                                 state: state?.state(of: number) ?? .missing)
                return CalendarMonth(label: cell.label, mark: cell.mark, text: cell.text, style: cell.style,
                                     link: "/uppgifter/manad?ar=\(year)&manad=\(number)&kalla=\(Self.encoded(name))",
                                     current: name == source && number == month)
            })
        }
        func options(_ entries: [(code: String, label: String)], _ selected: String) -> [Option] {
            entries.map { Option(code: $0.code, label: $0.label, selected: $0.code == selected) }
        }
        let categories = [(code: "", label: "(välj kategori)")] + Vocabulary.kategori.entries.map { ($0.code, $0.label) }
        let environments = [(code: "", label: "(ej angiven)")] + Vocabulary.miljo.entries.map { ($0.code, $0.label) }
        let rowViews = rows.enumerated().map { index, row in
            // A stored or typed område that is no longer among the choices stays choosable.
            let areaNames = areas.contains(row.omrade) || row.omrade.isEmpty ? areas : areas + [row.omrade]
            return RowView(number: index + 1, categories: options(categories, row.kategori), environments: options(environments, row.miljo),
                           areas: options([(code: "", label: "(ej angivet)")] + areaNames.map { ($0, $0) }, row.omrade),
                           antal: row.antal, oros: row.oros, polis: row.polis)
        }
        let monthOptions = SwedishFormat.monthNames.enumerated().map { Option(code: String($0.offset + 1), label: $0.element, selected: $0.offset + 1 == month) }
        let view = Page(chrome: Chrome(title: "Månadens signaler", context: context, current: "/uppgifter"), year: year, month: month,
                        monthName: SwedishFormat.monthAndYear(month, year), source: source, hasSource: !source.isEmpty,
                        sources: sources.map { Option(code: $0, label: $0, selected: $0 == source) }, months: monthOptions,
                        rows: rowViews, noSignals: noSignals, version: version, calendar: calendar, hasCalendar: !calendar.isEmpty,
                        lines: lines, hasLines: !lines.isEmpty, errors: errors, hasErrors: !errors.isEmpty)
        return shared.views.page(.manad, view, status: status)
    }
}
