import LagesbildModel

/// What one file's import did (or, in a dry run, would do).
public struct FileImportResult: Sendable, Equatable {
    public let fileName: String
    public let kind: DataKind?
    public let sha256: String
    public let encoding: TextEncoding?
    /// For official statistics: "JSON-stat 2.0", "Kolada", "PxWeb-CSV"; nil for the local CSV kinds.
    public var format: String? = nil
    /// Titles of reference measures the file gave (Kolada's KPI metadata).
    public var titles: Int = 0
    /// For a workbook: the sheet imported, and (on the workbook's last result) the sheets skipped and why.
    public var sheet: String? = nil
    /// How messages name the source: the file, or for a workbook `FILE, blad "NAME"`.
    public var displayName: String { sheet.map { "\(fileName), blad \"\($0)\"" } ?? fileName }
    public var skippedSheets: [String] = []
    /// Things to know that are not errors (an area boundary whose name no signal row uses).
    public var notices: [String] = []
    public let inserted: Int
    public let replaced: Int
    public let unchanged: Int
    /// Set when the content held what was stored already (a month report saved unchanged); nothing was changed.
    public var changedNothing = false
    /// Set when this exact content was imported before; nothing was changed.
    public let alreadyImportedAs: Int64?
    public let importID: Int64?
}

/// The outcome of `lagesbild import`: all files succeeded and were committed (or rolled back in a dry run).
public struct ImportReport: Sendable, Equatable {
    public let files: [FileImportResult]
    public let dryRun: Bool
    /// Names the import added to the registers (the samordnare's choice to add new names), in the order met.
    public var addedNames: [AddedName] = []
}

/// A name an import added to a register.
public struct AddedName: Sendable, Equatable {
    public let register: NameRegister
    public let name: String
}

/// An import refused: every error found (up to the limit). Nothing was written.
public struct ImportFailure: Error, Equatable, CustomStringConvertible, UserFacingError {
    public let errors: [ImportError]
    public let truncated: Bool

    public var description: String {
        var lines = errors.map(\.description)
        if truncated { lines.append("… fler än \(errors.count) fel; de första visas ovan") }
        lines.append("Inget importerades: rätta felen och kör kommandot igen.")
        return lines.joined(separator: "\n")
    }
}

/// Called now and then during a long import with the rows read so far.
public typealias ImportProgress = (_ rows: Int) -> Void

extension ImportReport {
    /// What the import did, one Swedish line per file (and per workbook's skipped sheets): the command line prints
    /// these, the workspace shows them.
    public var lines: [String] {
        var lines: [String] = []
        for file in files {
            if file.changedNothing {
                lines.append("\(file.displayName): samma uppgifter som redan finns; inget ändrades.")
            } else if let earlier = file.alreadyImportedAs {
                lines.append("\(file.displayName): samma innehåll lästes redan in (import \(earlier)); inget ändrades.")
            } else {
                let encoding = [file.format, file.encoding?.swedishName].compactMap { $0 }.joined(separator: ", ")
                if file.titles > 0 && file.inserted + file.replaced + file.unchanged == 0 {
                    lines.append("\(file.displayName): \(file.kind?.rawValue ?? "") (\(encoding)) – \(file.titles) nyckeltalsnamn.")
                } else {
                    lines.append("\(file.displayName): \(file.kind?.rawValue ?? "") (\(encoding)) – \(SwedishFormat.integer(file.inserted)) nya, "
                                 + "\(SwedishFormat.integer(file.replaced)) ersatta, \(SwedishFormat.integer(file.unchanged)) oförändrade rader.")
                }
            }
            if !file.skippedSheets.isEmpty {
                lines.append("\(file.fileName): hoppade över bladen \(file.skippedSheets.joined(separator: ", ")).")
            }
            for notice in file.notices { lines.append("\(file.displayName): obs: \(notice)") }
        }
        for register in NameRegister.allCases {
            let names = addedNames.filter { $0.register == register }.map { "\"\($0.name)\"" }
            if !names.isEmpty { lines.append("Nya namn i \(register.registerInSwedish): \(names.joined(separator: ", ")).") }
        }
        return lines
    }
}
