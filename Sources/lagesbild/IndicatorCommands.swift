import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport
import LagesbildService

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Options shared by the commands that compute indicators.
struct IndicatorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Kommunkod (standard: databasens egen kommun).", valueName: "kod"), transform: OptionValue.kommun)
    var kommun: KommunCode?

    @Option(help: ArgumentHelp("Mapp med mätpunkter (*.yaml). Standard: Indicators/ bredvid databasen, annars de inbyggda.", valueName: "mapp"))
    var indicators: String?

    @Option(help: ArgumentHelp("Utdata: table (för läsning), json eller csv (för analys, alltid exakta värden med maskflagga).", valueName: "format"))
    var format: OutputFormat = .table

    @Flag(help: "Visa exakta värden i tabellen (ej röjandekontrollerat, bara för internt bruk).")
    var exact = false

    func engine(_ database: DatabaseOptions) throws -> (IndicatorEngine, KommunCode) {
        let store = try database.open()
        let definitions = try DefinitionLoader.resolve(explicit: indicators, databasePath: database.path)
        let references = try DefinitionLoader.resolveReferences(explicit: indicators, databasePath: database.path)
        return (IndicatorEngine(store: store, definitions: definitions, references: references), resolveKommun(kommun, store: store))
    }

    func printAll(_ reports: [IndicatorReport]) throws {
        switch format {
        case .json: FileHandle.standardOutput.write(try IndicatorReport.jsonData(reports) + Data("\n".utf8))
        case .table: Swift.print(reports.map { IndicatorFormatter.table($0, exact: exact) }.joined(separator: "\n\n"))
        case .csv:
            for (index, report) in reports.enumerated() {
                var text = IndicatorFormatter.csv(report, kommunColumn: true)
                if index > 0 { text = String(text.split(separator: "\r\n", maxSplits: 1, omittingEmptySubsequences: false).last ?? "") }
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    func print(_ report: IndicatorReport) throws {
        switch format {
        case .table: Swift.print(IndicatorFormatter.table(report, exact: exact))
        case .json: FileHandle.standardOutput.write(try report.jsonData() + Data("\n".utf8))
        case .csv: FileHandle.standardOutput.write(Data(IndicatorFormatter.csv(report).utf8))
        }
    }
}

struct IndicatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Räknar mätpunkterna för ett år, med förändring och trend mot året före."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("År att redovisa.", valueName: "år"), transform: OptionValue.year) var year: Int
    @OptionGroup var options: IndicatorOptions
    @Flag(help: "Alla kommuner som har uppgifter i databasen (json: en lista, en rapport per kommun).") var all = false

    func validate() throws {
        if all && options.kommun != nil { throw ValidationError("ange antingen --kommun eller --all") }
    }

    func run() throws {
        try reportingErrors {
            let (engine, kommun) = try options.engine(database)
            guard all else {
                try options.print(try engine.evaluate(kommun: kommun, year: year))
                return
            }
            let reports = try engine.evaluateAll(year: year)
            try options.printAll(reports)
        }
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Jämför mätpunkterna mellan två valfria år."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Året att jämföra från.", valueName: "år"), transform: OptionValue.year) var from: Int
    @Option(help: ArgumentHelp("Året att jämföra med.", valueName: "år"), transform: OptionValue.year) var to: Int
    @OptionGroup var options: IndicatorOptions

    func validate() throws {
        guard from != to else { throw ValidationError("--from och --to ska vara olika år") }
    }

    func run() throws {
        try reportingErrors {
            let (engine, kommun) = try options.engine(database)
            try options.print(try engine.evaluate(kommun: kommun, year: to, baseYear: from))
        }
    }
}

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Visar eller ändrar databasens inställningar (maskningsgräns för röjandekontroll, tvåstegsverifiering för samordnare)."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("mask-threshold"), help: ArgumentHelp("Minsta antal som visas omaskat (3–10).", valueName: "antal"))
    var maskThreshold: Int?

    @Option(name: .customLong("totp-samordnare"),
            help: ArgumentHelp("Om samordnare måste ha tvåstegsverifiering för att logga in i arbetsytan: på (förval) eller av.", valueName: "på|av"),
            transform: OptionValue.onOff)
    var totpSamordnare: Bool?

    func run() async throws {
        try await reportingErrors {
            let store = try database.open()
            if let maskThreshold { try store.setMaskThreshold(maskThreshold) }
            let service = WorkspaceService(store: store)
            if let totpSamordnare { try await service.setTOTPRequiredForSamordnare(totpSamordnare, by: .commandLine) }
            print("Kommun: \(try store.kommunName(store.ownKommun)) (\(store.ownKommun))")
            let threshold = try store.maskThreshold()
            print("Maskningsgräns: antal 1–\(threshold - 1) visas som <\(threshold) i publicerade siffror")
            print("Tvåstegsverifiering krävs för samordnare: \(try await service.totpRequiredForSamordnare() ? "på" : "av")")
        }
    }
}
