import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// The report's section "Uppföljning av aktivitetsplanen": what the municipality did in the year, beside
/// what the figures show. Activity counts are never masked: they are not events about people.
struct ActivityPlanSection {
    let activities: [Activity]
    let year: Int

    static let statuses = Vocabulary.aktivitetsstatus.entries.map(\.code)

    func count(_ status: String, in list: [Activity]? = nil) -> Int {
        (list ?? activities).filter { $0.status == status }.count
    }

    /// "12 av 16 aktiviteter genomfördes, 3 pågår och förs över till 2025." Cancelled activities are left
    /// out of the whole, as in MO3-01, and named in a sentence of their own.
    var sentence: String {
        let done = count("genomford"), ongoing = count("pagaende"), notStarted = count("ej-paborjad"), cancelled = count("installd")
        let planned = activities.count - cancelled
        var text: String
        if planned == 0 {
            text = cancelled == 1 ? "Årets enda aktivitet ställdes in" : "Alla \(cancelled) aktiviteter ställdes in"
            return text + "."
        }
        text = "\(done) av \(planned) \(planned == 1 ? "aktivitet" : "aktiviteter") i aktivitetsplanen för \(year) genomfördes"
        switch (ongoing, notStarted) {
        case (0, 0): break
        case (_, 0): text += ", \(ongoing) pågår och förs över till \(year + 1)"
        case (0, _): text += ", \(notStarted) har inte påbörjats och förs över till \(year + 1)"
        default: text += ", \(ongoing) pågår och \(notStarted) har inte påbörjats; de förs över till \(year + 1)"
        }
        text += "."
        if cancelled > 0 {
            text += cancelled == 1 ? " En aktivitet ställdes in." : " \(cancelled) aktiviteter ställdes in."
        }
        return text
    }

    func context() -> ActivityPlanContext {
        guard !activities.isEmpty else { return ActivityPlanContext(hasActivities: false, year: year) }
        let statusLabels = Self.statuses.map { Vocabulary.aktivitetsstatus.label(for: $0) }
        let areas = Vocabulary.malomrade.entries.filter { entry in activities.contains { $0.targetArea == entry.code } }
        func areaName(_ code: String) -> String { "\(code) \(Vocabulary.malomrade.label(for: code))" }
        let rows = areas.map { area -> (label: String, segments: [Charts.Segment]) in
            let list = activities.filter { $0.targetArea == area.code }
            return (areaName(area.code), Self.statuses.enumerated().map { Charts.Segment(series: $0.offset, value: count($0.element, in: list)) })
        }
        let description = "Liggande staplade staplar, antal aktiviteter per målområde och status: "
            + rows.map { row in
                row.label + ": " + row.segments.map { "\(statusLabels[$0.series].lowercased()) \($0.value)" }.joined(separator: ", ")
            }.joined(separator: "; ") + "."
        let chart = Charts.stackedBars(id: "aktivitetsplan-chart", title: "Aktiviteter \(year) per målområde och status",
                                       description: description, series: statusLabels, rows: rows)
        var table = rows.map { row in
            ActivityPlanContext.StatusRow(label: row.label, cells: row.segments.map { .init(value: $0.value) },
                                          total: row.segments.reduce(0) { $0 + $1.value }, isTotal: false)
        }
        table.append(.init(label: "Totalt", cells: Self.statuses.map { .init(value: count($0)) }, total: activities.count, isTotal: true))
        let carried = activities.filter(\.carriedOver).count
        return ActivityPlanContext(
            hasActivities: true,
            year: year,
            previousYear: year - 1,
            sentence: sentence,
            chart: chart,
            statusHeaders: statusLabels.map { .init(label: $0) },
            statusRows: table,
            hasCarriedOver: carried > 0,
            areas: areas.map { area in
                ActivityPlanContext.Area(
                    heading: "Målområde \(area.code) – \(area.label)",
                    caption: "Aktiviteter \(year), målområde \(area.code) \(area.label.lowercased())",
                    activities: activities.filter { $0.targetArea == area.code }.map { activity in
                        ActivityPlanContext.ActivityRow(
                            name: activity.name,
                            responsible: activity.responsible,
                            level: activity.level.isEmpty ? "–" : Vocabulary.insatsniva.label(for: activity.level),
                            status: Vocabulary.aktivitetsstatus.label(for: activity.status),
                            comment: activity.comment,
                            carriedOver: activity.carriedOver
                        )
                    }
                )
            }
        )
    }
}
