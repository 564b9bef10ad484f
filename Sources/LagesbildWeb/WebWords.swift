import LagesbildIngest
import LagesbildModel

/// What the importer says, in the pages' own words: the command line names files, lines, encodings and says "kör
/// kommandot igen"; a page names the uploaded file and its rows, or a form's rows, and says what to do in the browser.
/// The importer's sentences for each problem are kept (they are the same rules).
enum WebWords {
    /// The last line under an upload's or a form's errors.
    static let tryAgain = "Inget sparades: rätta felen och försök igen."

    // MARK: - Uploads

    /// What an upload's import did (or would do), one line per file: "signaler.csv: signaler – 2 nya, 0 ersatta, 0
    /// oförändrade rader.", with the format of official statistics and an encoding other than UTF-8.
    static func lines(_ report: ImportReport) -> [String] {
        var lines: [String] = []
        for file in report.files {
            // UTF-8 goes without saying; another encoding is worth a look at the names in the preview.
            let encoding = file.encoding.flatMap { $0 == .utf8 || $0 == .utf8WithByteOrderMark ? nil : "teckenkodning \($0.swedishName)" }
            let about = [file.format, encoding].compactMap { $0 }.joined(separator: ", ")
            let kind = (file.kind?.rawValue ?? "") + (about.isEmpty ? "" : " (\(about))")
            if file.changedNothing {
                lines.append("\(file.displayName): inget ändrades: samma uppgifter fanns redan.")
            } else if let earlier = file.alreadyImportedAs {
                lines.append("\(file.displayName): inget ändrades: filen var redan inläst (import \(earlier)).")
            } else if file.titles > 0 && file.inserted + file.replaced + file.unchanged == 0 {
                lines.append("\(file.displayName): \(kind) – \(SwedishFormat.integer(file.titles)) nyckeltalsnamn.")
            } else {
                lines.append("\(file.displayName): \(kind) – \(counts(file)).")
            }
            if !file.skippedSheets.isEmpty { lines.append("\(file.fileName): hoppade över bladen \(file.skippedSheets.joined(separator: ", ")).") }
            for notice in file.notices { lines.append("\(file.displayName): obs: \(notice)") }
        }
        for register in NameRegister.allCases {
            let names = report.addedNames.filter { $0.register == register }.map { "\"\($0.name)\"" }
            if !names.isEmpty { lines.append("Nya namn i \(register.registerInSwedish): \(names.joined(separator: ", ")).") }
        }
        return lines
    }

    static func counts(_ file: FileImportResult) -> String {
        "\(SwedishFormat.integer(file.inserted)) nya, \(SwedishFormat.integer(file.replaced)) ersatta, "
            + "\(SwedishFormat.integer(file.unchanged)) oförändrade rader"
    }

    /// Every error of a refused upload: "signaler.csv, rad 3: kolumnen "antal": …", then what to do.
    static func errors(_ failure: ImportFailure) -> [String] {
        failure.errors.map { error in
            var location = error.file
            if let sheetCell = error.sheetCell { location += ", \(sheetCell)" } else if let line = error.line { location += ", rad \(line)" }
            return sentence(error, location: location, sentence: error.problem.sentence)
        } + tail(failure)
    }

    /// Whether saving changed nothing: every file was read before, or every row was already stored as it is.
    static func nothingChanged(_ report: ImportReport) -> Bool {
        report.files.allSatisfy { $0.alreadyImportedAs != nil || ($0.inserted + $0.replaced == 0 && $0.titles == 0) }
    }

    /// The heading after a save: "Sparat", or that nothing changed and why.
    static func savedHeading(_ report: ImportReport) -> String {
        guard nothingChanged(report) else { return "Sparat" }
        if report.files.allSatisfy({ $0.alreadyImportedAs != nil }) {
            return report.files.count == 1 ? "Inget ändrades: filen var redan inläst" : "Inget ändrades: filerna var redan inlästa"
        }
        return "Inget ändrades: uppgifterna fanns redan med samma värden"
    }

    // MARK: - Forms

    /// What a form's save did: "Sparat: 1 ny rad, 0 ersatta, 0 oförändrade." or that nothing changed.
    static func formLines(_ report: ImportReport) -> [String] {
        guard !nothingChanged(report) else { return ["Inget ändrades: uppgifterna fanns redan med samma värden."] }
        let inserted = report.files.map(\.inserted).reduce(0, +), replaced = report.files.map(\.replaced).reduce(0, +)
        let unchanged = report.files.map(\.unchanged).reduce(0, +)
        var line = "Sparat: \(SwedishFormat.integer(inserted)) \(inserted == 1 ? "ny rad" : "nya rader"), \(SwedishFormat.integer(replaced)) "
            + "\(replaced == 1 ? "ersatt" : "ersatta"), \(SwedishFormat.integer(unchanged)) oförändrade."
        if replaced > 0 { line += " De tidigare värdena finns kvar i historiken." }
        return [line]
    }

    /// Every error of a refused form, its rows named by `row` (a form's rows are numbered as a file's lines, the
    /// first row 2): "raden i formuläret: kolumnen "antal": …".
    static func formErrors(_ failure: ImportFailure, row: (Int?) -> String = { _ in "raden i formuläret" }) -> [String] {
        failure.errors.map { error in
            let text: String = switch error.problem {
            case .personalIdentityNumber:
                "värdet ser ut som ett personnummer eller samordningsnummer; här tas bara antal emot, aldrig uppgifter om personer. Ta bort det"
            case .duplicateKey(let firstLine): "samma rad (samma nyckel) finns redan i formuläret (\(row(firstLine)))"
            default: error.problem.sentence
            }
            return sentence(error, location: row(error.line), sentence: text)
        } + tail(failure)
    }

    // MARK: -

    static func sentence(_ error: ImportError, location: String, sentence: String) -> String {
        var location = location
        if let place = error.place { location += ": \(place)" }
        if let column = error.column { location += ": kolumnen \"\(column)\"" }
        return "\(location): \(sentence)"
    }

    static func tail(_ failure: ImportFailure) -> [String] {
        (failure.truncated ? ["… fler än \(failure.errors.count) fel; de första visas ovan"] : []) + [tryAgain]
    }
}
