import Foundation
import GRDB
import Testing

/// Undo, `check`, interrupted and concurrent imports.
@Suite struct ReliabilityEndToEndTests {
    @Test func undoRemovesAddedRowsAndRestoresReplacedValues() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        let afterFirst = try cli.databaseTables(["signal", "signal_history"])
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-rattad.csv")])
        #expect(try cli.query("SELECT antal FROM signal WHERE manad = 1", as: Int.self) == [4])

        let undo = try cli.succeed(["undo", "2"])
        #expect(undo.stdout.contains("Ångrade import 2: 1 rader borttagna, 1 rader återställda till tidigare värden."))
        #expect(try cli.databaseTables(["signal", "signal_history"]) == afterFirst)
        let log = try cli.succeed(["imports"]).stdout
        #expect(log.contains("ångrad (3)"))
        #expect(log.contains("ångrar import 2"))
        // The undone file can be imported again.
        let again = try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-rattad.csv")])
        #expect(again.stdout.contains("1 nya, 1 ersatta, 1 oförändrade rader."))
        #expect(try cli.succeed(["check"]).stdout.contains("Databasen är hel"))
    }

    @Test func onlyTheLatestImportTouchingAKeyCanBeUndone() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-rattad.csv")])
        let before = try cli.databaseContents()
        let blocked = try cli.run(["undo", "1"])
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("fel: import 1 kan inte ångras: senare import ändrade samma rader: 2 (signaler-2024-rattad.csv). Ångra den eller dem först."))
        #expect(try cli.databaseContents() == before)
        try cli.succeed(["undo", "2"])
        try cli.succeed(["undo", "1"])
        #expect(try cli.query("SELECT COUNT(*) FROM signal", as: Int.self) == [0])
        #expect(try cli.run(["undo", "1"]).stderr.contains("import 1 är redan ångrad (av 4)"))
        #expect(try cli.run(["undo", "99"]).stderr.contains("det finns ingen import 99"))
    }

    @Test func checkFindsBrokenRules() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        let sound = try cli.succeed(["check"])
        #expect(sound.stdout.contains("Databasen är hel: inga fel hittades."))
        // Someone edits the file by hand.
        let queue = try DatabaseQueue(path: cli.database)
        try queue.write { try $0.execute(sql: "UPDATE signal SET orosanmalningar = antal + 5 WHERE manad = 1") }
        let broken = try cli.run(["check"])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("1 rader i signal där orosanmalningar > antal"))
    }

    @Test func killingAnImportMidwayLeavesTheDatabaseExactlyAsBefore() throws {
        let cli = try CLI()
        try cli.initDatabase()
        try cli.succeed(["import", "--nya-namn", cli.fixture("import/signaler-2024-excel.csv")])
        let before = try cli.databaseContents()
        let big = cli.directory.appendingPathComponent("stor.csv").path
        try cli.succeed(["bench", "generate", "--rows", "400000", "--output", big])

        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["import", "--nya-namn", "--db", cli.database, big]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the import is writing (the WAL grows), then kill it without warning.
        let wal = cli.database + "-wal"
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            if size > 2_000_000 { break }
            usleep(10_000)
        }
        #expect(process.isRunning, "the import finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        #expect(try cli.databaseContents() == before)
        #expect(try cli.query("PRAGMA integrity_check", as: String.self) == ["ok"])
        #expect(try cli.succeed(["check"]).stdout.contains("Databasen är hel"))
    }

    @Test func twoImportsAtOnceBothFinishOrOneFailsCleanly() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let first = cli.directory.appendingPathComponent("a.csv").path
        try cli.succeed(["bench", "generate", "--rows", "60000", "--seed", "1", "--output", first])
        let second = try cli.write("b.csv", "år;aktör;typ\n2024;Polisen;myndighet\n")
        let processes = [first, second].map { file -> (Process, Pipe) in
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["import", "--nya-namn", "--db", cli.database, file]
            let pipe = Pipe()
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
            return (process, pipe)
        }
        for (process, _) in processes { try process.run() }
        for (process, pipe) in processes {
            let stderr = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                #expect(stderr.contains("används av en annan körning"), "unexpected failure: \(stderr)")
            }
        }
        #expect(try cli.query("PRAGMA integrity_check", as: String.self) == ["ok"])
        let imported = try cli.query("SELECT COUNT(*) FROM import_log", as: Int.self).first ?? 0
        #expect(imported >= 1)
        #expect(try cli.query("SELECT COUNT(*) FROM signal", as: Int.self).first == (try cli.query("SELECT COUNT(*) FROM import_log WHERE kind = 'signaler'", as: Int.self).first == 1 ? 60000 : 0))
    }
}

extension CLI {
    /// Rows of some tables as text, for comparing states.
    func databaseTables(_ tables: [String]) throws -> [String] {
        let queue = try DatabaseQueue(path: database)
        return try queue.read { db in
            try tables.flatMap { table in try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { "\(table): \($0)" }.sorted() }
        }
    }
}
