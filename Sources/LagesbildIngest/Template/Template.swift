import Foundation
import GRDB
import LagesbildModel
import LagesbildStore

/// `lagesbild mall`: a workbook to fill in, one sheet per kind with the import's own headers, drop-down lists
/// of the vocabularies and whole-number checks, so that typos are caught while typing rather than at import.
/// A filled-in template imports as it is; its unused sheets (header only) and its instruction and list
/// sheets are skipped.
public enum Template {
    static let sheetNames: [(kind: DataKind, name: String)] = [
        (.signaler, "Signaler"), (.utbildning, "Utbildning"), (.befolkning, "Befolkning"), (.samverkan, "Samverkan"),
        (.aktiviteter, "Aktiviteter"),
    ]

    /// Columns left out of the template: the municipality is the database's own.
    static func columns(of kind: DataKind) -> [ColumnSpec] { kind.columns.filter { $0.db != .kommun } }

    /// Who the template is for: the command line's user, or someone who uploads it in the workspace (a rapportör with
    /// their scope: only their kinds' sheets, and their own källor and förvaltningar as the only choices).
    public enum Audience: Sendable, Equatable {
        case commandLine
        case workspace(scope: ImportScope?)
    }

    /// Writes the template. `year` narrows the year column to that year; the store (when given) adds its registers'
    /// names (källor, förvaltningar, områden, aktörer) as the lists to choose from.
    public static func write(to url: URL, year: Int?, store: Store?, audience: Audience = .commandLine) throws {
        var suggestions: (areas: [String], departments: [String], sources: [String], actors: [String]) = ([], [], [], [])
        var kommunName = ""
        let scope: ImportScope? = if case .workspace(let scope) = audience { scope } else { nil }
        if let store {
            kommunName = try store.kommunName(store.ownKommun)
            suggestions = try (store.registerNames(.omraden), store.registerNames(.forvaltningar), store.registerNames(.kallor),
                               store.registerNames(.aktorer))
        }
        if let scope {
            suggestions.sources = scope.kallor
            suggestions.departments = scope.forvaltningar
        }
        let kinds = sheetNames.filter { scope == nil || scope!.binding(for: $0.kind) != nil }

        // The hidden list sheet: one column per vocabulary, then the database's suggestions.
        var lists: [(name: String, values: [String])] = [
            ("kategori", Vocabulary.kategori.entries.map(\.label)),
            ("miljö", Vocabulary.miljo.entries.map(\.label)),
            ("utbildning", Vocabulary.utbildning.entries.map(\.label)),
            ("typ", Vocabulary.samverkanstyp.entries.map(\.label)),
            ("målområde", Vocabulary.malomrade.entries.map(\.label)),
            ("insatsnivå", Vocabulary.insatsniva.entries.map(\.label)),
            ("status", Vocabulary.aktivitetsstatus.entries.map(\.label)),
        ]
        if !suggestions.areas.isEmpty { lists.append(("område", suggestions.areas)) }
        if !suggestions.departments.isEmpty { lists.append(("förvaltning", suggestions.departments)) }
        if !suggestions.sources.isEmpty { lists.append(("källa", suggestions.sources)) }
        if !suggestions.actors.isEmpty { lists.append(("aktör", suggestions.actors)) }
        func listRange(_ name: String) -> String? {
            guard let index = lists.firstIndex(where: { $0.name == name }) else { return nil }
            let column = SheetReader.columnName(index)
            return "Listor!$\(column)$2:$\(column)$\(lists[index].values.count + 1)"
        }
        let longest = lists.map(\.values.count).max() ?? 0
        var listSheet = WorkbookWriter.Sheet(name: "Listor", hidden: true)
        listSheet.columns = lists.map { WorkbookWriter.Column(header: $0.name, width: 30) }
        listSheet.rows = (0..<longest).map { row in lists.map { row < $0.values.count ? $0.values[row] : "" } }

        var sheets: [WorkbookWriter.Sheet] = [instructions(year: year, kommunName: kommunName, audience: audience)]
        for (kind, name) in kinds {
            var sheet = WorkbookWriter.Sheet(name: name)
            let columns = columns(of: kind)
            sheet.columns = columns.map { column in
                let header = column.name.capitalizedFirst
                let width: Double = switch column.type {
                case .label, .requiredLabel, .populationArea: column.db == .comment ? 50 : 32
                case .vocabulary: 30
                default: Double(max(header.count + 4, 10))
                }
                return WorkbookWriter.Column(header: header, width: width)
            }
            for (index, column) in columns.enumerated() {
                let required = column.required ? "Obligatorisk. " : ""
                switch column.type {
                case .year:
                    let range = year.map { ($0, $0) } ?? (Years.valid.lowerBound, Years.valid.upperBound)
                    sheet.validations.append(.init(column: index, rule: .wholeNumber(minimum: range.0, maximum: range.1),
                                                   prompt: "\(required)Året som raden gäller" + (year.map { " (\($0))." } ?? ", t.ex. 2025."),
                                                   error: year.map { "Skriv året \($0)." } ?? "Skriv ett år \(Years.validInSwedish)."))
                case .month:
                    sheet.validations.append(.init(column: index, rule: .wholeNumber(minimum: 1, maximum: 12),
                                                   prompt: "Månad 1–12. Lämna tomt för hela året.", error: "Skriv en månad 1–12 eller lämna tomt."))
                case .count, .optionalCount:
                    sheet.validations.append(.init(column: index, rule: .wholeNumber(minimum: 0, maximum: nil),
                                                   prompt: "\(required)Ett heltal, 0 eller mer.", error: "Skriv ett heltal som är 0 eller mer."))
                case .vocabulary(let vocabulary):
                    if let range = listRange(vocabulary.name) {
                        sheet.validations.append(.init(column: index, rule: .list(range: range, strict: true),
                                                       prompt: "\(required)Välj i listan.", error: "Välj ett värde i listan: \(vocabulary.allowedList)."))
                    }
                case .label, .requiredLabel, .populationArea:
                    let listName = switch column.db {
                    case .area: "område"
                    case .department: "förvaltning"
                    case .source: "källa"
                    case .actor: "aktör"
                    default: ""
                    }
                    let note = column.db == .responsible ? "En funktion, aldrig en person. " : column.db == .comment ? "Skriv inget som pekar ut någon. " : ""
                    // A rapportör's own källor and förvaltningar are the only values their upload takes.
                    let own = scope != nil && (column.db == .source || column.db == .department)
                    if let range = listRange(listName) {
                        sheet.validations.append(.init(column: index, rule: .list(range: range, strict: own),
                                                       prompt: "\(required)\(note)" + (own ? "Välj i listan." : "Välj ett namn ur registret."),
                                                       error: own ? "Välj ett värde i listan." : ""))
                    } else if !note.isEmpty || column.required {
                        sheet.validations.append(.init(column: index, rule: .list(range: "\"\"", strict: false), prompt: "\(required)\(note)Fri text.", error: ""))
                    }
                case .kommun, .region, .decimal, .geometry:
                    break
                }
            }
            sheet.validations.removeAll { if case .list(let range, _) = $0.rule { range == "\"\"" } else { false } }
            sheets.append(sheet)
        }
        sheets.append(listSheet)
        try WorkbookWriter.write(WorkbookWriter.parts(sheets, title: "Underlag till lägesbild"), to: url)
    }

