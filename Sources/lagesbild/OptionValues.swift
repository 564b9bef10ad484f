import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildReport
import LagesbildStore

/// Option values checked while the command line is parsed: a bad one is a usage error (exit 2) that names the
/// option, the value and what was expected, before anything is opened or written.
enum OptionValue {
    /// `--year`, `--from`, `--to`: a year lagesbild accepts.
    static func year(_ text: String) throws -> Int {
        guard let year = Int(text), Years.valid.contains(year) else {
            throw ValidationError("\"\(text)\" är inte ett år \(Years.validInSwedish)")
        }
        return year
    }

    /// `--kommun`: a municipality in SCB's register (an Excel-shortened "180" is read as 0180, as in files).
    static func kommun(_ text: String) throws -> KommunCode {
        guard let code = KommunCode(text) else {
            throw ValidationError("\"\(text)\" är inte en kommunkod med fyra siffror (t.ex. 2313)")
        }
        guard RegionRegister.region(code.rawValue)?.level == .kommun else {
            throw ValidationError("\"\(text)\" är ingen kommun i SCB:s kommunindelning (290 kommuner, t.ex. 2313 Strömsund)")
        }
        return code
    }

    /// `--date`: a calendar date written ÅÅÅÅ-MM-DD.
    static func date(_ text: String) throws -> String {
        do {
            return try ReportBuilder.validatedDate(text)
        } catch {
            throw ValidationError("\"\(text)\" är inte ett datum på formen ÅÅÅÅ-MM-DD")
        }
    }
}

extension OptionValue {
    /// `--listen`: HOST:PORT (or just PORT, on 127.0.0.1).
    static func listen(_ text: String) throws -> (host: String, port: Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let host = parts.count > 1 ? parts.dropLast().joined(separator: ":") : "127.0.0.1"
        guard let port = Int(parts.last ?? ""), (1...65535).contains(port), !host.isEmpty else {
            throw ValidationError("\"\(text)\" är inte värd:port (t.ex. 127.0.0.1:8080)")
        }
        return (host, port)
    }

    /// `--max-upload`: bytes, or a number with KB, MB or GB (powers of 1000).
    static func size(_ text: String) throws -> Int {
        let upper = text.uppercased().trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in [("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("B", 1)] where upper.hasSuffix(suffix) {
            if let number = Int(upper.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number > 0 { return number * factor }
        }
        if let number = Int(upper), number > 0 { return number }
        throw ValidationError("\"\(text)\" är ingen storlek (t.ex. 50MB)")
    }

    /// `--role`: samordnare, rapportor (or rapportör), lasare (or läsare) or medlem: a role's name folded.
    static func role(_ text: String) throws -> WebRole {
        if let role = WebRole(rawValue: TextKey.fold(text)) { return role }
        let names = WebRole.allCases.map(\.rawValue)
        throw ValidationError("\"\(text)\" är ingen roll; välj \(names.dropLast().joined(separator: ", ")) eller \(names.last!)")
    }

    /// `på` or `av` (also `pa`, `ja`, `nej`).
    static func onOff(_ text: String) throws -> Bool {
        switch TextKey.fold(text) {
        case "pa", "ja": return true
        case "av", "nej": return false
        default: throw ValidationError("\"\(text)\" är varken på eller av")
        }
    }

    static func section(_ text: String) throws -> TextSection {
        if let section = TextSection(rawValue: TextKey.fold(text)) { return section }
        throw ValidationError("\"\(text)\" är inget avsnitt; välj \(TextSection.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    static func register(_ text: String) throws -> NameRegister {
        if let register = NameRegister(rawValue: TextKey.fold(text)) { return register }
        throw ValidationError("\"\(text)\" är inget register; välj \(NameRegister.listInSwedish)")
    }
}

/// A command's own failure (a file it cannot write, a folder it will not use), in Swedish.
struct CommandError: Error, UserFacingError {
    let message: String
    var description: String { message }
}
