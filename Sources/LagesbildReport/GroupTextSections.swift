import Foundation
import LagesbildIndicators
import LagesbildModel
import LagesbildStore

/// The group's texts as the report prints them: the assessment, the prioritised problems as chains problem → åtgärd →
/// mätpunkt, the sources and their limits beside the facts the program knows, and the watch on the surroundings.
/// The texts are the group's Markdown (``Assessment/html(fromMarkdown:)`` makes them safe HTML); every figure beside
/// them is the report's own, masked as the report is.
struct GroupTextSections {
    let report: IndicatorReport
    let texts: [TextSection: GroupText]
    let activities: [Activity]
    let reporting: ReportingStatus?
    let previousReporting: ReportingStatus?
    /// The months the year asks of its källor, as of the report's date.
    let expectedMonths: [Int]
    /// What the checklist left open when the report was published.
    let openItems: [String]
    let exact: Bool
    let sentence: (IndicatorResult) -> String

    struct Problem {
        let title: String
        let causes: String
        let hasMeasure: Bool
        let measure: String
        let measureFacts: String
        let indicator: String
        let indicatorSentence: String
    }

    struct Context {
        let hasProblems: Bool
        let problems: [Problem]
        let problemsHTML: String
        let hasProblemsHTML: Bool
        let hasSourcesText: Bool
        let sourcesHTML: String
        let sourceFacts: [String]
        let hasOpenItems: Bool
        let openItems: [String]
        let hasSurroundings: Bool
        let surroundingsHTML: String
        let savedNotes: [String]
    }

    func context() -> Context {
        let problemText = texts[.problem]?.text ?? ""
        let parsed = (try? PriorityProblem.parse(problemText)) ?? []
        // A stored text was checked when it was saved; should one no longer read as problems, it is shown as it is.
        let fallback = parsed.isEmpty && !problemText.isEmpty ? Assessment.html(fromMarkdown: problemText, topLevel: 4) : ""
        return Context(
            hasProblems: !parsed.isEmpty,
            problems: parsed.map(problem),
            problemsHTML: fallback,
            hasProblemsHTML: !fallback.isEmpty,
            hasSourcesText: !(texts[.kallor]?.text ?? "").isEmpty,
            sourcesHTML: texts[.kallor].map { Assessment.html(fromMarkdown: $0.text, topLevel: 4) } ?? "",
            sourceFacts: sourceFacts(),
            hasOpenItems: !openItems.isEmpty,
            openItems: openItems,
            hasSurroundings: !(texts[.omvarld]?.text ?? "").isEmpty,
            surroundingsHTML: texts[.omvarld].map { Assessment.html(fromMarkdown: $0.text, topLevel: 4) } ?? "",
            savedNotes: TextSection.allCases.compactMap { section in
                texts[section].map { "\(section.title): senast sparad \(SwedishTime.day(utc: $0.savedAt)) (version \($0.version))." }
            })
    }

    func problem(_ problem: PriorityProblem) -> Problem {
        let activity = problem.measure.flatMap { measure in activities.first { TextKey.fold($0.name) == TextKey.fold(measure) } }
        var facts = ""
        if let activity {
            let status = Vocabulary.aktivitetsstatus.label(for: activity.status)
            facts = "\(status)" + (activity.responsible.isEmpty ? "" : ", ansvarig: \(activity.responsible)")
                + (activity.comment.isEmpty ? "" : ". \(activity.comment)")
        } else if problem.measure != nil {
            facts = "finns inte i årets aktivitetsplan"
        }
        let result = report.indicator(problem.indicator)
        return Problem(title: problem.title, causes: Assessment.html(fromMarkdown: problem.causes, topLevel: 5), hasMeasure: problem.measure != nil,
                       measure: activity?.name ?? problem.measure ?? "", measureFacts: facts,
                       indicator: result.map { "\($0.definition.id) \($0.definition.title)" } ?? problem.indicator,
                       indicatorSentence: result.map(sentence) ?? "Mätpunkten finns inte bland rapportens mätpunkter.")
    }

    /// What the program knows about the sources: who reported, which months are missing, the reference data, and
    /// what masking hides.
    func sourceFacts() -> [String] {
        var facts: [String] = []
        if let reporting {
            let gaps = reporting.gaps(previous: previousReporting, months: expectedMonths)
            if gaps.isEmpty {
                if !expectedMonths.isEmpty && !reporting.signalSources.isEmpty {
                    facts.append("Alla källor som rapporterade \(report.year - 1) eller \(report.year) har rapporterat varje månad \(report.year), signaler eller en nollrapport.")
                }
            } else {
                for gap in gaps {
                    let names = gap.missing.map { SwedishFormat.monthNames[$0 - 1] }
                    let months = names.count > 1 ? names.dropLast().joined(separator: ", ") + " och " + names.last! : names[0]
                    facts.append("\(gap.kalla) har inte rapporterat för \(months) \(report.year): de månaderna är okända, inte noll.")
                }
            }
        }
        let references = report.references.filter { $0.kommun != nil || $0.lan != nil || $0.riket != nil }
        if references.isEmpty {
            facts.append("Inga jämförelsedata (officiell statistik) finns i databasen för \(report.year).")
        } else {
            let names = references.map { "\($0.title) (\($0.attribution.replacingOccurrences(of: "Källa: ", with: "")))" }
            facts.append("Jämförelsedata: " + names.joined(separator: "; ") + ".")
        }
        let masked = maskedCount
        if exact {
            facts.append("Internt arbetsmaterial: inga värden är maskerade; i den publika rapporten maskeras \(masked) \(masked == 1 ? "värde" : "värden").")
        } else if masked > 0 {
            facts.append("\(masked) \(masked == 1 ? "värde är maskerat" : "värden är maskerade") (färre än \(report.maskThreshold) händelser, "
                         + "eller så att ett maskerat värde inte kan räknas fram) och visas inte.")
        } else {
            facts.append("Inget värde i rapporten behövde maskeras.")
        }
        return facts
    }

    /// The values of the year and the year before that a published report hides.
    var maskedCount: Int {
        report.indicators.reduce(0) { count, result in
            count + (result.suppressed ? 1 : 0) + (result.previousSuppressed ? 1 : 0)
                + result.breakdowns.reduce(0) { $0 + $1.cells.filter(\.suppressed).count + $1.cells.filter(\.previousSuppressed).count }
        }
    }
}
