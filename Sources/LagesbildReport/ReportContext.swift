/// What the report's Mustache templates (`Reports/*.mustache`) read: typed, so that a misspelt name is a compile
/// error in Swift instead of an empty place in the report. swift-mustache reads the properties by name (Mirror);
/// each property here is a name the templates use. Texts are already formatted in Swedish and masked.
struct ReportContext {
    var title: String
    var documentTitle: String
    var kommunName: String
    var kommun: String
    var year: Int
    var baseYear: Int
    var date: String
    /// "lagesbild 0.3.0 (commit …)": the program and version that made the report.
    var producer = "lagesbild"
    var recipients: String
    var hasPageMark: Bool
    /// Used inside a CSS string in the template's @page rule; text from code, never from data.
    var pageMark: String
    var demo: Bool
    var `internal`: Bool
    var summary: [SummaryRow]
    /// Page 2 for decision-makers: the three to five most important changes, who reported, the assessment's start.
    var highlights: [String] = []
    /// The områden on a map (when their boundaries are imported).
    var areaMap: AreaMap?
    struct AreaMap {
        struct Row {
            var name: String
            var count: String
            var population: String
            var value: String
        }
        var heading: String
        /// Inline SVG.
        var map: String
        var caption: String
        var showsRate: Bool
        var valueHeading: String
        var rows: [Row]
    }
    var reported: [String] = []
    var assessmentLead: String = ""
    var targetArea1: [IndicatorBlock]
    var targetArea2: [IndicatorBlock]
    var targetArea3: [IndicatorBlock]
    var activityPlan: ActivityPlanContext
    var comparison: ComparisonContext
    var hasActivities: Bool
    var activitySentence: String
    var hasAssessment: Bool
    var assessmentHTML: String
    /// The group's other texts and the facts beside them.
    var groupTexts: GroupTextSections.Context? = nil
    var development: DevelopmentTable
    var definitions: [DefinitionRow]
    var sources: [SourceRow]
    var hasSources: Bool
    var threshold: Int
    var largestMasked: Int
    var maskText: String
    var anyMasked: Bool
    /// The mark of a figure hidden by secondary suppression.
    var hiddenText = FigureText.hidden
    /// The stylesheet, inlined.
    var css = ""
    /// The cover's line on the report's standing ("Version 2 · Fastställd av samverkansgruppen … · Dnr …", or
    /// "Utkast – ej publicerad"); empty for a report written from the command line.
    var publicationLine = ""
    var hasPublicationLine = false
    var isDraft = false
}

/// A line of the summary: one measurement point this year and the year before, with its sentence.
struct SummaryRow {
    var id: String
    var title: String
    var value: String
    var previous: String
    var trend: String
    var sentence: String
}

/// One measurement point's section: its figures, chart, series and breakdown tables.
struct IndicatorBlock {
    var id: String
    var anchor: String
    var title: String
    var description: String
    var unit: String
    var unitNote: String
    var value: String
    var previous: String
    var change: String
    var trend: String
    var pValue: String
    var sentence: String
    var hasNote: Bool
    var note: String
    var hasChart: Bool
    /// Inline SVG.
    var chart: String
    var series: [SeriesRow]
    var breakdowns: [BreakdownTable]
}

struct SeriesRow {
    var year: String
    var value: String
}

/// A breakdown of a measurement point (per område, källa, förvaltning …).
struct BreakdownTable {
    var caption: String
    var dimension: String
    var rows: [BreakdownRow]
    var hasChart: Bool
    /// Inline SVG, for training shares per förvaltning.
    var chart: String?
    /// Under a table with a cell hidden by secondary suppression: what its mark means.
    var hiddenNote: String?
}

struct BreakdownRow {
    var label: String
    var value: String
    var previous: String
    var trend: String
}

/// "Utveckling över tid": every measurement point for every year.
struct DevelopmentTable {
    struct Year { var year: Int }
    struct Row {
        var id: String
        var title: String
        var unit: String
        var cells: [Cell]
    }
    struct Cell { var value: String }

    var years: [Year]
    var caption: String
    var rows: [Row]
}

/// A row of the method section's list of measurement points.
struct DefinitionRow {
    var id: String
    var title: String
    var description: String
    var unit: String
    var direction: String
    var targetArea: Int
    var masked: String
    var file: String
}

/// A row of the list of imports the figures come from.
struct SourceRow {
    var id: Int64
    var date: String
    var kind: String
    var file: String
    var rows: String
    var sha: String
}

/// "Uppföljning av aktivitetsplanen".
struct ActivityPlanContext {
    struct Header { var label: String }
    struct StatusRow {
        struct Cell { var value: Int }
        var label: String
        var cells: [Cell]
        var total: Int
        var isTotal: Bool
    }
    struct Area {
        var heading: String
        var caption: String
        var activities: [ActivityRow]
    }
    struct ActivityRow {
        var name: String
        var responsible: String
        var level: String
        var status: String
        var comment: String
        var carriedOver: Bool
    }

    var hasActivities: Bool
    var year: Int
    var previousYear: Int = 0
    var sentence: String = ""
    /// Inline SVG.
    var chart: String = ""
    var statusHeaders: [Header] = []
    var statusRows: [StatusRow] = []
    var hasCarriedOver = false
    var areas: [Area] = []
}

/// "Jämförelse med omvärlden".
struct ComparisonContext {
    struct Chart {
        var sentence: String
        /// Inline SVG.
        var chart: String
        var caption: String
    }
    struct Row {
        var title: String
        var unit: String
        var kommun: String
        var lan: String
        var riket: String
        var result: String
    }
    struct ReferenceRow {
        var title: String
        var unit: String
        var source: String
        var kommun: String
        var lan: String
        var riket: String
    }
    struct Attribution { var text: String }
    /// The county's municipalities shaded by a rate, and the same figures as a table.
    struct CountyMap {
        struct Row {
            var name: String
            var count: String
            var population: String
            var value: String
            var emphasised: Bool
        }
        var heading: String
        /// Inline SVG.
        var map: String
        var caption: String
        var valueHeading: String
        var rows: [Row]
        var attribution: String
    }

    var hasComparisons: Bool
    var hasCharts: Bool
    var charts: [Chart]
    var rows: [Row]
    var kommunName: String
    var lanName: String
    /// The county's column heading: its name, and "6 av 8 kommuner" when the store lacks some of them.
    var lanHeading: String
    /// Whether the computed comparison has a national column: only when the store holds every municipality of
    /// Sweden (a national figure from part of the country is not one).
    var showsRiket: Bool
    /// Why it has none, in a sentence.
    var riketNote: String?
    var year: Int
    var hasReferences: Bool
    var references: [ReferenceRow]
    var attributions: [Attribution]
    var isEmpty: Bool
    var countyMap: CountyMap?
}
