import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport
import LagesbildService
import LagesbildWeb

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
    @Option(help: ArgumentHelp("Samverkansgruppens bedömning i Markdown, i stället för den som är sparad (lagesbild text).", valueName: "fil.md"))
    var assessment: String?
    @Option(help: ArgumentHelp("Rapportens datum, ÅÅÅÅ-MM-DD (standard: i dag).", valueName: "datum"), transform: OptionValue.date) var date: String?
    @Option(help: ArgumentHelp("Mapp med mätpunkter (*.yaml).", valueName: "mapp")) var indicators: String?
    @Option(help: ArgumentHelp("Mapp med egna rapportmallar (lagesbild.mustache, indicator.mustache, lagesbild.css).", valueName: "mapp"))
    var templates: String?
    @Option(help: ArgumentHelp("Skriv också rapporten som PDF (A4, med innehållsförteckning som bokmärken) genom Chromium.", valueName: "fil.pdf"))
    var pdf: String?
    @Option(help: ArgumentHelp("Chromium att skriva ut PDF med (standard: chromium på PATH).", valueName: "sökväg"))
    var chromium: String?

    func run() throws {
        try reportingErrors {
            // Chromium is looked for before anything is computed or written.
            let printer = try pdf.map { _ in try PDFPrinter(explicit: chromium) }
            if let pdf {
                let folder = URL(fileURLWithPath: pdf).deletingLastPathComponent().path
                guard FileManager.default.isWritableFile(atPath: folder) else {
                    throw CommandError(message: "\(pdf): PDF-filen kan inte skrivas: mappen \(folder) finns inte eller får inte skrivas i")
                }
            }
            let store = try database.open()
            let code = resolveKommun(kommun, store: store)
            var options = ReportOptions(year: year, kommun: code)
            options.isInternal = `internal`
            options.assessmentPath = assessment
            options.date = date
            options.templateDirectory = templates
            options.producer = BuildInfo.producer
            let definitions = try DefinitionLoader.resolve(explicit: indicators, databasePath: database.path)
            let references = try DefinitionLoader.resolveReferences(explicit: indicators, databasePath: database.path)
            let html = try ReportBuilder(store: store, definitions: definitions, references: references).render(options)
            let path = output ?? "lagesbild-\(code)-\(year).html"
            if let printer, let pdf {
                // Printed from a private copy first: a failed print leaves neither file behind.
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-\(UUID().uuidString).html")
                defer { try? FileManager.default.removeItem(at: scratch) }
                try Data(html.utf8).write(to: scratch)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: scratch.path)
                let staged = pdf + ".\(UUID().uuidString).tmp"
                do {
                    try printer.print(html: scratch.path, to: staged)
                } catch let failure as PDFPrinter.Failure {
                    throw failure
                } catch {
                    throw CommandError(message: "\(pdf): PDF-filen kan inte skrivas (\(userMessage(for: error)))")
                }
                try write(html, to: path)
                // rename(2) puts the whole file in place at once, over an earlier one.
                guard rename(staged, pdf) == 0 else {
                    let reason = String(cString: strerror(errno))
                    try? FileManager.default.removeItem(atPath: staged)
                    throw CommandError(message: "\(pdf): PDF-filen kan inte skrivas (\(reason))")
                }
            } else {
                try write(html, to: path)
            }
            print("Skrev \(path)\(`internal` ? " (internt arbetsmaterial, exakta värden)" : "").")
            if let pdf {
                print("Skrev \(pdf) (A4, utskriven med Chromium).")
            } else {
                print("Öppna filen i en webbläsare; skriv ut som PDF (A4) för att skicka den, eller använd --pdf.")
            }
        }
    }
}

private func write(_ html: String, to path: String) throws {
    do {
        try Data(html.utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        throw CommandError(message: "\(path): rapporten kan inte skrivas (\(error.localizedDescription))")
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Skapar fiktiva data för Strömsunds kommun 2022–2025, läser in dem och skriver 2025 års rapport.",
        discussion: "Med --serve startar också arbetsytan på demodatabasen, med ett demokonto per roll vars lösenord skrivs ut."
    )

    @Option(help: ArgumentHelp("Mapp för demofilerna, databasen och rapporten.", valueName: "mapp")) var dir: String = "lagesbild-demo"
    @Option(help: ArgumentHelp("Rapportens datum, ÅÅÅÅ-MM-DD (standard: i dag).", valueName: "datum"), transform: OptionValue.date) var date: String?
    @Flag(help: "Starta arbetsytan (lagesbild serve) på demodatabasen med ett demokonto per roll.") var serve = false
    @Option(help: ArgumentHelp("Adress och port för --serve.", valueName: "värd:port"), transform: OptionValue.listen)
    var listen: (host: String, port: Int) = ("127.0.0.1", 8080)

    func run() async throws {
        var databasePath = ""
        try await reportingErrors {
            let result = try await Demo.run(in: URL(fileURLWithPath: dir), date: date)
            print("Fiktiva demodata för Strömsunds kommun (2313), 2022–2025:")
            for file in result.import_.files {
                print("  \(file.displayName): \(file.kind?.rawValue ?? "") (\(file.encoding?.swedishName ?? "")), \(SwedishFormat.integer(file.inserted)) rader")
            }
            print("Databas: \(result.databasePath)")
            print("Rapport: \(result.reportPath)")
            print("Prova: lagesbild indicators --db \(result.databasePath) --year 2025")
            databasePath = result.databasePath
        }
        guard serve else { return }
        try await reportingErrors {
            let service = WorkspaceService(store: try Store.open(path: databasePath))
            print("\nDemokonton för arbetsytan (fiktiva; lösenorden gäller bara den här demodatabasen):")
            for (name, role, kallor) in [("samordnare", WebRole.samordnare, [String]()), ("rapportor", .rapportor, ["Grundskola"]),
                                         ("medlem", .medlem, []), ("lasare", .lasare, [])] {
                let password = DemoPassword.make()
                _ = try await service.addUser(.init(name: name, role: role, password: password, kallor: kallor), by: .commandLine)
                print("  \(name) (\(role.swedishName)\(kallor.isEmpty ? "" : ", källa \(kallor.joined(separator: ", "))")): \(password)")
            }
            print("Öppna http://\(listen.host):\(listen.port)/ och logga in. Avsluta med Ctrl-C.")
            fflush(nil)  // every C stream: the passwords must show before the server starts, also when piped
        }
        let configuration = WorkspaceConfiguration(databasePath: databasePath, host: listen.host, port: listen.port, producer: BuildInfo.producer)
        do {
            try await Workspace.serve(configuration)
        } catch {
            Terminal.error(userMessage(for: error))
            throw ExitCode.failure
        }
    }
}

/// Demo accounts' passwords: 16 letters and digits from the system's random generator, printed once.
enum DemoPassword {
    static func make() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
