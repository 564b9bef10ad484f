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

    /// The rules the hostile corpus (Tests/Fixtures/hostile, HostileCorpusTests) does not already cover: the other
    /// vocabularies, polisanmälningar, duplicate keys spelled differently, and the activity plan's rules.
    static let cases: [Case] = [
        Case("miljo.csv", "år;kategori;miljö;antal\n2024;klotter;blå;1\n", "miljo.csv:2: kolumnen \"miljö\": okänt värde \"blå\""),
        Case("typ.csv", "år;aktör;typ\n2024;Polisen;polis\n", "typ.csv:2: kolumnen \"typ\": okänt värde \"polis\"; tillåtna värden är Förvaltning, Myndighet, Företag, Förening, Trossamfund, Annan"),
        Case("polis.csv", "år;kategori;antal;polisanmälningar\n2024;klotter;2;3\n", "polis.csv:2: kolumnen \"polisanmälningar\": polisanmälningar (3) är större än antal (2)"),
        Case("duplicate-key.csv", "år;kategori;område;antal\n2024;klotter;Centrum;1\n2024;Klotter;centrum ;2\n2024;KLOTTER;Centrum;3\n",
             "duplicate-key.csv:4: samma rad (samma nyckel) finns redan på rad 2 i filen"),
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
    ]

    @Test(arguments: cases)
    func refusedWithMessageExitCodeAndNothingWritten(_ testCase: Case) throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        let before = try cli.databaseContents()
        let path = try cli.write(testCase.name, testCase.bytes)
        let output = try cli.run(["import", "--nya-namn", path])
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
        let output = try cli.run(["import", "--nya-namn", try cli.write("many.csv", text)])
        #expect(output.status == 1)
        #expect(output.stderr.components(separatedBy: "är inte ett icke-negativt heltal").count - 1 == 50)
        #expect(output.stderr.contains("many.csv:51: kolumnen \"antal\""))
        #expect(output.stderr.contains("fler än 50 fel"))
    }

    @Test func pathsThatAreNotReadableFiles() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let missing = try cli.run(["import", "--nya-namn", "finns-inte.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("finns-inte.csv: filen finns inte"))
        let folder = try cli.run(["import", "--nya-namn", cli.directory.path])
        #expect(folder.stderr.contains("är en mapp, inte en fil"))
    }
}
