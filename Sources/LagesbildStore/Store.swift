import Foundation
import GRDB
import LagesbildModel

/// Problems opening or creating the database.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case alreadyExists(path: String)
    case notADatabase(path: String, reason: String)
    case invalidKommun(String)
    case invalidThreshold(Int)
    case busy(path: String)
    case backupExists(path: String)
    /// The database has migrations this program does not have: a newer lagesbild has opened it.
    case newerDatabase(path: String, unknownMigrations: [String])

    public var description: String {
        switch self {
        case .missing(let path):
            "databasen \(path) finns inte; skapa den med \"lagesbild init --kommun KOD\" eller ange --db"
        case .alreadyExists(let path): "databasen \(path) finns redan; välj en annan sökväg med --db"
        case .notADatabase(let path, let reason): "\(path) är inte en lagesbild-databas (\(reason))"
        case .invalidKommun(let value): "\"\(value)\" är inte en kommunkod med fyra siffror (t.ex. 2313)"
        case .invalidThreshold(let value): "maskningsgränsen \(value) ska vara mellan 3 och 10"
        case .busy(let path): "databasen \(path) används av en annan körning just nu; försök igen om en stund"
        case .backupExists(let path): "\(path) finns redan; en kopia skrivs alltid till en ny fil (t.ex. med datum i namnet)"
        case .newerDatabase(let path, let unknown):
            "databasen \(path) har uppgraderats av en nyare version av lagesbild (ändringar som den här versionen inte känner: "
                + unknown.joined(separator: ", ") + "); den här versionen öppnar den inte och har inte ändrat något. "
                + "Installera den nyare versionen igen, eller återställ en säkerhetskopia från före uppgraderingen med lagesbild restore"
        }
    }
}

/// The SQLite database that holds one or more municipalities' aggregated facts.
public final class Store: Sendable {
    public let path: String
    /// A pool: one writer and concurrent readers in WAL mode, so that the workspace's pages keep answering from the
    /// last committed state while an import writes.
    package let queue: DatabasePool

    /// The municipality given to `init`: the default of every command's `--kommun`.
    public let ownKommun: KommunCode

    private init(path: String, queue: DatabasePool) throws {
        self.path = path
        self.queue = queue
        // On the writer's connection, which is open anyway: a command that only writes (an import) opens no reader,
        // and keeps the memory of one.
        let code = try queue.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'kommun'")
        }
        guard let code, let kommun = KommunCode(code) else {
            throw StoreError.notADatabase(path: path, reason: "kommunkod saknas")
        }
        ownKommun = kommun
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .wal
        // A second lagesbild writing at the same time waits rather than failing at once.
        configuration.busyMode = .timeout(15)
        return configuration
    }

    /// Creates a new database for a municipality. The file is readable by its owner only.
    public static func create(path: String, kommun: KommunCode, name: String, maskThreshold: Int = 5) throws -> Store {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.alreadyExists(path: path) }
        guard (3...10).contains(maskThreshold) else { throw StoreError.invalidThreshold(maskThreshold) }
        // Create the file with mode 0600 before SQLite opens it; SQLite gives its -wal and -shm files the
        // database file's permissions.
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.notADatabase(path: path, reason: "filen kan inte skapas")
        }
        let queue = try DatabasePool(path: path, configuration: configuration())
        try Schema.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO setting(key, value) VALUES ('kommun', ?), ('mask_threshold', ?)",
                           arguments: [kommun.rawValue, String(maskThreshold)])
            try db.execute(sql: "INSERT INTO kommun(kod, namn) VALUES (?, ?)", arguments: [kommun.rawValue, name])
        }
        return try Store(path: path, queue: queue)
    }

    /// Opens an existing database, applying any migrations a newer lagesbild brings.
    public static func open(path: String) throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
        do {
            // Before anything is written: a database a newer lagesbild has migrated is refused untouched (GRDB's
            // migrator would skip the migrations it does not know and go on, and this program's writes could then break
            // the newer version's rules). Asked on a read-only connection: a pool writes as it opens (GRDB makes sure
            // the WAL file exists with a table it creates and drops).
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(15)
            let probe = try DatabaseQueue(path: path, configuration: readOnly)
            let unknown = try probe.read { db in try Schema.unknownMigrations(db) }
            try probe.close()
            guard unknown.isEmpty else { throw StoreError.newerDatabase(path: path, unknownMigrations: unknown) }
            let queue = try DatabasePool(path: path, configuration: configuration())
            try Schema.migrator.migrate(queue)
            return try Store(path: path, queue: queue)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.notADatabase(path: path, reason: "inte en SQLite-fil")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw StoreError.busy(path: path)
        }
    }

    /// The smallest non-zero count of signals that may be published unmasked.
    public func maskThreshold() throws -> Int {
        try queue.read { db in try db.maskThreshold() }
    }

    public func setMaskThreshold(_ value: Int) throws {
        guard (3...10).contains(value) else { throw StoreError.invalidThreshold(value) }
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO setting(key, value) VALUES ('mask_threshold', ?)", arguments: [String(value)])
        }
    }

    /// The municipality's name as given to `init`, else its official name (SCB), else "Kommun KOD".
    public func kommunName(_ kommun: KommunCode) throws -> String {
        try queue.read { db in try db.kommunName(kommun) }
    }

    /// Runs read-only queries on one consistent snapshot.
    package func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }

    /// Runs changes in one transaction.
    package func write<T>(_ body: (Database) throws -> T) throws -> T { try queue.write(body) }

    /// From async code: a read on one snapshot, awaited on GRDB's own reader queue, so no cooperative thread waits
    /// for SQLite.
    package func asyncRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await queue.read(body)
    }

    /// From async code: changes in one transaction, awaited on GRDB's writer queue.
    package func asyncWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await queue.write(body)
    }
}

