import Foundation
import GRDB
import LagesbildModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why `lagesbild restore` replaced nothing.
public enum RestoreError: Error, Equatable, UserFacingError {
    case copyMissing(path: String)
    case sameFile(path: String)
    case notSQLite(path: String)
    case damaged(path: String, problems: [String])
    case notLagesbild(path: String, reason: String)
    case newer(path: String, unknownMigrations: [String])
    /// Another process has the database open (the service, an import, a backup): its process id when the system says.
    case held(path: String, pid: Int32?)
    case keptExists(path: String)
    case failed(path: String, reason: String)

    public var description: String {
        switch self {
        case .copyMissing(let path): "kopian \(path) finns inte"
        case .sameFile(let path): "kopian och databasen är samma fil (\(path)); ange säkerhetskopian som KOPIA och databasen med --db"
        case .notSQLite(let path): "kopian \(path) är inte en SQLite-databas (den ska börja med \"SQLite format 3\"); inget ersattes"
        case .damaged(let path, let problems):
            "kopian \(path) är skadad; inget ersattes:\n" + problems.prefix(20).map { "  \($0)" }.joined(separator: "\n")
        case .notLagesbild(let path, let reason): "kopian \(path) är ingen lagesbild-databas (\(reason)); inget ersattes"
        case .newer(let path, let unknown):
            "kopian \(path) kommer från en nyare version av lagesbild (ändringar som den här versionen inte känner: "
                + unknown.joined(separator: ", ") + "); inget ersattes"
        case .held(let path, let pid):
            "databasen \(path) är öppen i en annan process" + (pid.map { " (pid \($0))" } ?? "")
                + "; stoppa tjänsten först (sudo systemctl stop lagesbild) och vänta tills importer och säkerhetskopior är klara; inget ersattes"
        case .keptExists(let path): "\(path) finns redan; vänta en sekund och försök igen; inget ersattes"
        case .failed(let path, let reason): "\(path): \(reason); inget ersattes"
        }
    }
}

/// What `lagesbild restore` did.
public struct RestoreOutcome: Sendable, Equatable {
    /// The database now in place.
    public let database: String
    /// Where the replaced database was put (with its `-wal`, if it had one), nil when there was none.
    public let kept: String?
    /// What was checked on the copy, for the user.
    public let checked: [String]
    /// The migrations the copy got on its way in (a copy made by an older version), in order.
    public let migrated: [String]
}

