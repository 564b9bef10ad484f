import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

/// The argument parser's own texts (usage errors and the headings of `--help`) in Swedish. The parser writes
/// them in English and offers no hook for another language, so its few sentence forms are translated here;
/// a form not listed stays as the parser wrote it.
enum SwedishUsage {
    /// The exit code of a usage error, as the README lists it (1 is refused data, from the commands themselves).
    static let usageExitCode: Int32 = 2

    /// Parses and runs a command; a usage error, help or failure exits with Swedish text and the project's codes.
    static func main(_ command: Lagesbild.Type) async -> Never {
        do {
            var parsed = try command.parseAsRoot()
            if var asynchronous = parsed as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try parsed.run()
            }
            exit(0)
        } catch {
            let code = command.exitCode(for: error)
            let text = command.fullMessage(for: error)
            if code == .success {
                if !text.isEmpty { print(help(text)) }
                exit(0)
            }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((usageError(text) + "\n").utf8))
                exit(usageExitCode)
            }
            if !text.isEmpty { FileHandle.standardError.write(Data((text + "\n").utf8)) }
            exit(code.rawValue)
        }
    }

    /// `--help` output: the parser's headings and its own option texts in Swedish.
    static func help(_ text: String) -> String {
        var result = text
        for (english, swedish) in [
            ("OVERVIEW:", "ÖVERSIKT:"), ("USAGE:", "ANVÄNDNING:"), ("ARGUMENTS:", "ARGUMENT:"), ("OPTIONS:", "TILLVAL:"),
            ("SUBCOMMANDS:", "KOMMANDON:"), ("Show help information.", "Visar den här hjälpen."), ("Show the version.", "Visar versionen."),
            ("See 'lagesbild help <subcommand>' for detailed help.", "Se 'lagesbild help KOMMANDO' eller 'lagesbild KOMMANDO --help' för hjälp om ett kommando."),
            ("<subcommand>", "<kommando>"), ("(default: ", "(standard: "), ("(default)", "(standard)"),
        ] {
            result = result.replacingOccurrences(of: english, with: swedish)
        }
        return result
    }

    /// A usage error as the parser prints it ("Error: …", "Help: …", "Usage: …", "See '…' for more
    /// information."), in Swedish.
    static func usageError(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let line = String(line)
            if line.hasPrefix("Error: ") { return "fel: " + sentence(String(line.dropFirst(7))) }
            if line.hasPrefix("Help:  ") { return "Hjälp: " + line.dropFirst(7) }
            if line.hasPrefix("Usage: ") { return "Användning: " + line.dropFirst(7) }
            if let match = line.firstMatch(of: /^(\s*)See '(.+)' for more information\.$/) {
                return "\(match.1)Se '\(match.2)' för hjälp."
            }
            return sentence(line)
        }.joined(separator: "\n")
    }

    /// One of the parser's error sentences.
    static func sentence(_ text: String) -> String {
        if let match = text.wholeMatch(of: /Missing expected argument '(.+)'/) { return "argumentet '\(match.1)' saknas" }
        if let match = text.wholeMatch(of: /Missing one of: (.+)/) { return "ett av dessa saknas: \(match.1)" }
        if let match = text.wholeMatch(of: /Unknown option '(.+)'\. Did you mean '(.+)'\?/) { return "okänt tillval '\(match.1)'; menade du '\(match.2)'?" }
        if let match = text.wholeMatch(of: /Unknown option '(.+)'/) { return "okänt tillval '\(match.1)'" }
        if let match = text.wholeMatch(of: /Missing value for '(.+)'/) { return "värde saknas för '\(match.1)'" }
        if let match = text.wholeMatch(of: /Unexpected argument '(.+)'/) { return "oväntat argument '\(match.1)'" }
        if let match = text.wholeMatch(of: /(\d+) unexpected arguments: (.+)/) { return "\(match.1) oväntade argument: \(match.2)" }
        if let match = text.wholeMatch(of: /The option '(.+)' does not take any value, but '(.*)' was specified\./) {
            return "tillvalet '\(match.1)' tar inget värde, men '\(match.2)' angavs"
        }
        if let match = text.wholeMatch(of: /Value to be set with (.+) had already been set with (.+)/) {
            return "värdet angavs två gånger: med \(match.2) och med \(match.1)"
        }
        if text == "Missing required subcommand." { return "kommando saknas" }
        if let match = text.wholeMatch(of: /Invalid option: (.+)/) { return "ogiltigt tillval: \(match.1)" }
        if let match = text.wholeMatch(of: /The value '(.*?)' is invalid for '(.+?)'(.*)/) {
            var rest = String(match.3)
            if let list = rest.wholeMatch(of: /\. Please provide one of (.+)\./) {
                rest = "; välj " + list.1.replacingOccurrences(of: "' and '", with: "' eller '").replacingOccurrences(of: ", or '", with: " eller '").replacingOccurrences(of: " or '", with: " eller '")
            } else if rest.hasPrefix(". Please provide one of the following:") {
                rest = "; välj ett av dessa:" + rest.dropFirst(". Please provide one of the following:".count)
            }
            return "värdet '\(match.1)' är ogiltigt för '\(match.2)'\(rest)"
        }
        return text
    }
}
