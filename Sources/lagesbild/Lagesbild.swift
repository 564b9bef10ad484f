import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

@main
struct Lagesbild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lagesbild",
        abstract: "Tar fram kommunens årliga lägesbild om radikalisering och våldsbejakande extremism (VBE).",
        discussion: "Arbetsgång: skapa databasen med init, läs in filer med import, se vad som finns med status, "
            + "räkna mätpunkterna med indicators och skriv rapporten med report. Prova med: lagesbild demo",
        version: BuildInfo.producer,
        subcommands: [
            InitCommand.self, ImportCommand.self, StatusCommand.self, ImportsCommand.self, UndoCommand.self, CheckCommand.self, BackupCommand.self, RestoreCommand.self,
            IndicatorsCommand.self, CompareCommand.self, ReportCommand.self, TemplateCommand.self, DemoCommand.self, SettingsCommand.self,
            ServeCommand.self, UserCommand.self, RegisterCommand.self, TextCommand.self, PublishCommand.self, PublishedCommand.self, BenchCommand.self,
        ]
    )

    /// Usage errors and help in Swedish, with the exit codes the README lists (1 refused, 2 usage).
    static func main() async { await SwedishUsage.main(self) }
}

/// The database option every command takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Databasfilen (standard: $LAGESBILD_DB eller lagesbild.sqlite i aktuell mapp).", valueName: "sökväg"))
    var db: String?

    var path: String {
        if let db { return db }
        if let fromEnvironment = ProcessInfo.processInfo.environment["LAGESBILD_DB"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "lagesbild.sqlite"
    }

    func open() throws -> Store { try Store.open(path: path) }
}

/// Runs a command body, turning the library's errors into Swedish messages on stderr and a non-zero
/// exit, never a stack trace.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch { throw reported(error) }
}

func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch { throw reported(error) }
}

/// What a failed command throws to ArgumentParser: its own exits and usage errors as they are; anything else said on
/// stderr in Swedish (no stack trace) and turned into exit code 1.
private func reported(_ error: any Error) -> any Error {
    switch error {
    case is ExitCode, is ValidationError: return error
    default:
        Terminal.error(userMessage(for: error))
        return ExitCode.failure
    }
}

enum Terminal {
    static func error(_ message: String) {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        let text = lines.enumerated().map { $0.offset == 0 ? "fel: \($0.element)" : String($0.element) }.joined(separator: "\n")
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

extension BuildInfo {
    /// "lagesbild 0.3.0 (commit 0123456789ab)": printed by --version and stated in every report.
    static var producer: String { "lagesbild \(version) (commit \(commit.prefix(12)))" }
}
