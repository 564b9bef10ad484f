import Foundation
import Testing

/// `lagesbild import FILE.xlsx`: workbooks written by LibreOffice, every cell form Excel and LibreOffice
/// write, errors by sheet and cell, and the choice of sheets.
@Suite struct WorkbookImportEndToEndTests {
    @Test func workbooksWrittenByLibreOffice() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let output = try cli.succeed(["import", "--nya-namn", cli.fixture("xlsx/signaler-2024.xlsx"), cli.fixture("xlsx/aktiviteter-2024.xlsx")])
        #expect(output.stdout.contains("blad \"signaler-2024\": signaler (xlsx) – 4 nya, 0 ersatta, 0 oförändrade rader."))
        #expect(output.stdout.contains("blad \"aktiviteter-2024\": aktiviteter (xlsx) – 8 nya"))
        // The same rows as the CSV the workbook was made from ("1 234" became the number 1234).
        let rows = try cli.query("SELECT kategori || '|' || miljo || '|' || omrade || '|' || kalla || '|' || manad || '|' || antal FROM signal ORDER BY manad, kategori", as: String.self)
        #expect(rows == [
            "negativ-social-kontroll|islamistisk|Hammerdal|Socialtjänst|0|1234",
            "klotter|hoger|Centrum|Skola|1|3",
            "symboler|hoger|Centrum|Fritid|2|5",
            "avstandstagande|ovrig|Gäddede|Skola|3|2",
        ])
        #expect(try cli.query("SELECT kommentar FROM aktivitet WHERE aktivitet LIKE 'Rutin%'", as: String.self) == ["Ersätts av regional rutin; se protokoll"])
    }

    /// Shared and inline strings, rich-text runs and phonetic hints, 70 / 70.0 / 7E1, a formula's cached
    /// number and text, omitted empty cells, a year typed as a date, a number stored as text, trailing
    /// empty rows and columns.
    @Test func everyCellFormExcelAndLibreOfficeWrite() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let url = cli.directory.appendingPathComponent("former.xlsx")
        let shared = ["år", "kategori", "Klotter", "2024", "Symboler", "antal"]
        // Index 6: rich text with a phonetic run that is not part of the text.
        let rich = ["<si><r><t>Hammer</t></r><r><rPr><b/></rPr><t>dal</t></r><rPh sb=\"0\" eb=\"1\"><t>ハ</t></rPh></si>"]
        let rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>månad</t></is></c><c r="C1" t="s"><v>1</v></c>\
            <c r="D1" t="inlineStr"><is><r><t>mil</t></r><r><t>jö</t></r></is></c><c r="E1" t="inlineStr"><is><t>område</t></is></c>\
            <c r="F1" t="inlineStr"><is><t>källa</t></is></c><c r="G1" t="s"><v>5</v></c></row>
            <row r="2"><c r="A2"><v>2024</v></c><c r="C2" t="s"><v>2</v></c><c r="D2" t="inlineStr"><is><r><t>Hög</t></r><r><t>er</t></r></is></c>\
            <c r="E2" t="s"><v>6</v></c><c r="F2" t="str"><f>"Sko"&amp;"la"</f><v>Skola</v></c><c r="G2"><v>70</v></c><c r="K2"/></row>
            <row r="3"><c r="A3" s="1"><v>45292</v></c><c r="B3"><v>3</v></c><c r="C3" t="inlineStr"><is><t>Flygblad</t></is></c>\
            <c r="E3" t="inlineStr"><is><t>Centrum</t></is></c><c r="G3" t="n"><v>70.0</v></c></row>
            <row r="5"><c r="A5" t="s"><v>3</v></c><c r="C5" t="s"><v>4</v></c><c r="G5"><v>7E1</v></c></row>
            <row r="6"><c r="A6"><v>2024</v></c><c r="C6" t="inlineStr"><is><t>Uttalanden</t></is></c><c r="G6"><f>SUM(1,2)</f><v>3</v></c></row>
            <row r="7"/><row r="8"><c r="A8" t="inlineStr"><is><t></t></is></c></row>
            """
        try WorkbookMaker.write(to: url, sheets: [("Signaler", rows, false)], sharedStrings: shared, richSharedStrings: rich, dateStyle: true)
        let output = try cli.succeed(["import", "--nya-namn", url.path])
        #expect(output.stdout.contains("blad \"Signaler\": signaler (xlsx) – 4 nya"))
        let stored = try cli.query("SELECT ar || '|' || manad || '|' || kategori || '|' || miljo || '|' || omrade || '|' || kalla || '|' || antal FROM signal ORDER BY kategori", as: String.self)
        #expect(stored == [
            "2024|3|flygblad||Centrum||70",
            "2024|0|klotter|hoger|Hammerdal|Skola|70",
            "2024|0|symboler||||70",
            "2024|0|uttalanden||||3",
        ])
    }

    struct BadCell: CustomTestStringConvertible, Sendable {
        let name: String
        let cell: String
        let expected: String
        var testDescription: String { name }
    }

    static let badCells: [BadCell] = [
        BadCell(name: "negativ", cell: "<c r=\"G57\"><v>-3</v></c>",
                expected: "signaler-2024.xlsx, blad \"Signaler\", cell G57: kolumnen \"antal\": \"-3\" är inte ett icke-negativt heltal"),
        BadCell(name: "decimal", cell: "<c r=\"G57\"><v>70.5</v></c>",
                expected: "signaler-2024.xlsx, blad \"Signaler\", cell G57: kolumnen \"antal\": \"70.5\" är inte ett icke-negativt heltal"),
        BadCell(name: "fel", cell: "<c r=\"G57\" t=\"e\"><v>#DIV/0!</v></c>",
                expected: "signaler-2024.xlsx, blad \"Signaler\", cell G57: cellen innehåller felet #DIV/0! i stället för ett värde"),
        BadCell(name: "sant", cell: "<c r=\"G57\" t=\"b\"><v>1</v></c>",
                expected: "signaler-2024.xlsx, blad \"Signaler\", cell G57: cellen är ett sanningsvärde (SANT), inte ett tal eller en text"),
        BadCell(name: "utanför", cell: "<c r=\"G57\"><v>1</v></c><c r=\"J57\"><v>5</v></c>",
                expected: "signaler-2024.xlsx, blad \"Signaler\", cell J57: cellen ligger till höger om rubrikraden (sista rubriken står i kolumn G)"),
    ]

    @Test(arguments: badCells) func aBadCellIsNamedBySheetAndCellAndNothingIsWritten(_ bad: BadCell) throws {
        let cli = try CLI()
        try cli.initDatabase()
        let url = cli.directory.appendingPathComponent("signaler-2024.xlsx")
        let header = WorkbookMaker.textRow(1, ["år", "månad", "kategori", "miljö", "område", "källa", "antal"])
        let good = "<row r=\"2\"><c r=\"A2\"><v>2024</v></c><c r=\"C2\" t=\"inlineStr\"><is><t>klotter</t></is></c><c r=\"G2\"><v>4</v></c></row>"
        let row = "<row r=\"57\"><c r=\"A57\"><v>2024</v></c><c r=\"C57\" t=\"inlineStr\"><is><t>flygblad</t></is></c>\(bad.cell)</row>"
        try WorkbookMaker.write(to: url, sheets: [("Signaler", header + good + row, false)])
        let before = try cli.databaseContents()
        let result = try cli.run(["import", "--nya-namn", "signaler-2024.xlsx"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(bad.expected), "\(result.stderr)")
        #expect(try cli.databaseContents() == before)
    }

    @Test func sheetsAreChosenHiddenAndUnknownOnesSkipped() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let url = cli.directory.appendingPathComponent("arbetsbok.xlsx")
        let signals = WorkbookMaker.textRow(1, ["år", "kategori", "antal"]) + WorkbookMaker.textRow(2, ["2024", "klotter", "3"])
        let training = WorkbookMaker.textRow(1, ["år", "förvaltning", "utbildning", "målgrupp", "genomfört"])
            + WorkbookMaker.textRow(2, ["2024", "Socialförvaltningen", "grund", "10", "5"])
        let headerOnly = WorkbookMaker.textRow(1, ["år", "aktör", "typ"])
        let notes = WorkbookMaker.textRow(1, ["Anteckningar"]) + WorkbookMaker.textRow(2, ["Möte med polisen i mars"])
        let hidden = WorkbookMaker.textRow(1, ["år", "kategori", "antal"]) + WorkbookMaker.textRow(2, ["2024", "flygblad", "9"])
        try WorkbookMaker.write(to: url, sheets: [("Signaler", signals, false), ("Utbildning", training, false), ("Samverkan", headerOnly, false),
                                                  ("Anteckningar", notes, false), ("Gammalt", hidden, true)])
        let output = try cli.succeed(["import", "--nya-namn", url.path])
        #expect(output.stdout.contains("hoppade över bladen \"Samverkan\" (bara rubrikrad), \"Anteckningar\" (ingen filtyp), \"Gammalt\" (dolt)."))
        #expect(try cli.query("SELECT kategori FROM signal", as: String.self) == ["klotter"])
        #expect(try cli.query("SELECT COUNT(*) FROM utbildning", as: Int.self) == [1])

        // --sheet: only the named sheet; a sheet that is missing or matches no kind is an error.
        let only = try CLI()
        try only.initDatabase()
        try only.succeed(["import", "--nya-namn", url.path, "--sheet", "Utbildning"])
        #expect(try only.query("SELECT COUNT(*) FROM signal", as: Int.self) == [0])
        #expect(try only.query("SELECT COUNT(*) FROM utbildning", as: Int.self) == [1])
        let missing = try only.run(["import", "--nya-namn", url.path, "--sheet", "Signalr"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("arbetsboken har inget blad \"Signalr\"; bladen är \"Signaler\", \"Utbildning\", \"Samverkan\", \"Anteckningar\", \"Gammalt\""))
        let notAKind = try only.run(["import", "--nya-namn", url.path, "--sheet", "Anteckningar"])
        #expect(notAKind.status == 1)
        #expect(notAKind.stderr.contains("blad \"Anteckningar\""))
        #expect(notAKind.stderr.contains("kan inte avgöra vilken sorts fil det är utifrån rubrikerna (\"Anteckningar\")"))
    }

    @Test func theSameWorkbookTwiceChangesNothing() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("xlsx/signaler-2024.xlsx")])
        let again = try cli.succeed(["import", "--nya-namn", cli.fixture("xlsx/signaler-2024.xlsx")])
        #expect(again.stdout.contains("samma innehåll lästes redan in (import 1)"))
    }

    /// Finding 5 of the penetration test: ten sheets pointing at one part passed the limits of each part but read
    /// it ten times. Sheets that share a part (however the targets are written), or a sheet that points at one of
    /// the workbook's other parts, refuse the workbook before any sheet is read.
    @Test func sheetsThatShareAPartAreRefused() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let before = try cli.databaseContents()
        let rows = WorkbookMaker.textRow(1, ["år", "kategori", "antal"]) + WorkbookMaker.textRow(2, ["2024", "klotter", "3"])
        let sheets = [("Blad1", rows, false), ("Blad2", rows, false), ("Blad3", rows, true), ("Blad4", rows, false)]
        try WorkbookMaker.write(to: cli.directory.appendingPathComponent("delad.xlsx"), sheets: sheets,
                                sheetTargets: ["worksheets/sheet1.xml", "worksheets/sheet2.xml", "./worksheets//sheet1.xml", "/xl/worksheets/sheet1.xml"])
        let shared = try cli.run(["import", "--nya-namn", "delad.xlsx"])
        #expect(shared.status == 1)
        #expect(shared.stderr.split(separator: "\n").first.map(String.init)
                == "fel: delad.xlsx: bladen \"Blad1\", \"Blad3\" och \"Blad4\" pekar på samma del (xl/worksheets/sheet1.xml), men varje blad ska ha en egen del, som i arbetsböcker från Excel och LibreOffice; filen läses inte")
        #expect(shared.stderr.contains("Inget importerades"))
        try WorkbookMaker.write(to: cli.directory.appendingPathComponent("texter.xlsx"), sheets: [("Blad1", rows, false)], sheetTargets: ["sharedStrings.xml"])
        let strings = try cli.run(["import", "--nya-namn", "--dry-run", "texter.xlsx"])
        #expect(strings.status == 1)
        #expect(strings.stderr.split(separator: "\n").first.map(String.init)
                == "fel: texter.xlsx: filen kan inte läsas som Excel-arbetsbok (.xlsx): bladet \"Blad1\" pekar på delen xl/sharedStrings.xml, som inte är ett blad")
        #expect(try cli.databaseContents() == before)
    }
}
