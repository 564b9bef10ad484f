import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// What the report template shows, prepared from the indicator results: every figure already formatted
/// in Swedish and every mask already applied. The template only places it (and escapes text).
struct ReportModel {
    let report: IndicatorReport
    let definitions: [IndicatorDefinition]
    /// `--internal`: exact values.
    let exact: Bool
    let demo: Bool
    let date: String
    let sources: [ImportLogEntry]
    /// The group's assessment as safe HTML.
    let assessment: String?
    /// The activity plan of the report's year.
    let activities: [Activity]
    /// Who reported figures for the year: the signals' källor and the training's förvaltningar.
    var reporting: ReportingStatus? = nil
    var areaBoundaries: [(name: String, polygons: [GridPolygon])] = []
    var areaPopulation: [String: Int] = [:]

    /// A no-break space keeps "1 234" and "45 %" on one line.
    static let space = "\u{00A0}"

    var threshold: Int { report.maskThreshold }

    func context() -> ReportContext {
        let title = "Lägesbild \(report.year) – radikalisering och våldsbejakande extremism"
        var pageMarks: [String] = []
        if demo { pageMarks.append("Fiktiva demodata – inte verkliga uppgifter") }
        if exact { pageMarks.append("Internt arbetsmaterial – ej röjandekontrollerat") }
        let pageMark = pageMarks.joined(separator: " · ")
        var context = ReportContext(
            title: title,
            documentTitle: "\(title) – \(report.kommunName)",
            kommunName: report.kommunName,
            kommun: report.kommun.rawValue,
            year: report.year,
            baseYear: report.baseYear,
            date: date,
            recipients: Self.recipientsText,
            hasPageMark: !pageMark.isEmpty,
            pageMark: pageMark,
            demo: demo,
            internal: exact,
            summary: summary(),
            targetArea1: report.indicators.filter { $0.definition.targetArea == 1 }.map(block),
            targetArea2: report.indicators.filter { $0.definition.targetArea == 2 }.map(block),
            targetArea3: report.indicators.filter { $0.definition.targetArea == 3 }.map(block),
            activityPlan: activityPlan.context(),
            comparison: ComparisonSection(report: report, exact: exact, space: Self.space).context(),
            hasActivities: !activities.isEmpty,
            activitySentence: activities.isEmpty ? "" : activityPlan.sentence,
            hasAssessment: assessment != nil,
            assessmentHTML: assessment ?? "",
            development: development(),
            definitions: definitions.map(definitionRow),
            sources: sources.map(sourceRow),
            hasSources: !sources.isEmpty,
            threshold: threshold,
            largestMasked: threshold - 1,
            maskText: FigureText.masked(threshold: threshold),
            anyMasked: !exact && anyMasked
        )
        context.highlights = highlights()
        context.reported = reportedLines()
        context.assessmentLead = assessmentLead
        context.areaMap = AreaMapSection(report: report, boundaries: areaBoundaries, population: areaPopulation, exact: exact,
                                         space: Self.space).context()
        return context
    }

    /// The changes a decision-maker reads first: statistically significant ones first (smallest p-value first), then
    /// the largest relative changes; a change that masking hides is left out. Three to five, the activity plan's
    /// sentence last when there is a plan.
    func highlights() -> [String] {
        let changed = report.indicators.filter { result in
            result.trend != nil && result.value != nil && result.previous != nil
                && (exact || !(result.suppressed || result.previousSuppressed))
        }
        let significant = changed.filter { $0.trend == .increase || $0.trend == .decrease }
            .sorted { ($0.pValue ?? 1, $0.definition.id) < ($1.pValue ?? 1, $1.definition.id) }
        let others = changed.filter { $0.trend == .noSignificantChange }
            .sorted { (-abs($0.changeRel ?? 0), $0.definition.id) < (-abs($1.changeRel ?? 0), $1.definition.id) }
        // One item per measure family: the count of signals and signals per 10 000 are the same fact.
        var families = Set<String>()
        let distinct = (significant + others).filter { result in
            let primary = result.definition.measure.primary
            return families.insert("\(primary.kind.rawValue) \(primary.field?.column.rawValue ?? "") \(String(describing: primary.conditions))").inserted
        }
        var lines = distinct.prefix(activities.isEmpty ? 5 : 4).map(sentence)
        if !activities.isEmpty { lines.append(activityPlan.sentence) }
        return lines
    }

