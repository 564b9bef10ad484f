import Foundation
import Testing

/// Tests/Fixtures/hostile: broken and hostile files, each with the exact error it must produce
/// (expected.tsv). Every one exits 1, writes nothing and does not crash.
@Suite struct HostileCorpusTests {
    static let folder = CLI.fixtures.appendingPathComponent("hostile")

    static let cases: [(file: String, expected: String)] = {
        let text = (try? String(contentsOf: folder.appendingPathComponent("expected.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }()

    @Test func theCorpusHasAtLeastFortyFiles() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases.map(\.file))
    func refusedWithTheExpectedMessage(_ file: String) throws {
        let expected = try #require(Self.cases.first { $0.file == file }?.expected)
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        let before = try cli.databaseContents()
        // Copied into the scratch folder so messages name the file as the user typed it.
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent(file), to: cli.directory.appendingPathComponent(file))
        let output = try cli.run(["import", "--nya-namn", file])
        #expect(output.status == 1)
        // The whole first message, exactly as expected.tsv has it.
        #expect(output.stderr.split(separator: "\n").first.map(String.init) == "fel: " + expected, "stderr: \(output.stderr)")
        #expect(output.stderr.contains("Inget importerades"))
        #expect(try cli.databaseContents() == before)
    }

    @Test func aTenMegabyteFieldIsRefusedWithoutHoldingIt() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let before = try cli.databaseContents()
        var bytes = Array("år;kategori;område;antal\n2024;klotter;".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
        bytes += Array(";1\n".utf8)
        _ = try cli.write("stort-falt.csv", bytes)
        let output = try cli.run(["import", "--nya-namn", "stort-falt.csv"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("stort-falt.csv:2: ett fält är längre än 100000 byte"))
        #expect(try cli.databaseContents() == before)
    }

    @Test func aFileThatCannotBeReadIsNamed() throws {
        let cli = try CLI()
        try cli.initDatabase()
        // Reading /proc/self/mem from offset 0 fails with an I/O error, even for root.
        let output = try cli.run(["import", "--nya-namn", "/proc/self/mem"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("/proc/self/mem: filen kan inte läsas"))
        if getuid() != 0 {
            let locked = try cli.write("last.csv", "år;kategori;antal\n2024;klotter;1\n")
            chmod(locked, 0)
            let denied = try cli.run(["import", "--nya-namn", locked])
            #expect(denied.stderr.contains("filen kan inte läsas"))
        }
    }

    @Test func formulaCellsAreStoredAsTextAndNeutralisedInCSVOutput() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let formula = "=HYPERLINK(\"http://angripare.example/\";\"Klicka\")"
        let file = try cli.write("formel.csv", "år;kategori;område;antal\n2024;klotter;\"\(formula.replacingOccurrences(of: "\"", with: "\"\""))\";7\n")
        try cli.succeed(["import", "--nya-namn", file])
        let csv = try cli.succeed(["indicators", "--year", "2024", "--format", "csv"]).stdout
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://angripare.example/\"\";\"\"Klicka\"\")\""))
        #expect(!csv.contains(";=HYPERLINK"))
        #expect(!csv.contains(";\"=HYPERLINK"))
    }
}
