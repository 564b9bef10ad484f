import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Skapar en ny databas för en kommun."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Kommunkoden, fyra siffror (t.ex. 2313 för Strömsund).", valueName: "kod"), transform: OptionValue.kommun)
    var kommun: KommunCode

    @Option(help: ArgumentHelp("Kommunens namn (t.ex. \"Strömsunds kommun\").", valueName: "namn"))
    var namn: String?

    @Option(name: .customLong("mask-threshold"), help: ArgumentHelp("Minsta antal som visas omaskat i publicerade siffror (3–10).", valueName: "antal"))
    var maskThreshold: Int = 5

    func validate() throws {
        guard (3...10).contains(maskThreshold) else {
            throw ValidationError("--mask-threshold: \(maskThreshold) ska vara mellan 3 och 10")
        }
    }

    func run() throws {
        try reportingErrors {
            let code = kommun
            let name = namn ?? RegionRegister.region(code.rawValue)?.officialName ?? "Kommun \(code)"
            _ = try Store.create(path: database.path, kommun: code, name: name, maskThreshold: maskThreshold)
            print("Skapade \(database.path) för \(name) (\(code)).")
            print("Läs in data med: lagesbild import FIL...")
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Läser in CSV-filer och Excel-arbetsböcker (signaler, utbildning, befolkning, samverkan, aktiviteter) och officiell statistik (SCB, Kolada) – allt eller inget.",
        discussion: "Filtypen avgörs av rubrikraden. Teckenkodning (UTF-8, Windows-1252, UTF-16 med BOM) och "
            + "avgränsare (; , eller tabb) känns igen automatiskt. I en arbetsbok (.xlsx) läses varje synligt blad vars "
            + "rubrikrad passar en filtyp. Innehåller någon fil något fel läses ingenting in."
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Filer att läsa in.", valueName: "fil"))
    var files: [String]

    @Option(help: ArgumentHelp("Filtyp, om den inte ska avgöras av rubrikraden: signaler, utbildning, befolkning, samverkan eller aktiviteter.", valueName: "typ"))
    var kind: String?

    @Option(name: .customLong("sheet"), help: ArgumentHelp("Läs bara detta blad ur arbetsböckerna (kan anges flera gånger).", valueName: "namn"))
    var sheets: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Kontrollera filerna och visa vad som skulle ändras, utan att skriva något.")
    var dryRun = false

    @Flag(name: .customLong("nya-namn"), help: "Lägg till okända källor, förvaltningar, områden och aktörer i registren i stället för att vägra filen.")
    var addingNames = false

    func validate() throws {
        if let kind, DataKind(rawValue: kind) == nil {
            throw ValidationError("--kind: \"\(kind)\" är ingen filtyp; välj \(DataKind.listInSwedish)")
        }
    }

    func run() throws {
        try reportingErrors {
            let store = try database.open()
            let progress = ProgressLine()
            let callback: ImportProgress? = Terminal.stderrIsTerminal ? { progress.update($0) } : nil
            let report: ImportReport
            do {
                report = try Importer(store: store).importFiles(
                    files, kind: kind.flatMap(DataKind.init(rawValue:)), sheets: sheets, dryRun: dryRun, addingNames: addingNames, progress: callback)
            } catch let failure as ImportFailure where failure.errors.contains(where: \.isUnknownName) {
                progress.finish()
                Terminal.error(failure.description)
                FileHandle.standardError.write(Data("Namn som inte finns i registren läggs till med --nya-namn eller lagesbild register add.\n".utf8))
                throw ExitCode.failure
            }
            progress.finish()
            for line in report.lines { print(line) }
            if report.dryRun {
                print("Provkörning (--dry-run): inget skrevs till databasen.")
            }
        }
    }
}

/// A progress line on stderr for imports that take more than a second; silent when not a terminal.
final class ProgressLine: @unchecked Sendable {
    private let start = Date()
    private var shown = false

    func update(_ rows: Int) {
        let elapsed = Date().timeIntervalSince(start)
        guard elapsed >= 1 else { return }
        shown = true
        let rate = Int(Double(rows) / elapsed)
        FileHandle.standardError.write(Data("\r\(SwedishFormat.integer(rows)) rader, \(SwedishFormat.integer(rate)) rader/s   ".utf8))
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Visar vad databasen innehåller per filtyp och år."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Kommunkod (standard: databasens egen kommun).", valueName: "kod"), transform: OptionValue.kommun)
    var kommun: KommunCode?

    func run() throws {
        try reportingErrors {
            let store = try database.open()
            let code = resolveKommun(kommun, store: store)
            print("\(try store.kommunName(code)) (\(code)) – \(store.path)")
            let summary = try store.loadedSummary(kommun: code)
            let areas = try store.areaBoundaryNames(kommun: code)
            if summary.isEmpty && areas.isEmpty {
                print("Inga data inlästa ännu. Läs in filer med: lagesbild import FIL...")
                return
            }
            if !summary.isEmpty {
                var table = TextTable(headers: ["Filtyp", "År", "Rader", "Summor"], rightAligned: [1, 2])
                for line in summary {
                    let totals = line.totals.map { "\($0.label) \(SwedishFormat.integer($0.value))" }.joined(separator: ", ")
                    table.add([line.kind.rawValue, String(line.year), SwedishFormat.integer(line.rows), totals])
                }
                print(table.render())
            }
            if !areas.isEmpty {
                print("Områdenas gränser (omraden): \(areas.count) – \(areas.joined(separator: ", ")).")
            }
        }
    }
}

