/// What the report's Mustache templates (`Reports/*.mustache`) read: typed, so that a misspelt name is a compile
/// error in Swift instead of an empty place in the report. swift-mustache reads the properties by name (Mirror);
/// each property here is a name the templates use. Texts are already formatted in Swedish and masked.
package struct ReportContext {
    package var title: String
    package var documentTitle: String
    package var kommunName: String
    package var kommun: String
    package var year: Int
    package var baseYear: Int
    package var date: String
    /// "lagesbild 0.3.0 (commit …)": the program and version that made the report.
    package var producer = "lagesbild"
    package var recipients: String
    package var hasPageMark: Bool
    /// Used inside a CSS string in the template's @page rule; text from code, never from data.
    package var pageMark: String
    package var demo: Bool
    package var `internal`: Bool
    package var summary: [SummaryRow]
    /// Page 2 for decision-makers: the three to five most important changes, who reported, the assessment's start.
    package var highlights: [String] = []
    /// The områden on a map (when their boundaries are imported).
    package var areaMap: AreaMap?
    package struct AreaMap {
        package struct Row {
            package var name: String
            package var count: String
            package var population: String
            package var value: String
        }
        package var heading: String
        /// Inline SVG.
        package var map: String
        package var caption: String
        package var showsRate: Bool
        package var valueHeading: String
        package var rows: [Row]
    }
    package var reported: [String] = []
    package var assessmentLead: String = ""
    package var targetArea1: [IndicatorBlock]
    package var targetArea2: [IndicatorBlock]
    package var targetArea3: [IndicatorBlock]
    package var activityPlan: ActivityPlanContext
    package var comparison: ComparisonContext
    package var hasActivities: Bool
    package var activitySentence: String
    package var hasAssessment: Bool
    package var assessmentHTML: String
    package var assessmentSource: String
    package var development: DevelopmentTable
    package var definitions: [DefinitionRow]
    package var sources: [SourceRow]
    package var hasSources: Bool
    package var threshold: Int
    package var largestMasked: Int
    package var maskText: String
    package var anyMasked: Bool
    /// The mark of a figure hidden by secondary suppression.
    package var hiddenText = FigureText.hidden
    /// The stylesheet, inlined.
    package var css = ""
}

/// A line of the summary: one measurement point this year and the year before, with its sentence.
package struct SummaryRow {
    package var id: String
    package var title: String
    package var value: String
    package var previous: String
    package var trend: String
    package var sentence: String
}

/// One measurement point's section: its figures, chart, series and breakdown tables.
package struct IndicatorBlock {
    package var id: String
    package var anchor: String
    package var title: String
    package var description: String
    package var unit: String
    package var unitNote: String
    package var value: String
    package var previous: String
    package var change: String
    package var trend: String
    package var pValue: String
    package var sentence: String
    package var hasNote: Bool
    package var note: String
    package var hasChart: Bool
    /// Inline SVG.
    package var chart: String
    package var series: [SeriesRow]
    package var breakdowns: [BreakdownTable]
}

package struct SeriesRow {
    package var year: String
    package var value: String
}

/// A breakdown of a measurement point (per område, källa, förvaltning …).
package struct BreakdownTable {
    package var caption: String
    package var dimension: String
    package var rows: [BreakdownRow]
    package var hasChart: Bool
    /// Inline SVG, for training shares per förvaltning.
    package var chart: String?
    /// Under a table with a cell hidden by secondary suppression: what its mark means.
    package var hiddenNote: String?
}

package struct BreakdownRow {
    package var label: String
    package var value: String
    package var previous: String
    package var trend: String
}

/// "Utveckling över tid": every measurement point for every year.
package struct DevelopmentTable {
    package struct Year { package var year: Int }
    package struct Row {
        package var id: String
        package var title: String
        package var unit: String
        package var cells: [Cell]
    }
    package struct Cell { package var value: String }

    package var years: [Year]
    package var caption: String
    package var rows: [Row]
}

/// A row of the method section's list of measurement points.
package struct DefinitionRow {
    package var id: String
    package var title: String
    package var description: String
    package var unit: String
    package var direction: String
    package var targetArea: Int
    package var masked: String
    package var file: String
}

/// A row of the list of imports the figures come from.
package struct SourceRow {
    package var id: Int64
    package var date: String
    package var kind: String
    package var file: String
    package var rows: String
    package var sha: String
}

/// "Uppföljning av aktivitetsplanen".
package struct ActivityPlanContext {
    package struct Header { package var label: String }
    package struct StatusRow {
        package struct Cell { package var value: Int }
        package var label: String
        package var cells: [Cell]
        package var total: Int
        package var isTotal: Bool
    }
    package struct Area {
        package var heading: String
        package var caption: String
        package var activities: [ActivityRow]
    }
    package struct ActivityRow {
        package var name: String
        package var responsible: String
        package var level: String
        package var status: String
        package var comment: String
        package var carriedOver: Bool
    }

    package var hasActivities: Bool
    package var year: Int
    package var previousYear: Int = 0
    package var sentence: String = ""
    /// Inline SVG.
    package var chart: String = ""
    package var statusHeaders: [Header] = []
    package var statusRows: [StatusRow] = []
    package var hasCarriedOver = false
    package var areas: [Area] = []
}

/// "Jämförelse med omvärlden".
package struct ComparisonContext {
    package struct Chart {
        package var sentence: String
        /// Inline SVG.
        package var chart: String
        package var caption: String
    }
    package struct Row {
        package var title: String
        package var unit: String
        package var kommun: String
        package var lan: String
        package var riket: String
        package var result: String
    }
    package struct ReferenceRow {
        package var title: String
        package var unit: String
        package var source: String
        package var kommun: String
        package var lan: String
        package var riket: String
    }
    package struct Attribution { package var text: String }
    /// The county's municipalities shaded by a rate, and the same figures as a table.
    package struct CountyMap {
        package struct Row {
            package var name: String
            package var count: String
            package var population: String
            package var value: String
            package var emphasised: Bool
        }
        package var heading: String
        /// Inline SVG.
        package var map: String
        package var caption: String
        package var valueHeading: String
        package var rows: [Row]
        package var attribution: String
    }

    package var hasComparisons: Bool
    package var hasCharts: Bool
    package var charts: [Chart]
    package var rows: [Row]
    package var kommunName: String
    package var lanName: String
    /// The county's column heading: its name, and "6 av 8 kommuner" when the store lacks some of them.
    package var lanHeading: String
    /// Whether the computed comparison has a national column: only when the store holds every municipality of
    /// Sweden (a national figure from part of the country is not one).
    package var showsRiket: Bool
    /// Why it has none, in a sentence.
    package var riketNote: String?
    package var year: Int
    package var hasReferences: Bool
    package var references: [ReferenceRow]
    package var attributions: [Attribution]
    package var isEmpty: Bool
    package var countyMap: CountyMap?
}