extension Store {
    /// The import log's time format: ISO 8601 in UTC, to the second.
    package static func timestamp(_ date: Date) -> String {
        // Foundation's value-type ISO 8601 style: no ICU formatter is built per call (that was a sixth of the
        // workspace's time per request, for the access log line), and it is safe to share between threads.
        date.formatted(timestampStyle)
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!)
}

extension Store {
    /// Writes a consistent copy of the database to a new file, through SQLite's online backup from one read
    /// snapshot: safe while `serve` runs or an import writes (the copy holds the state before or after an import,
    /// never half of one). The copy gets the original's file mode.
    public func backup(to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else { throw StoreError.backupExists(path: destination) }
        let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o600
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: mode]) else {
            throw StoreError.notADatabase(path: destination, reason: "filen kan inte skapas")
        }
        do {
            let copy = try DatabaseQueue(path: destination)
            try queue.backup(to: copy)
            try copy.close()
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }
}

/// A failure of the database that is nobody's input: what a server answers for it (503, 507) depends on which.
public enum StorageFailure: Sendable, Equatable, CustomStringConvertible {
    /// Another connection holds the lock past the busy timeout.
    case busy
    /// The disk (or the database's size limit) is full.
    case full

    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
        case .SQLITE_FULL: self = .full
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .busy: "databasen upptagen"
        case .full: "disken full"
        }
    }
}

extension Database {
    /// The municipality's name as given to `init`, else its official name (SCB), else "Kommun KOD".
    package func kommunName(_ kommun: KommunCode) throws -> String {
        try String.fetchOne(self, sql: "SELECT namn FROM kommun WHERE kod = ?", arguments: [kommun.rawValue])
            ?? RegionRegister.region(kommun.rawValue)?.officialName ?? "Kommun \(kommun.rawValue)"
    }
}

extension Database {
    /// ``Store/maskThreshold()`` inside a transaction.
    package func maskThreshold() throws -> Int {
        try String.fetchOne(self, sql: "SELECT value FROM setting WHERE key = 'mask_threshold'").flatMap(Int.init) ?? 5
    }

    /// How many population rows a municipality has for a year (0: the year's population is missing).
    package func populationRows(kommun: KommunCode, year: Int) throws -> Int {
        try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM befolkning WHERE kommun = ? AND ar = ?", arguments: [kommun.rawValue, year]) ?? 0
    }
}