    static func instructions(year: Int?, kommunName: String, audience: Audience = .commandLine) -> WorkbookWriter.Sheet {
        var sheet = WorkbookWriter.Sheet(name: "Instruktioner", hasHeader: false)
        sheet.columns = [WorkbookWriter.Column(header: "", width: 110)]
        let forWhom = kommunName.isEmpty ? "" : " för \(kommunName)"
        let lines: [(String, Bool)] = [
            ("Underlag till lägesbilden\(forWhom)" + (year.map { " \($0)" } ?? ""), true),
            ("", false),
            ("Fyll i de blad som gäller, en rad per uppgift. Rubrikraden får inte ändras. Blad som bara har rubrikraden hoppas över.", false),
            ("Signaler: antal signaler (flygblad, klotter, symboler m.m.) per kategori, miljö, område och källa. Aldrig uppgifter om personer.", false),
            ("Inga signaler en månad: skriv en rad med året, månaden, källan och antal 0 och lämna kategori, miljö och område tomma (en nollrapport).", false),
            ("Utbildning: målgrupp och antal som genomfört varje utbildning per förvaltning.", false),
            ("Befolkning: invånare i hela kommunen (lämna område tomt) eller per område.", false),
            ("Samverkan: aktörer som kommunen samverkar med, deras typ och antal möten.", false),
            ("Aktiviteter: aktivitetsplanens aktiviteter med målområde, ansvarig funktion (aldrig en person), insatsnivå och status.", false),
            ("", false),
            ("Listorna i cellerna visar de värden som godtas. Tal ska vara heltal, 0 eller mer. Personnummer vägras.", false),
        ]
        var closing: [(String, Bool)] = []
        switch audience {
        case .commandLine:
            closing.append(("Läs in arbetsboken med: lagesbild import \(year.map { "underlag-\($0).xlsx" } ?? "underlag.xlsx")", true))
        case .workspace(let scope):
            if let scope { closing.append(("Ditt konto rapporterar \(scope.allowedInSwedish).", false)) }
            closing.append(("Ladda upp arbetsboken under Uppgifter i arbetsytan: först visas vad som skulle läsas in, och inget sparas förrän du väljer Spara.", true))
        }
        let all = lines + closing
        sheet.rows = all.map { [$0.0] }
        sheet.boldRows = Set(all.indices.filter { all[$0].1 })
        return sheet
    }
}