    /// "Signaler: 6 källor (Bibliotek, …)." and "Utbildning: 4 förvaltningar (…)." for the year.
    func reportedLines() -> [String] {
        guard let reporting else { return [] }
        var lines: [String] = []
        let sources = reporting.signalSources.filter { !$0.kalla.isEmpty }
        let names = sources.map(\.kalla)
        var signalLine = names.isEmpty ? "Signaler: ingen källa har rapporterat för \(report.year)."
            : "Signaler: \(names.count) \(names.count == 1 ? "källa" : "källor") (\(names.joined(separator: ", ")))."
        // A källa that reported "no signals" for a month has reported: say which, so that a quiet month reads as one.
        let zeroReporters = sources.filter { !$0.zeroMonths.isEmpty }
        if !zeroReporters.isEmpty {
            let months = zeroReporters.reduce(0) { $0 + ($1.zeroMonths.contains(0) ? 12 : $1.zeroMonths.count) }
            signalLine += " \(zeroReporters.count == names.count ? (names.count == 1 ? "Den" : "Alla") : "\(zeroReporters.count) av dem")"
                + " rapporterade också månader utan signaler (nollrapport, sammanlagt \(months) \(months == 1 ? "månad" : "månader"))."
        }
        lines.append(signalLine)
        lines.append(reporting.departments.isEmpty ? "Utbildning: ingen förvaltning har rapporterat för \(report.year)."
                     : "Utbildning: \(reporting.departments.count) \(reporting.departments.count == 1 ? "förvaltning" : "förvaltningar") (\(reporting.departments.joined(separator: ", "))).")
        return lines
    }

    /// The assessment's first paragraph, as rendered (already safe HTML).
    var assessmentLead: String {
        guard let html = assessment, let match = html.firstMatch(of: /<p>[\s\S]*?<\/p>/) else { return "" }
        return String(match.0)
    }

    var activityPlan: ActivityPlanSection { ActivityPlanSection(activities: activities, year: report.year) }

    static let recipientsText = ReportBuilder.recipients.joined(separator: ", ")

    var anyMasked: Bool {
        report.indicators.contains { result in
            result.suppressed || result.previousSuppressed || result.series.contains(where: \.suppressed)
                || result.breakdowns.contains { $0.cells.contains { $0.suppressed || $0.previousSuppressed } }
        }
    }

    func text(_ value: Double?, masked: Bool, secondary: Bool = false, _ definition: IndicatorDefinition) -> String {
        FigureText.published(value, suppressed: masked && !exact, secondary: secondary, definition, threshold: threshold, separator: Self.space)
    }

    /// A change from or to a masked value has no direction and no test in a published report: an arrow beside ".."
    /// or "<5" would tell which way the hidden count went.
    package func hidesChange(_ suppressed: Bool, _ previousSuppressed: Bool) -> Bool { !exact && (suppressed || previousSuppressed) }

    func sentence(_ result: IndicatorResult) -> String {
        Sentences.summary(result, year: report.year, baseYear: report.baseYear, threshold: threshold, exact: exact, space: Self.space)
    }

    func summary() -> [SummaryRow] {
        // An indicator whose source the store has never held (no year at all) has nothing to summarise.
        let chosen = report.indicators.filter { $0.definition.inSummary && !$0.series.isEmpty }
        return (chosen.isEmpty ? report.indicators : chosen).map { result in
            SummaryRow(
                id: result.definition.id,
                title: result.definition.title,
                value: text(result.value, masked: result.suppressed, result.definition),
                previous: result.previous == nil && result.trend == nil ? "–" : text(result.previous, masked: result.previousSuppressed, result.definition),
                trend: hidesChange(result.suppressed, result.previousSuppressed) ? "–" : FigureText.trend(result.trend, result.changeTest),
                sentence: sentence(result)
            )
        }
    }

