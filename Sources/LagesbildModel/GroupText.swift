import Foundation

/// The collaboration group's own texts of a year's lägesbild: what the numbers serve. The group writes them in the
/// workspace or from the command line (Markdown); lagesbild never writes them, it only keeps every version, checks
/// them against the data and renders them safely.
public enum TextSection: String, CaseIterable, Sendable, Codable {
    /// The joint assessment: where the problems are greatest, how the situation compares and how it has developed.
    case bedomning
    /// The prioritised problems, each with its cause analysis, the measure taken and the measurement point that
    /// follows it (``PriorityProblem``).
    case problem
    /// BRÅ's four questions about the sources, in the group's words; the program adds the facts beside them.
    case kallor
    /// The coordinator's contacts and the watch on the surroundings.
    case omvarld

    public var title: String {
        switch self {
        case .bedomning: "Samverkansgruppens bedömning"
        case .problem: "Prioriterade problem"
        case .kallor: "Källor och begränsningar"
        case .omvarld: "Omvärld och kontakter"
        }
    }

    /// The section's name inside a sentence: "bedömningen sparades …".
    public var definiteName: String {
        switch self {
        case .bedomning: "bedömningen"
        case .problem: "de prioriterade problemen"
        case .kallor: "källor och begränsningar"
        case .omvarld: "omvärld och kontakter"
        }
    }

    /// What the group is asked to write, shown above the text box.
    public var guidance: String {
        switch self {
        case .bedomning:
            "Samverkansgruppens gemensamma bedömning: var problemen är störst, hur läget står sig mot jämförelsedata och hur det har "
                + "utvecklats. Det första stycket står också på rapportens sammanfattningssida."
        case .problem:
            "Ett avsnitt per prioriterat problem: en rubrik med ## och sedan raderna Orsaksanalys:, Åtgärd: (en aktivitet i årets "
                + "aktivitetsplan, med samma namn) och Mätpunkt: (t.ex. MO1-01). Rapporten visar kedjan problem → åtgärd → mätpunkt "
                + "med mätpunktens utveckling."
        case .kallor:
            "Brås fyra frågor om källorna. Programmet skriver själv vilka som har rapporterat, vilka månader som saknas, vilka "
                + "jämförelsedata som används och vad maskeringen döljer; skriv här gruppens ord om urvalet och vad det betyder."
        case .omvarld:
            "Samordnarens kontakter (den nationella samordningen, polisen, Länsstyrelsen, grannkommuner) och omvärldsbevakningen, "
                + "med egna ord."
        }
    }

    /// The text a new section starts from: the prompts the group answers.
    public var starter: String {
        switch self {
        case .bedomning, .omvarld: ""
        case .problem:
            """
            ## Problemet med några ord

            Orsaksanalys: Varför problemet finns här, enligt det gruppen vet.

            Åtgärd: Aktivitetens namn i årets aktivitetsplan

            Mätpunkt: MO1-01
            """
        case .kallor:
            """
            ### Varför valdes just de här problemen?

            ### Vilka källor användes och vilka valdes bort?

            ### Hur begränsar urvalet det vi vet?

            ### Vad betyder begränsningarna för arbetet?
            """
        }
    }

    /// Texts longer than this are refused (a whole report is some 40 000 characters).
    public static let maximumLength = 50_000
}

/// One prioritised problem of the section ``TextSection/problem``: the chain the report shows, problem → åtgärd →
/// mätpunkt.
public struct PriorityProblem: Sendable, Equatable {
    /// The line the problem's heading stands on (1-based), for messages.
    public let line: Int
    public let title: String
    /// The cause analysis, in Markdown.
    public let causes: String
    /// The measure's name as the activity plan writes it; nil when none is given yet.
    public let measure: String?
    /// The measurement point that follows the problem, e.g. "MO1-01".
    public let indicator: String

    public init(line: Int, title: String, causes: String, measure: String?, indicator: String) {
        self.line = line
        self.title = title
        self.causes = causes
        self.measure = measure
        self.indicator = indicator
    }

    /// Why a problem section cannot be read; `line` is 1-based.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "rad \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// The problems of a section's text. Each starts at a heading "## …"; its fields are the lines beginning with
    /// "Orsaksanalys:", "Åtgärd:" and "Mätpunkt:", each running to the next field or heading. A text that does not
    /// follow the form is refused with the line, not read by guess.
    public static func parse(_ text: String) throws(ParseError) -> [PriorityProblem] {
        enum Field { case causes, measure, indicator }
        struct Draft {
            let line: Int
            let title: String
            var fields: [Field: [String]] = [:]
            var fieldLines: [Field: Int] = [:]
        }
        var drafts: [Draft] = []
        var current: Field?
        let labels: [(String, Field)] = [("orsaksanalys:", .causes), ("åtgärd:", .measure), ("mätpunkt:", .indicator)]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.hasPrefix("## ") || line == "##" {
                let title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                guard !title.isEmpty else { throw ParseError(line: number, message: "rubriken saknar problemets namn") }
                drafts.append(Draft(line: number, title: title))
                current = nil
                continue
            }
            if line.hasPrefix("#") && !line.hasPrefix("###") {
                throw ParseError(line: number, message: "\"\(line.prefix(40))\": varje problem börjar med en rubrik på formen \"## Problemet\"")
            }
            if let (label, field) = labels.first(where: { line.lowercased().hasPrefix($0.0) }) {
                guard !drafts.isEmpty else {
                    throw ParseError(line: number, message: "\(line.prefix(label.count)) står före första problemets rubrik (## …)")
                }
                guard drafts[drafts.count - 1].fields[field] == nil else {
                    throw ParseError(line: number, message: "problemet \"\(drafts[drafts.count - 1].title)\" har redan en rad \(line.prefix(label.count))")
                }
                drafts[drafts.count - 1].fields[field] = [line.dropFirst(label.count).trimmingCharacters(in: .whitespaces)]
                drafts[drafts.count - 1].fieldLines[field] = number
                current = field
                continue
            }
            if line.isEmpty {
                if let current, !drafts.isEmpty { drafts[drafts.count - 1].fields[current]?.append("") }
                continue
            }
            guard !drafts.isEmpty else {
                throw ParseError(line: number, message: "texten före första problemets rubrik (## …) hör inte till något problem")
            }
            guard let current else {
                throw ParseError(line: number, message: "\"\(line.prefix(40))\" står utanför raderna Orsaksanalys:, Åtgärd: och Mätpunkt:")
            }
            guard current == .causes else {
                throw ParseError(line: number, message: "\(current == .measure ? "Åtgärd:" : "Mätpunkt:") ska stå på en rad")
            }
            drafts[drafts.count - 1].fields[current]?.append(line)
        }
        return try drafts.map { draft throws(ParseError) in
            func value(_ field: Field) -> String? {
                let text = (draft.fields[field] ?? []).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : text
            }
            guard let causes = value(.causes) else {
                throw ParseError(line: draft.line, message: "problemet \"\(draft.title)\" saknar raden Orsaksanalys:")
            }
            guard let indicator = value(.indicator) else {
                throw ParseError(line: draft.line, message: "problemet \"\(draft.title)\" saknar raden Mätpunkt: (t.ex. MO1-01)")
            }
            return PriorityProblem(line: draft.line, title: draft.title, causes: causes, measure: value(.measure), indicator: indicator)
        }
    }
}
