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

/// A command's own failure (a file it cannot write, a folder it will not use), in Swedish.
struct CommandError: Error, UserFacingError {
    let message: String
    var description: String { message }
}