    func block(_ result: IndicatorResult) -> IndicatorBlock {
        let definition = result.definition
        let masked = result.suppressed && !exact, previousMasked = result.previousSuppressed && !exact
        let anchor = "ind-" + definition.id.lowercased().replacingOccurrences(of: " ", with: "-")
        let bars = result.series.map { point -> Charts.Bar in
            let hidden = point.suppressed && !exact
            return Charts.Bar(label: String(point.year), value: hidden ? nil : point.value,
                              text: hidden ? FigureText.masked(threshold: threshold) : FigureText.value(point.value, definition, separator: Self.space),
                              emphasised: point.year == report.year)
        }
        let unitNote = definition.unit == .antal ? "" : " (\(definition.unit.rawValue))"
        let chartDescription = "Stapeldiagram över \(definition.title.lowercased())\(unitNote) per år: "
            + bars.map { "\($0.label): \($0.text)" }.joined(separator: ", ") + "."
        var blockContext = IndicatorBlock(
            id: definition.id,
            anchor: anchor,
            title: definition.title,
            description: definition.description,
            unit: definition.unit.rawValue,
            unitNote: unitNote,
            value: text(result.value, masked: result.suppressed, definition),
            previous: text(result.previous, masked: result.previousSuppressed, definition),
            change: masked || previousMasked ? "–" : FigureText.change(result.changeAbs, definition, separator: Self.space),
            trend: masked || previousMasked ? "–" : FigureText.trend(result.trend, result.changeTest),
            pValue: masked || previousMasked ? "–" : FigureText.pValue(result.pValue),
            sentence: sentence(result),
            hasNote: result.note != nil,
            note: result.note ?? "",
            hasChart: result.series.count >= 1,
            chart: Charts.columns(id: anchor + "-chart", title: "\(definition.id) \(definition.title)\(unitNote), \(result.series.first.map { String($0.year) } ?? "")–\(result.series.last.map { String($0.year) } ?? "")",
                                    description: chartDescription, bars: bars),
            series: bars.map { SeriesRow(year: $0.label, value: $0.text) },
            breakdowns: []
        )
        var breakdowns: [BreakdownTable] = []
        for breakdown in result.breakdowns where !breakdown.cells.isEmpty {
            let isTraining = definition.unit == .procent && breakdown.field.kind == .utbildning
            var table = BreakdownTable(
                caption: "\(definition.id) \(definition.title) per \(breakdown.field.name), \(report.year) och \(report.baseYear)",
                dimension: breakdown.field.name.capitalizedFirst,
                rows: breakdown.cells.map { cell in
                    BreakdownRow(
                        label: Hyphenation.compounds(cell.label),
                        value: text(cell.value, masked: cell.suppressed, secondary: cell.secondary, definition),
                        previous: cell.previous == nil ? "–" : text(cell.previous, masked: cell.previousSuppressed, secondary: cell.previousSecondary,
                                                                   definition),
                        trend: hidesChange(cell.suppressed, cell.previousSuppressed) ? "–" : FigureText.trend(cell.trend, cell.changeTest)
                    )
                },
                hasChart: isTraining
            )
            if !exact, breakdown.cells.contains(where: { $0.secondary || $0.previousSecondary }) {
                table.hiddenNote = "\(FigureText.hidden) = \(FigureText.hiddenExplanation) (röjandekontroll)."
            }
            if isTraining {
                let bars = breakdown.cells.map { cell in
                    Charts.Bar(label: cell.label, value: cell.value, text: FigureText.value(cell.value, definition, separator: Self.space))
                }
                table.chart = Charts.percentBars(
                    id: "\(anchor)-\(breakdown.field.column)-chart",
                    title: "\(definition.title) per \(breakdown.field.name) \(report.year)",
                    description: "Liggande staplar, andel i procent per \(breakdown.field.name): " + bars.map { "\($0.label): \($0.text)" }.joined(separator: ", ") + ".",
                    bars: bars)
            }
            breakdowns.append(table)
        }
        blockContext.breakdowns = breakdowns
        return blockContext
    }

    func development() -> DevelopmentTable {
        let years = Array(Set(report.indicators.flatMap { $0.series.map(\.year) })).sorted()
        return DevelopmentTable(
            years: years.map { DevelopmentTable.Year(year: $0) },
            caption: "Alla mätpunkter \(years.first.map(String.init) ?? "")–\(years.last.map(String.init) ?? "")",
            rows: report.indicators.map { result in
                DevelopmentTable.Row(
                    id: result.definition.id,
                    title: result.definition.title,
                    unit: result.definition.unit.rawValue,
                    cells: years.map { year in
                        guard let point = result.series.first(where: { $0.year == year }) else { return DevelopmentTable.Cell(value: "–") }
                        return DevelopmentTable.Cell(value: text(point.value, masked: point.suppressed, result.definition))
                    }
                )
            }
        )
    }

    func definitionRow(_ definition: IndicatorDefinition) -> DefinitionRow {
        let direction = switch definition.direction {
        case .lower: "lägre är bättre"
        case .higher: "högre är bättre"
        case .neutral: "varken högre eller lägre är i sig bättre"
        }
        return DefinitionRow(id: definition.id, title: definition.title, description: definition.description, unit: definition.unit.rawValue,
                             direction: direction, targetArea: definition.targetArea, masked: definition.masksSmallCounts ? "ja" : "nej",
                             file: definition.file)
    }

    func sourceRow(_ entry: ImportLogEntry) -> SourceRow {
        SourceRow(id: entry.id, date: String(entry.importedAt.prefix(10)), kind: entry.kind.rawValue, file: entry.fileName,
                  rows: SwedishFormat.integer(entry.rowsInserted + entry.rowsReplaced + entry.rowsUnchanged, separator: Self.space),
                  sha: String(entry.sha256.prefix(12)))
    }
}
