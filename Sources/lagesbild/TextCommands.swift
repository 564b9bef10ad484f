import ArgumentParser
import Foundation
import LagesbildIndicators
import LagesbildModel
import LagesbildService
import LagesbildStore

/// `lagesbild text show|set|history`: the group's texts of a year from the command line, on the workspace's service
/// (the same versions, checks and audit log as the pages under Lägesbild).
struct TextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Visar, sparar och listar samverkansgruppens texter för ett år: show, set, history.",
        discussion: "AVSNITT är bedomning (samverkansgruppens bedömning), problem (prioriterade problem), kallor (källor och "
            + "begränsningar) eller omvarld (omvärld och kontakter). Texterna är Markdown; varje sparad version finns kvar.",
        subcommands: [Show.self, Set.self, History.self]
    )

    struct Selection: ParsableArguments {
        @Option(help: ArgumentHelp("Året.", valueName: "år"), transform: OptionValue.year) var year: Int
        @Option(help: ArgumentHelp("Avsnittet: bedomning, problem, kallor eller omvarld.", valueName: "avsnitt"), transform: OptionValue.section)
        var avsnitt: TextSection
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Skriver ut en text (den senaste versionen om inte --version anges).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: Selection
        @Option(help: ArgumentHelp("Versionen att visa.", valueName: "nummer")) var version: Int?

        func run() async throws {
            try await reportingErrors {
                let service = WorkspaceService(store: try database.open())
                let section = selection.avsnitt, year = selection.year
                let text = if let version {
                    try await service.text(year: year, section: section, version: version)
                } else {
                    try await service.texts(year: year)[section]
                }
                guard let text else {
                    throw CommandError(message: version.map { "\(section.title) \(year) har ingen version \($0)" }
                                       ?? "\(section.title) \(year) är inte skriven ännu")
                }
                print(text.text)
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Sparar en ny version av en text från en Markdown-fil (eller standard in).",
            discussion: "Utan --version blir texten en ny version efter den senaste. Med --version N sparas den bara om N fortfarande "
                + "är den senaste versionen (0 för en ny text), så att ett skript inte skriver över det någon annan har sparat.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: Selection
        @Option(help: ArgumentHelp("Markdown-filen (standard: standard in).", valueName: "fil.md")) var fil: String?
        @Option(help: ArgumentHelp("Versionen ändringen utgår från.", valueName: "nummer")) var version: Int?
        @Option(help: ArgumentHelp("Mapp med mätpunkter (*.yaml).", valueName: "mapp")) var indicators: String?

        func run() async throws {
            try await reportingErrors {
                let name = fil ?? "standard in"
                let data: Data
                if let fil {
                    guard FileManager.default.fileExists(atPath: fil) else { throw CommandError(message: "\(fil): filen finns inte") }
                    let size = (try? FileManager.default.attributesOfItem(atPath: fil)[.size] as? Int) ?? 0
                    guard size <= 1 << 20 else { throw CommandError(message: "\(fil): filen är \(SwedishFormat.integer(size)) byte; en text får vara högst 1 MiB") }
                    data = try Data(contentsOf: URL(fileURLWithPath: fil))
                } else {
                    data = FileHandle.standardInput.readData(ofLength: (1 << 20) + 1)
                    guard data.count <= 1 << 20 else { throw CommandError(message: "standard in: en text får vara högst 1 MiB") }
                }
                guard let text = String(data: data, encoding: .utf8) else { throw CommandError(message: "\(name): texten kan inte läsas som UTF-8") }
                let store = try database.open()
                let service = WorkspaceService(store: store)
                let section = selection.avsnitt, year = selection.year
                let sources = ReportSources(definitions: try DefinitionLoader.resolve(explicit: indicators, databasePath: database.path),
                                            references: try DefinitionLoader.resolveReferences(explicit: indicators, databasePath: database.path),
                                            producer: BuildInfo.producer)
                var basedOn = version ?? 0
                if version == nil { basedOn = try await service.texts(year: year)[section]?.version ?? 0 }
                do {
                    let outcome = try await service.saveText(year: year, section: section, text: text, basedOn: basedOn, sources: sources, by: .commandLine)
                    print(outcome.saved ? "Sparade \(section.title.lowercased()) \(year) som version \(outcome.text.version)."
                          : "Inget ändrades: \(section.definiteName) \(year) har redan den här texten (version \(outcome.text.version)).")
                } catch let error as TextError {
                    throw CommandError(message: "\(name): \(error.description)")
                }
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "Listar en texts sparade versioner, nyast först.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            try await reportingErrors {
                let history = try await WorkspaceService(store: try database.open()).textHistory(year: selection.year, section: selection.avsnitt)
                guard !history.isEmpty else {
                    print("\(selection.avsnitt.title) \(selection.year) är inte skriven ännu.")
                    return
                }
                var table = TextTable(headers: ["Version", "Sparad", "Av", "Tecken", "Anmärkning"], rightAligned: [0, 3])
                for text in history {
                    table.add([String(text.version), SwedishTime.minute(utc: text.savedAt), text.savedBy, SwedishFormat.integer(text.text.count),
                               text.restoredFrom.map { "återställd från version \($0)" } ?? ""])
                }
                print(table.render())
            }
        }
    }
}
