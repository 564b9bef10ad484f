import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Skriver årets lägesbild som en fristående HTML-fil (A4, redo att skriva ut eller spara som PDF)."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("År att redovisa.", valueName: "år"), transform: OptionValue.year) var year: Int
    @Option(help: ArgumentHelp("Kommunkod (standard: databasens egen kommun).", valueName: "kod"), transform: OptionValue.kommun) var kommun: KommunCode?
    @Option(help: ArgumentHelp("Filen att skriva (standard: lagesbild-<kommun>-<år>.html).", valueName: "fil")) var output: String?
    @Flag(help: "Exakta värden, varje sida märkt \"Internt arbetsmaterial – ej röjandekontrollerat\".") var `internal` = false
    @Option(help: ArgumentHelp("Samverkansgruppens bedömning i Markdown (standard: Reports/<år>/bedomning.md bredvid databasen).", valueName: "fil.md"))
    var assessment: String?
    @Option(help: ArgumentHelp("Rapportens datum, ÅÅÅÅ-MM-DD (standard: i dag).", valueName: "datum"), transform: OptionValue.date) var date: String?
    @Option(help: ArgumentHelp("Mapp med mätpunkter (*.yaml).", valueName: "mapp")) var indicators: String?
    @Option(help: ArgumentHelp("Mapp med egna rapportmallar (lagesbild.mustache, indicator.mustache, lagesbild.css).", valueName: "mapp"))
    var templates: String?

    func run() throws {
        try reportingErrors {
            let store = try database.open()
            let code = resolveKommun(kommun, store: store)
            var options = ReportOptions(year: year, kommun: code)
            options.isInternal = `internal`
            options.assessmentPath = assessment
            options.date = date
            options.templateDirectory = templates
            let definitions = try DefinitionLoader.resolve(explicit: indicators, databasePath: database.path)
            let references = try DefinitionLoader.resolveReferences(explicit: indicators, databasePath: database.path)
            let html = try ReportBuilder(store: store, definitions: definitions, references: references).render(options)
            let path = output ?? "lagesbild-\(code)-\(year).html"
            do {
                try Data(html.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw CommandError(message: "\(path): rapporten kan inte skrivas (\(error.localizedDescription))")
            }
            print("Skrev \(path)\(`internal` ? " (internt arbetsmaterial, exakta värden)" : "").")
            print("Öppna filen i en webbläsare; skriv ut som PDF (A4) för att skicka den.")
        }
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Skapar fiktiva data för Strömsunds kommun 2022–2025, läser in dem och skriver 2025 års rapport."
    )

    @Option(help: ArgumentHelp("Mapp för demofilerna, databasen och rapporten.", valueName: "mapp")) var dir: String = "lagesbild-demo"
    @Option(help: ArgumentHelp("Rapportens datum, ÅÅÅÅ-MM-DD (standard: i dag).", valueName: "datum"), transform: OptionValue.date) var date: String?

    func run() throws {
        try reportingErrors {
            let result = try Demo.run(in: URL(fileURLWithPath: dir), date: date)
            print("Fiktiva demodata för Strömsunds kommun (2313), 2022–2025:")
            for file in result.import_.files {
                print("  \(file.displayName): \(file.kind?.rawValue ?? "") (\(file.encoding?.swedishName ?? "")), \(SwedishFormat.integer(file.inserted)) rader")
            }
            print("Databas: \(result.databasePath)")
            print("Rapport: \(result.reportPath)")
            print("Prova: lagesbild indicators --db \(result.databasePath) --year 2025")
        }
    }
}