extension Store {
    /// Puts a copy (a backup) in place of the database, after checking it whole: SQLite's integrity check, a lagesbild
    /// database whose every migration this program knows, and the store's own rules (`lagesbild check`), on a
    /// scratch copy in the database's folder, so the copy itself is never changed. The replaced database is kept
    /// beside it as `FIL.ersatt-ÅÅÅÅ-MM-DDTHHMMSS`. Refused, with nothing replaced, while any process has the database
    /// open.
    ///
    /// How "open" is seen: lagesbild opens every database in WAL mode, and SQLite holds a shared POSIX lock on one
    /// byte of the `-shm` file (its "DMS" byte) for as long as a connection is open, from any process, and the
    /// kernel drops it when the process ends, even by a crash. So the lock tells, with no lock file of its own that
    /// could go stale. Restore takes that byte exclusively (non-blocking) for the replacement: if it cannot, someone
    /// has the database open; while it holds it, a lagesbild starting up cannot open the database (SQLite answers
    /// busy) until the new file is in place.
    public static func restore(copy: String, over database: String, now: Date = Date()) throws -> RestoreOutcome {
        let files = FileManager.default
        guard files.fileExists(atPath: copy) else { throw RestoreError.copyMissing(path: copy) }
        let databaseExists = files.fileExists(atPath: database)
        if databaseExists, URL(fileURLWithPath: copy).resolvingSymlinksInPath().path == URL(fileURLWithPath: database).resolvingSymlinksInPath().path {
            throw RestoreError.sameFile(path: database)
        }
        let header = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: copy)).read(upToCount: 16)) ?? nil
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw RestoreError.notSQLite(path: copy) }
        // Fail fast, before a large copy is read; asked again, holding the lock, just before the replacement.
        if databaseExists, let holder = DatabaseHolder.holder(of: database) { throw RestoreError.held(path: database, pid: holder.pid) }

        let folder = URL(fileURLWithPath: database).deletingLastPathComponent().path
        let scratch = folder + "/." + URL(fileURLWithPath: database).lastPathComponent + ".aterstalls-\(UUID().uuidString)"
        let mode = databaseExists ? ((try? files.attributesOfItem(atPath: database)[.posixPermissions] as? Int) ?? 0o600) : 0o600
        defer { for suffix in ["", "-wal", "-shm"] { try? files.removeItem(atPath: scratch + suffix) } }
        do {
            try files.copyItem(atPath: copy, toPath: scratch)
            if files.fileExists(atPath: copy + "-wal") { try files.copyItem(atPath: copy + "-wal", toPath: scratch + "-wal") }
            try files.setAttributes([.posixPermissions: mode], ofItemAtPath: scratch)
        } catch {
            throw RestoreError.failed(path: database, reason: "kopian kunde inte skrivas till \(folder) (\(error.localizedDescription))")
        }

        let (checked, migrated) = try checkScratch(scratch, copy: copy)

        guard databaseExists else {
            try move(scratch, to: database)
            return RestoreOutcome(database: database, kept: nil, checked: checked, migrated: migrated)
        }
        let lock = try DatabaseHolder.lock(database)
        defer { lock.release() }
        let kept = database + ".ersatt-" + keptSuffix(now)
        guard !files.fileExists(atPath: kept) else { throw RestoreError.keptExists(path: kept) }
        if geteuid() == 0, let owner = try? files.attributesOfItem(atPath: database) {
            // Run as root (sudo), the new file keeps the service's owner, or the service could not open it.
            _ = chown(scratch, (owner[.ownerAccountID] as? NSNumber)?.uint32Value ?? 0, (owner[.groupOwnerAccountID] as? NSNumber)?.uint32Value ?? 0)
        }
        // A hard link keeps the replaced file under its new name while the database's name is replaced in one rename.
        guard link(database, kept) == 0 else {
            throw RestoreError.failed(path: database, reason: "kunde inte lägga undan den som \(kept) (\(String(cString: strerror(errno))))")
        }
        if files.fileExists(atPath: database + "-wal") {
            // The replaced database's last changes may still be in its WAL: they go with it.
            guard rename(database + "-wal", kept + "-wal") == 0 else {
                unlink(kept)
                throw RestoreError.failed(path: database, reason: "kunde inte lägga undan \(database)-wal (\(String(cString: strerror(errno))))")
            }
        }
        try move(scratch, to: database)
        return RestoreOutcome(database: database, kept: kept, checked: checked, migrated: migrated)
    }

    /// SQLite's and lagesbild's checks on the scratch copy; the migrations it got on the way.
    private static func checkScratch(_ scratch: String, copy: String) throws -> (checked: [String], migrated: [String]) {
        var checked: [String] = []
        let applied: Set<String>
        do {
            let queue = try DatabaseQueue(path: scratch)
            defer { try? queue.close() }
            let integrity = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            guard integrity == ["ok"] else { throw RestoreError.damaged(path: copy, problems: integrity.map { "integritetskontrollen: \($0)" }) }
            checked.append("SQLite:s integritetskontroll (PRAGMA integrity_check)")
            applied = try queue.read { db in try Schema.migrator.appliedIdentifiers(db) }
            guard applied.contains("v1-store") else {
                throw RestoreError.notLagesbild(path: copy, reason: "den har inte lagesbilds tabeller (migreringen v1-store saknas)")
            }
            let unknown = try queue.read { db in try Schema.unknownMigrations(db) }
            guard unknown.isEmpty else { throw RestoreError.newer(path: copy, unknownMigrations: unknown) }
            checked.append("lagesbilds migreringar: \(applied.count) av \(Schema.migrator.migrations.count), inga okända")
        } catch let error as RestoreError {
            throw error
        } catch let error as DatabaseError {
            throw RestoreError.damaged(path: copy, problems: [error.message ?? "\(error.resultCode)"])
        }
        do {
            let store = try Store.open(path: scratch)
            defer { try? store.queue.close() }
            let report = try store.check()
            guard report.isSound else { throw RestoreError.damaged(path: copy, problems: report.problems) }
            checked.append("lagesbilds regler (lagesbild check)")
        } catch let error as RestoreError {
            throw error
        } catch let error as StoreError {
            throw RestoreError.notLagesbild(path: copy, reason: error.description)
        } catch let error as DatabaseError {
            throw RestoreError.damaged(path: copy, problems: [error.message ?? "\(error.resultCode)"])
        }
        return (checked, Schema.migrator.migrations.filter { !applied.contains($0) })
    }

    private static func move(_ scratch: String, to database: String) throws {
        guard rename(scratch, database) == 0 else {
            throw RestoreError.failed(path: database, reason: "kopian kunde inte läggas på plats (\(String(cString: strerror(errno))))")
        }
        syncFolder(URL(fileURLWithPath: database).deletingLastPathComponent().path)
    }

    private static func keptSuffix(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

/// Makes a rename in the folder durable (outside `Store`, whose `open(path:)` would shadow the system's `open`).
private func syncFolder(_ path: String) {
    let folder = open(path, O_RDONLY)
    if folder >= 0 { fsync(folder); close(folder) }
}

/// Whether a process has a WAL database open, read off SQLite's lock on the `-shm` file's DMS byte (os_unix.c:
/// `UNIX_SHM_DMS`, byte 128, which every connection holds shared while it is open).
enum DatabaseHolder {
    static let dmsOffset: off_t = 128

    /// A process that has the database open; its id when the system says.
    struct Holder { let pid: Int32? }

    /// The process holding the database open, nil when none does.
    static func holder(of database: String) -> Holder? {
        let descriptor = open(database + "-shm", O_RDWR)
        guard descriptor >= 0 else { return nil }   // no -shm: no connection has it open in WAL mode
        defer { close(descriptor) }
        var query = flock()
        query.l_type = Int16(F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        query.l_start = dmsOffset
        query.l_len = 1
        guard fcntl(descriptor, F_GETLK, &query) == 0 else { return nil }
        return query.l_type == Int16(F_UNLCK) ? nil : Holder(pid: query.l_pid > 0 ? query.l_pid : nil)
    }

    /// Holds the DMS byte exclusively until `release()`, or throws `held`.
    struct Lock {
        let descriptor: Int32
        func release() { close(descriptor) }
    }

    static func lock(_ database: String) throws -> Lock {
        let existed = FileManager.default.fileExists(atPath: database + "-shm")
        let descriptor = open(database + "-shm", O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else {
            throw RestoreError.failed(path: database, reason: "\(database)-shm kan inte öppnas (\(String(cString: strerror(errno))))")
        }
        if !existed, geteuid() == 0, let owner = try? FileManager.default.attributesOfItem(atPath: database) {
            _ = fchown(descriptor, (owner[.ownerAccountID] as? NSNumber)?.uint32Value ?? 0, (owner[.groupOwnerAccountID] as? NSNumber)?.uint32Value ?? 0)
        }
        var request = flock()
        request.l_type = Int16(F_WRLCK)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = dmsOffset
        request.l_len = 1
        guard fcntl(descriptor, F_SETLK, &request) == 0 else {
            var query = request
            let pid: Int32? = fcntl(descriptor, F_GETLK, &query) == 0 && query.l_type != Int16(F_UNLCK) && query.l_pid > 0 ? query.l_pid : nil
            close(descriptor)
            throw RestoreError.held(path: database, pid: pid)
        }
        return Lock(descriptor: descriptor)
    }
}
