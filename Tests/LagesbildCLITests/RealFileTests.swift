import Foundation
import Testing

/// Files as Excel, LibreOffice and their users really save them (Tests/Fixtures/realfiles, made by
/// scripts/make-real-file-fixtures.py): number formats that are not dates, notes sheets, files that are not
/// what their name says, files with nothing in them, and the command line's own errors.
@Suite struct RealFileTests {
    @Test func numberFormatsWithColoursQuotesAndEscapesAreNumbersNotDates() throws {
        let cli = try CLI()
        try cli.initDatabase()
        // Counts formatted "#,##0;[Red]-#,##0" and '[Blue]0;[Red]-0;0', months '0" mån"', an area '[$-41D]General',
        // a count '0\ \s\t'; one year typed as the date 2024-01-01.
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("realfiles/talformat.xlsx")])
        #expect(output.stdout.contains("blad \"Signaler\": signaler (xlsx) – 3 nya"), "\(output.stdout)")
        let rows = try cli.query("SELECT ar || '|' || manad || '|' || kategori || '|' || antal || '|' || orosanmalningar || '|' || polisanmalningar FROM signal ORDER BY manad", as: String.self)
        #expect(rows == ["2024|3|klotter|11|0|1", "2024|7|flygblad|1234|2|0", "2024|12|symboler|5|1|1"])
    }

    @Test func anErrorCellOnANotesSheetDoesNotStopTheWorkbook() throws {
        let cli = try CLI()
        try cli.initDatabase()
        // The notes sheet's first row holds #REF!: the sheet matches no kind and is skipped.
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("realfiles/anteckningar-forst.xlsx")])
        #expect(output.stdout.contains("blad \"Signaler\": signaler (xlsx) – 1 nya"))
        #expect(output.stdout.contains("hoppade över bladen \"Anteckningar\" (ingen filtyp)."))
        // Named with --sheet, the same sheet is an error (its header is no kind), with the cell's text in it.
        let named = try cli.run(["import", "--nya-namn", cli.fixture("realfiles/anteckningar-forst.xlsx"), "--sheet", "Anteckningar"])
        #expect(named.status == 1)
        #expect(named.stderr.contains("kan inte avgöra vilken sorts fil det är utifrån rubrikerna (\"#REF!\", \"Anteckningar från mötet\")"), "\(named.stderr)")
    }

    @Test func anEmptySheetIsSkippedAsEmpty() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let url = cli.directory.appendingPathComponent("med-tomt-blad.xlsx")
        let signals = WorkbookMaker.textRow(1, ["år", "kategori", "antal"]) + WorkbookMaker.textRow(2, ["2024", "klotter", "3"])
        try WorkbookMaker.write(to: url, sheets: [("Signaler", signals, false), ("Blad2", "", false), ("Blad3", "<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t> </t></is></c></row>", false)])
        let output = try cli.succeed(["import", "--nya-namn", url.path])
        #expect(output.stdout.contains("hoppade över bladen \"Blad2\" (tomt), \"Blad3\" (tomt)."), "\(output.stdout)")
    }

    struct Misnamed: CustomTestStringConvertible, Sendable {
        let fixture: String
        /// The name the file is given: its own, or one that says something else.
        let name: String
        let expected: String
        var testDescription: String { name }
    }

    static let save = "Excel-arbetsbok (.xlsx) eller CSV"
    static let misnamed: [Misnamed] = [
        Misnamed(fixture: "gammal.xls", name: "gammal.xls",
                 expected: "gammal.xls: filen är en arbetsbok i Excels gamla format (.xls, Excel 97–2003), som lagesbild inte läser; öppna den och spara som \(save)"),
        Misnamed(fixture: "gammal.xls", name: "signaler.csv",
                 expected: "signaler.csv: filen är en arbetsbok i Excels gamla format (.xls, Excel 97–2003)"),
        Misnamed(fixture: "krypterad.xlsx", name: "krypterad.xlsx",
                 expected: "krypterad.xlsx: arbetsboken är krypterad (skyddad med lösenord) och kan inte läsas; öppna den, ta bort lösenordet och spara som \(save)"),
        Misnamed(fixture: "krypterad.xlsx", name: "krypterad.csv", expected: "krypterad.csv: arbetsboken är krypterad (skyddad med lösenord)"),
        Misnamed(fixture: "makro.xlsm", name: "makro.xlsm",
                 expected: "makro.xlsm: arbetsboken är en makroarbetsbok (.xlsm, med makron i VBA), som lagesbild inte läser; spara den som Excel-arbetsbok (.xlsx) utan makron eller som CSV"),
        Misnamed(fixture: "makro.xlsm", name: "makro.xlsx", expected: "makro.xlsx: arbetsboken är en makroarbetsbok (.xlsm"),
        Misnamed(fixture: "binar.xlsb", name: "binar.xlsb",
                 expected: "binar.xlsb: arbetsboken är sparad som binär Excel-arbetsbok (.xlsb), som lagesbild inte läser; spara som \(save)"),
        Misnamed(fixture: "kalkyl.ods", name: "kalkyl.ods",
                 expected: "kalkyl.ods: filen är ett OpenDocument-kalkylark (.ods, t.ex. från LibreOffice), som lagesbild inte läser; spara som \(save)"),
        Misnamed(fixture: "kalkyl.ods", name: "kalkyl.xlsx", expected: "kalkyl.xlsx: filen är ett OpenDocument-kalkylark (.ods"),
    ]

    @Test(arguments: misnamed) func aFileIsKnownByItsContentAndGetsTheRightAdvice(_ file: Misnamed) throws {
        let cli = try CLI()
        try cli.initDatabase()
        let path = cli.directory.appendingPathComponent(file.name).path
        try FileManager.default.copyItem(atPath: cli.fixture("realfiles/\(file.fixture)"), toPath: path)
        let before = try cli.databaseContents()
        let result = try cli.run(["import", "--nya-namn", file.name, cli.fixture("import/signaler-2024-excel.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("fel: " + file.expected), "\(result.stderr)")
        #expect(try cli.databaseContents() == before)
    }

    @Test func aPDFIsNamedAsOne() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let file = try cli.write("signaler.csv", "%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
        let result = try cli.run(["import", "--nya-namn", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("signaler.csv: filen är en PDF, som lagesbild inte läser"))
    }

    @Test(arguments: [("avgransare.csv", ";;;;\r\n;;;;\r\n"), ("tomma-rader.csv", "\n\n\n"), ("mellanslag.csv", "  \r\n\t\r\n")])
    func aFileOfSeparatorsOrBlankLinesIsRefusedAsEmpty(_ file: (String, String)) throws {
        let cli = try CLI()
        try cli.initDatabase()
        let path = try cli.write(file.0, file.1)
        let before = try cli.databaseContents()
        let result = try cli.run(["import", "--nya-namn", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file.0): filen är tom: den har bara tomma rader eller avgränsare, ingen rubrikrad och inga data"), "\(result.stderr)")
        #expect(try cli.databaseContents() == before)
    }

    struct Usage: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let expected: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let usage: [Usage] = [
        Usage(arguments: ["import"], expected: ["fel: argumentet '<fil> ...' saknas", "Användning: lagesbild import", "Se 'lagesbild import --help' för hjälp."]),
        Usage(arguments: ["indicators", "--year", "tjugo"], expected: ["fel: värdet 'tjugo' är ogiltigt för '--year <år>'", "Se 'lagesbild indicators --help'"]),
        Usage(arguments: ["indicators", "--year", "2024", "--format", "xml"], expected: ["fel: värdet 'xml' är ogiltigt för '--format <format>'; välj 'table', 'json' eller 'csv'"]),
        Usage(arguments: ["status", "--okand"], expected: ["fel: okänt tillval '--okand'"]),
        Usage(arguments: ["init", "--kommun", "99"], expected: ["fel: värdet '99' är ogiltigt för '--kommun <kod>': \"99\" är inte en kommunkod med fyra siffror (t.ex. 2313)"]),
        Usage(arguments: ["report", "--year", "2024", "--kommun", "9999"], expected: ["\"9999\" är ingen kommun i SCB:s kommunindelning"]),
        Usage(arguments: ["mall", "--year", "24"], expected: ["fel: värdet '24' är ogiltigt för '--year <år>': \"24\" är inte ett år mellan 1990 och 2100"]),
        Usage(arguments: ["rapport"], expected: ["fel: oväntat argument 'rapport'"]),
    ]

    @Test(arguments: usage) func usageErrorsAreInSwedishWithExitCode2(_ usage: Usage) throws {
        let cli = try CLI()
        let result = try cli.run(usage.arguments)
        #expect(result.status == 2)
        for text in usage.expected { #expect(result.stderr.contains(text), "\(result.stderr)") }
        #expect(!result.stderr.contains("Error:") && !result.stderr.contains("Usage:") && !result.stderr.contains("See '"))
    }

    @Test func versionNamesTheVersionAndTheCommit() throws {
        let version = try String(contentsOf: CLI.repository.appendingPathComponent("VERSION"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let output = try CLI().succeed(["--version"]).stdout
        #expect(output.hasPrefix("lagesbild \(version) (commit "), "\(output)")
        #expect(output.firstMatch(of: /\(commit ([0-9a-f]{12}|okänd)\)/) != nil, "\(output)")
    }

    @Test func helpIsInSwedish() throws {
        let cli = try CLI()
        let help = try cli.succeed(["import", "--nya-namn", "--help"]).stdout
        for heading in ["ÖVERSIKT:", "ANVÄNDNING: lagesbild import", "ARGUMENT:", "TILLVAL:", "-h, --help              Visar den här hjälpen."] {
            #expect(help.contains(heading), "\(help)")
        }
        let top = try cli.succeed(["--help"]).stdout
        #expect(top.contains("KOMMANDON:") && top.contains("ANVÄNDNING: lagesbild <kommando>"))
        #expect(!top.contains("OPTIONS:") && !top.contains("Show help information"))
    }
}
