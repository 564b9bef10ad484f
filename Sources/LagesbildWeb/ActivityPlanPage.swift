import Foundation
import Hummingbird
import LagesbildModel
import LagesbildService

/// A choice of a select: a code, its Swedish label, and whether it is the one chosen.
struct Choice {
    let code: String
    let label: String
    let selected: Bool

    /// A vocabulary's entries after an empty first choice (`none`), the one of `selected` chosen; a code that is not
    /// in the list (stored before it changed) stays choosable.
    static func list(_ entries: [(code: String, label: String)], none: String, selected: String) -> [Choice] {
        let known = entries.contains { $0.code == selected } || selected.isEmpty
        return ([(code: "", label: none)] + entries + (known ? [] : [(code: selected, label: selected)]))
            .map { Choice(code: $0.code, label: $0.label, selected: $0.code == selected) }
    }

    static func list(_ vocabulary: Vocabulary, none: String, selected: String) -> [Choice] {
        list(vocabulary.entries.map { (code: $0.code, label: $0.label) }, none: none, selected: selected)
    }
}

/// The activity plan's page: the year chooser, the offer to start from last year, and the form, its rows grouped by
/// målområde.
extension ActivityPlanController {
    struct RowView {
        let number: Int
        let aktivitet, ansvarig, kommentar: String
        let areas, levels, statuses: [Choice]
    }

    /// Consecutive rows of one målområde (the stored rows come sorted by it; typed rows stay where they were typed,
    /// so that an error's row number is the row's).
    struct Group {
        let heading: String
        let rows: [RowView]
    }

    struct Page {
        let chrome: Chrome
        let year: Int
        let previousYear: Int
        let groups: [Group]
        let version: String
        let offersCarryOver: Bool
        let carriedCount: Int
        let lines: [String]
        let hasLines: Bool
        let errors: [String]
        let hasErrors: Bool
    }

    /// "Målområde 1 – Organisation och samordning", "Nya aktiviteter" for rows with nothing in them.
    static func heading(of row: ActivityPlanForm.Row) -> String {
        if row.isBlank { return "Nya aktiviteter" }
        if row.malomrade.isEmpty { return "Målområde inte valt" }
        return "Målområde \(row.malomrade) – \(Vocabulary.malomrade.label(for: row.malomrade))"
    }

    func page(_ context: WorkspaceContext, year: Int, rows: [ActivityPlanForm.Row], version: String, offersCarryOver: Bool, carriedCount: Int,
              lines: [String] = [], errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let areas = Vocabulary.malomrade.entries.map { (code: $0.code, label: "\($0.code) \($0.label)") }
        var groups: [(heading: String, rows: [RowView])] = []
        for (index, row) in rows.enumerated() {
            let view = RowView(number: index + 1, aktivitet: row.aktivitet, ansvarig: row.ansvarig, kommentar: row.kommentar,
                               areas: Choice.list(areas, none: "(välj målområde)", selected: row.malomrade),
                               levels: Choice.list(.insatsniva, none: "(ej angiven)", selected: row.insatsniva),
                               statuses: Choice.list(.aktivitetsstatus, none: "(välj status)", selected: row.status))
            let heading = Self.heading(of: row)
            if groups.last?.heading == heading { groups[groups.count - 1].rows.append(view) } else { groups.append((heading, [view])) }
        }
        let view = Page(chrome: Chrome(title: "Aktivitetsplanen \(year)", context: context, current: "/uppgifter/aktiviteter"), year: year,
                        previousYear: year - 1, groups: groups.map { Group(heading: $0.heading, rows: $0.rows) }, version: version,
                        offersCarryOver: offersCarryOver, carriedCount: carriedCount, lines: lines, hasLines: !lines.isEmpty,
                        errors: errors, hasErrors: !errors.isEmpty)
        return shared.views.page(.aktiviteter, view, status: status)
    }
}