struct ImportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imports",
        abstract: "Listar importloggen: vilka filer som lästs in och vad de ändrade."
    )

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let log = try database.open().importLog()
            if log.isEmpty {
                print("Inga importer ännu.")
                return
            }
            var table = TextTable(headers: ["Id", "Tid", "Filtyp", "Fil", "SHA-256", "Nya", "Ersatta", "Oförändrade", "Borttagna", "Anmärkning"],
                                  rightAligned: [0, 5, 6, 7, 8])
            for entry in log {
                table.add([String(entry.id), entry.importedAt, entry.kind.rawValue, entry.fileName, String(entry.sha256.prefix(12)),
                           SwedishFormat.integer(entry.rowsInserted), SwedishFormat.integer(entry.rowsReplaced),
                           SwedishFormat.integer(entry.rowsUnchanged), SwedishFormat.integer(entry.rowsDeleted), entry.remark])
            }
            print(table.render())
        }
    }
}

/// `--kommun` or the database's own municipality.
func resolveKommun(_ option: KommunCode?, store: Store) -> KommunCode { option ?? store.ownKommun }

struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Ångrar en import: tar bort dess nya rader och återställer de värden den ersatte."
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Importens id (se lagesbild imports).", valueName: "id")) var importID: Int64

    func run() throws {
        try reportingErrors {
            let result = try database.open().undo(importID: importID)
            print("Ångrade import \(result.undoneImport): \(SwedishFormat.integer(result.removed)) rader borttagna, \(SwedishFormat.integer(result.restored)) rader återställda till tidigare värden.")
            print("Ångringen står i importloggen som \(result.logEntry).")
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Kontrollerar att databasen är hel och följer lagesbilds regler."
    )

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let report = try database.open().check()
            for item in report.checked { print("Kontrollerat: \(item)") }
            if report.isSound {
                print("Databasen är hel: inga fel hittades.")
            } else {
                for problem in report.problems { Terminal.error(problem) }
                print("Databasen har \(report.problems.count) fel (se ovan).")
                throw ExitCode.failure
            }
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Lägger en säkerhetskopia på databasens plats, efter att ha kontrollerat den; den ersatta filen sparas bredvid.",
        discussion: "Kopian kontrolleras först (SQLite:s integritetskontroll, att den är en lagesbild-databas vars ändringar "
            + "den här versionen känner, och lagesbilds regler som i lagesbild check) på en arbetskopia, så att den själv aldrig ändras. "
            + "Den ersatta databasen sparas som FIL.ersatt-ÅÅÅÅ-MM-DDTHHMMSS. Vägras, och inget ersätts, medan någon process har "
            + "databasen öppen (tjänsten, en import, en säkerhetskopia): stoppa tjänsten först."
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("Säkerhetskopian att återställa.", valueName: "kopia")) var copy: String

    func run() throws {
        try reportingErrors {
            let outcome = try Store.restore(copy: copy, over: database.path)
            for item in outcome.checked { print("Kontrollerat: \(item)") }
            if !outcome.migrated.isEmpty {
                print("Kopian uppgraderades till den här versionen (\(outcome.migrated.joined(separator: ", "))).")
            }
            if let kept = outcome.kept { print("Den ersatta databasen ligger kvar som \(kept).") }
            print("Återställde \(outcome.database) från \(copy).")
        }
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Skriver en hel kopia av databasen till en ny fil, också medan serve eller en import körs.",
        discussion: "Kopian får originalets filrättigheter. Kontrollera den med: lagesbild check --db FIL"
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("Kopians fil (får inte finnas).", valueName: "fil")) var destination: String

    func run() throws {
        try reportingErrors {
            try database.open().backup(to: destination)
            print("Skrev en kopia av \(database.path) till \(destination).")
        }
    }
}
