import Foundation
import GRDB
import Testing

/// `lagesbild restore KOPIA --db FIL`: the copy is checked before anything is replaced, the replaced file is kept
/// beside it, and nothing is replaced while another process has the database open.
@Suite struct RestoreCommandTests {
    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    private func signals(_ path: String) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signal") ?? -1 }
    }

    /// The files in the test's folder, but the ones the steps left there on purpose.
    private func folderFiles(_ cli: CLI) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cli.directory.path).sorted()
    }

    @Test func aGoodCopyReplacesTheDatabaseAndTheReplacedOneIsKept() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("indicators/signaler.csv")])
        let copy = cli.directory.appendingPathComponent("kopia.sqlite").path
        try cli.succeed(["backup", copy])
        let copyBytes = try bytes(copy)
        let rowsInCopy = try signals(copy)
        // After the backup the database changes: a second file is imported.
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        let rowsAfter = try signals(cli.database)
        #expect(rowsAfter > rowsInCopy)

        let output = try cli.succeed(["restore", copy, "--db", cli.database])
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Kontrollerat: SQLite:s integritetskontroll (PRAGMA integrity_check)")
        #expect(lines.contains("Kontrollerat: lagesbilds regler (lagesbild check)"))
        #expect(lines.last == "Återställde \(cli.database) från \(copy).")
        let keptLine = try #require(lines.first { $0.hasPrefix("Den ersatta databasen ligger kvar som ") })
        let kept = String(keptLine.dropFirst("Den ersatta databasen ligger kvar som ".count).dropLast())
        #expect(kept.hasPrefix(cli.database + ".ersatt-"))
        #expect(output.stderr.isEmpty)

        #expect(try signals(cli.database) == rowsInCopy)
        #expect(try signals(kept) == rowsAfter)
        #expect(try bytes(copy) == copyBytes, "the copy itself is never changed")
        let mode = try FileManager.default.attributesOfItem(atPath: cli.database)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try cli.succeed(["check"]).stdout.hasSuffix("Databasen är hel: inga fel hittades.\n"))
        // No scratch file is left behind.
        #expect(try folderFiles(cli).filter { $0.contains("aterstalls") }.isEmpty)
    }

    @Test func aDamagedCopyReplacesNothing() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("indicators/signaler.csv")])
        let copy = cli.directory.appendingPathComponent("kopia.sqlite").path
        try cli.succeed(["backup", copy])
        // Page 2 onwards overwritten, as a disk that lost part of a file would.
        var damaged = try bytes(copy)
        let pageSize = Int(damaged[16]) << 8 | Int(damaged[17])
        #expect(damaged.count > 3 * pageSize)
        damaged.replaceSubrange(pageSize..<(2 * pageSize), with: Data(repeating: 0x5A, count: pageSize))
        try damaged.write(to: URL(fileURLWithPath: copy))
        let before = try folderFiles(cli)
        let database = try bytes(cli.database)

        let output = try cli.run(["restore", copy, "--db", cli.database])
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("fel: kopian \(copy) är skadad; inget ersattes:\n"))
        #expect(output.stdout.isEmpty)
        #expect(try bytes(cli.database) == database)
        #expect(try folderFiles(cli) == before)

        // Not an SQLite file at all.
        let text = cli.directory.appendingPathComponent("anteckningar.txt").path
        try Data("inte en databas\n".utf8).write(to: URL(fileURLWithPath: text))
        let notSQLite = try cli.run(["restore", text, "--db", cli.database])
        #expect(notSQLite.status == 1)
        #expect(notSQLite.stderr == "fel: kopian \(text) är inte en SQLite-databas (den ska börja med \"SQLite format 3\"); inget ersattes\n")
        #expect(try bytes(cli.database) == database)
    }

    @Test func aHeldDatabaseIsNotReplaced() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let copy = cli.directory.appendingPathComponent("kopia.sqlite").path
        try cli.succeed(["backup", copy])
        try cli.succeed(["import", "--nya-namn", cli.fixture("indicators/signaler.csv")])
        let database = try bytes(cli.database)

        // This test process holds the database open, as lagesbild serve does.
        var pool: DatabasePool? = try DatabasePool(path: cli.database)
        _ = try pool?.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signal") }
        let output = try cli.run(["restore", copy, "--db", cli.database])
        #expect(output.status == 1)
        #expect(output.stderr == "fel: databasen \(cli.database) är öppen i en annan process (pid \(getpid())); stoppa tjänsten först "
            + "(sudo systemctl stop lagesbild) och vänta tills importer och säkerhetskopior är klara; inget ersattes\n")
        #expect(try bytes(cli.database) == database)
        #expect(try folderFiles(cli).filter { $0.contains("ersatt") || $0.contains("aterstalls") }.isEmpty)

        // Once it lets go, the same command restores.
        try pool?.close()
        pool = nil
        try cli.succeed(["restore", copy, "--db", cli.database])
        #expect(try signals(cli.database) == 0)
    }

    /// A copy (or a database) that a newer lagesbild has migrated is refused, untouched, with the migrations named.
    @Test func aNewerVersionsDatabaseIsRefusedAndUntouched() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let copy = cli.directory.appendingPathComponent("kopia.sqlite").path
        try cli.succeed(["backup", copy])
        for path in [copy, cli.database] {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-framtida'); CREATE TABLE framtida (x)") }
            try queue.close()
        }
        let database = try bytes(cli.database)
        let restore = try cli.run(["restore", copy, "--db", cli.database])
        #expect(restore.status == 1)
        #expect(restore.stderr == "fel: kopian \(copy) kommer från en nyare version av lagesbild (ändringar som den här versionen inte känner: "
            + "v99-framtida); inget ersattes\n")
        let status = try cli.run(["status"])
        #expect(status.status == 1)
        #expect(status.stderr == "fel: databasen lagesbild.sqlite har uppgraderats av en nyare version av lagesbild (ändringar som den här "
            + "versionen inte känner: v99-framtida); den här versionen öppnar den inte och har inte ändrat något. Installera den nyare "
            + "versionen igen, eller återställ en säkerhetskopia från före uppgraderingen med lagesbild restore\n")
        #expect(try bytes(cli.database) == database)
    }
}
