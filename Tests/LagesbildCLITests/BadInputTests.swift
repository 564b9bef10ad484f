import Foundation
import Testing

/// Each rule's bad input: the exact message, a non-zero exit, and the database unchanged.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let expected: [String]
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ expected: String...) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.expected = expected
        }

        init(_ name: String, bytes: [UInt8], _ expected: String...) {
            self.name = name
            self.bytes = bytes
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        Case("negative.csv", "år;kategori;antal\n2024;klotter;1\n2024;flygblad;-3\n",
             "negative.csv:3: kolumnen \"antal\": \"-3\" är inte ett icke-negativt heltal"),
        Case("decimal.csv", "år;kategori;antal\n2024;klotter;1.5\n", "decimal.csv:2: kolumnen \"antal\": \"1.5\" är inte ett icke-negativt heltal"),
        Case("letters.csv", "år;kategori;antal\n2024;klotter;12abc\n", "letters.csv:2: kolumnen \"antal\": \"12abc\" är inte ett icke-negativt heltal"),
        Case("huge.csv", "år;kategori;antal\n2024;klotter;1000000000000\n", "huge.csv:2: kolumnen \"antal\": \"1000000000000\" är för stort (högst 2 147 483 647)"),
        Case("year0.csv", "år;kategori;antal\n0;klotter;1\n", "year0.csv:2: kolumnen \"år\": \"0\" är inte ett år mellan 1990 och 2100"),
        Case("year99999.csv", "år;kategori;antal\n99999;klotter;1\n", "year99999.csv:2: kolumnen \"år\": \"99999\" är inte ett år mellan 1990 och 2100"),
        Case("month13.csv", "år;månad;kategori;antal\n2024;13;klotter;1\n", "month13.csv:2: kolumnen \"månad\": \"13\" är inte en månad 1–12 (lämna tomt för hela året)"),
        Case("vocabulary.csv", "år;kategori;antal\n2024;graffiti;1\n",
             "vocabulary.csv:2: kolumnen \"kategori\": okänt värde \"graffiti\"; tillåtna värden är Flygblad, Klotter, Spridande av symboler, Negativ social kontroll, Avståndstagande från samhället, Mötesverksamhet, Uttalanden, Övrigt"),
        Case("miljo.csv", "år;kategori;miljö;antal\n2024;klotter;blå;1\n", "miljo.csv:2: kolumnen \"miljö\": okänt värde \"blå\""),
        Case("typ.csv", "år;aktör;typ\n2024;Polisen;polis\n", "typ.csv:2: kolumnen \"typ\": okänt värde \"polis\"; tillåtna värden är Förvaltning, Myndighet, Företag, Förening, Trossamfund, Annan"),
        Case("ragged.csv", "år;kategori;antal\n2024;klotter\n", "ragged.csv:2: raden har 2 fält men rubrikraden har 3"),
        Case("missing.csv", "år;kategori;område\n2024;klotter;x\n", "missing.csv:1: obligatorisk kolumn saknas för signaler: \"antal\""),
        Case("personal-column.csv", "år;kategori;antal;personnummer\n2024;klotter;1;x\n",
             "personal-column.csv:1: okänd kolumn \"personnummer\" för signaler"),
        Case("name-column.csv", "år;förvaltning;utbildning;målgrupp;genomfört;namn\n2024;Soc;grund;1;1;Anna\n",
             "name-column.csv:1: okänd kolumn \"namn\" för utbildning"),
        Case("pnr.csv", "år;kategori;område;antal\n2024;klotter;Centrum 19850101-1234;1\n",
             "pnr.csv:2: kolumnen \"område\": värdet ser ut som ett personnummer eller samordningsnummer"),
        Case("pnr12.csv", "år;aktör;typ\n2024;Kontakt 198501011234;annan\n", "pnr12.csv:2: kolumnen \"aktör\": värdet ser ut som ett personnummer"),
        Case("oros.csv", "år;kategori;antal;orosanmälningar\n2024;klotter;2;3\n",
             "oros.csv:2: kolumnen \"orosanmälningar\": orosanmälningar (3) är större än antal (2)"),
        Case("polis.csv", "år;kategori;antal;polisanmälningar\n2024;klotter;2;3\n", "polis.csv:2: kolumnen \"polisanmälningar\": polisanmälningar (3) är större än antal (2)"),
        Case("genomfort.csv", "år;förvaltning;utbildning;målgrupp;genomfört\n2024;Soc;grund;10;11\n",
             "genomfort.csv:2: kolumnen \"genomfört\": genomfört (11) är större än målgrupp (10)"),
        Case("duplicate-key.csv", "år;kategori;område;antal\n2024;klotter;Centrum;1\n2024;Klotter;centrum ;2\n2024;KLOTTER;Centrum;3\n",
             "duplicate-key.csv:4: samma rad (samma nyckel) finns redan på rad 2 i filen"),
        Case("duplicate-header.csv", "år;kategori;antal;Antal\n2024;klotter;1;2\n", "duplicate-header.csv:1: kolumnen \"Antal\" förekommer två gånger (första gången som kolumn 3)"),
        Case("unterminated.csv", "år;kategori;antal\n2024;\"klotter;1\n2024;klotter;2\n", "unterminated.csv:2: ett citattecken (\") som börjar här avslutas aldrig"),
        Case("malomrade4.csv", "år;målområde;aktivitet;ansvarig;status\n2024;4;Leda samverkan;Säkerhetssamordnare;genomförd\n",
             "malomrade4.csv:2: kolumnen \"målområde\": okänt värde \"4\"; tillåtna värden är 1, 2 eller 3 (eller målområdets namn: Organisation och samordning, Kunskap och stöd, Situations- och behovsanpassade åtgärder)"),
        Case("status.csv", "år;målområde;aktivitet;ansvarig;status\n2024;1;Leda samverkan;Säkerhetssamordnare;försenad\n",
             "status.csv:2: kolumnen \"status\": okänt värde \"försenad\"; tillåtna värden är Genomförd, Pågående, Ej påbörjad, Inställd"),
        Case("long-comment.csv", "år;målområde;aktivitet;ansvarig;status;kommentar\n2024;1;Leda samverkan;Säkerhetssamordnare;genomförd;" + String(repeating: "å", count: 501) + "\n",
             "long-comment.csv:2: kolumnen \"kommentar\": texten är längre än 500 tecken"),
        Case("long-responsible.csv", "år;målområde;aktivitet;ansvarig;status\n2024;1;Leda samverkan;" + String(repeating: "x", count: 101) + ";genomförd\n",
             "long-responsible.csv:2: kolumnen \"ansvarig\": texten är längre än 100 tecken"),
        Case("activity-twice.csv", "år;målområde;aktivitet;ansvarig;status\n2024;1;Leda samverkan;Säkerhetssamordnare;genomförd\n2024;2;Leda samverkan;Socialchef;pågående\n",
             "activity-twice.csv:3: samma rad (samma nyckel) finns redan på rad 2 i filen"),
        Case("activity-pnr.csv", "år;målområde;aktivitet;ansvarig;status;kommentar\n2024;1;Leda samverkan;Säkerhetssamordnare;genomförd;Samtal med 850101-1234\n",
             "activity-pnr.csv:2: kolumnen \"kommentar\": värdet ser ut som ett personnummer"),
        Case("empty.csv", "", "empty.csv: filen är tom"),
        Case("header-only.csv", "år;kategori;antal\r\n", "header-only.csv: filen innehåller bara rubrikraden och inga datarader"),
        Case("unknown-kind.csv", "foo;bar\n1;2\n", "unknown-kind.csv:1: kan inte avgöra vilken sorts fil det är utifrån rubrikerna (\"foo\", \"bar\")"),
        Case("kommun.csv", "kommun;år;kategori;antal\n23a;2024;klotter;1\n", "kommun.csv:2: kolumnen \"kommun\": \"23a\" är inte en kommunkod med fyra siffror (t.ex. 2313)"),
        Case("undefined-1252.csv", bytes: Array("år;kategori;antal\n2024;klotter;1\n2024;".utf8) + [0x81] + Array(";1\n".utf8),
             "undefined-1252.csv:3: byte 0x81 är varken giltig UTF-8 eller ett tecken i Windows-1252"),
        Case("utf16-no-bom.csv", bytes: Array("år;kategori;antal\n2024;klotter;1\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
             "utf16-no-bom.csv:1: filen ser ut att vara UTF-16 utan byte-ordningsmärke (BOM)"),
        Case("nul.csv", bytes: Array("år;kategori;antal\n2024;klotter;1\n2024;klo".utf8) + [0] + Array("tter;1\n".utf8),
             "nul.csv:3: filen innehåller NUL-byte och ser inte ut att vara en textfil"),
        Case("mixed-separators.csv", "år;kategori;antal\n2024,klotter,1\n", "mixed-separators.csv:2: raden har 1 fält men rubrikraden har 3"),
        Case("empty-required.csv", "år;förvaltning;utbildning;målgrupp;genomfört\n2024;;grund;1;1\n", "empty-required.csv:2: kolumnen \"förvaltning\": värdet saknas men är obligatoriskt"),
    ]

    @Test(arguments: cases)
    func refusedWithMessageExitCodeAndNothingWritten(_ testCase: Case) throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", cli.fixture("import/signaler-2024-excel.csv")])
        let before = try cli.databaseContents()
        let path = try cli.write(testCase.name, testCase.bytes)
        let output = try cli.run(["import", path])
        #expect(output.status == 1)
        for expected in testCase.expected {
            #expect(output.stderr.contains(expected), "stderr was: \(output.stderr)")
        }
        #expect(!output.stderr.contains("Fatal error"))
        #expect(try cli.databaseContents() == before)
    }

    @Test func everyErrorOfAFileIsReportedUpToFifty() throws {
        let cli = try CLI()
        try cli.initDatabase()
        var text = "år;kategori;antal\n"
        for _ in 0..<80 { text += "2024;klotter;x\n" }
        let output = try cli.run(["import", try cli.write("many.csv", text)])
        #expect(output.status == 1)
        #expect(output.stderr.components(separatedBy: "är inte ett icke-negativt heltal").count - 1 == 50)
        #expect(output.stderr.contains("many.csv:51: kolumnen \"antal\""))
        #expect(output.stderr.contains("fler än 50 fel"))
    }

    @Test func pathsThatAreNotReadableFiles() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let missing = try cli.run(["import", "finns-inte.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("finns-inte.csv: filen finns inte"))
        let folder = try cli.run(["import", cli.directory.path])
        #expect(folder.stderr.contains("är en mapp, inte en fil"))
    }
}
