import GRDB
import LagesbildModel

/// The import log's writes, for an import running inside its transaction: an entry opened when a source starts,
/// closed with its counts when it is kept; the lookup that makes a second import of the same content a no-op; and
/// the titles of reference measures, which belong to the import that brought them.
package enum ImportLog {
    /// A page cache large enough for the B-tree pages a bulk import touches, within the memory budget (4 MB: the
    /// 50 MB budget also holds libxml2 and zlib for workbooks, and the web server's libraries linked into the binary).
    package static func prepareForBulkWrites(_ db: Database) throws {
        try db.execute(sql: "PRAGMA cache_size = -4096")
    }

    /// Opens an entry for a source of `kind`; its checksum may follow when the source is kept.
    /// In a dry run (``DryRun``), the entry is only an id and a checksum in the dry run's own log, and the id the
    /// one the import would get: SQLite gives a new row the largest id so far plus one.
    package static func begin(_ db: Database, at timestamp: String, kind: DataKind, fileName: String, sha256: String = "",
                              encoding: String, dryRun: Bool = false) throws -> Int64 {
        if dryRun {
            try db.execute(sql: """
                INSERT INTO temp.dry_import_log (id, sha256)
                SELECT max(coalesce((SELECT max(id) FROM main.import_log), 0), coalesce((SELECT max(id) FROM temp.dry_import_log), 0)) + 1, ?
                """, arguments: [sha256])
            return db.lastInsertedRowID
        }
        try db.execute(sql: """
            INSERT INTO import_log (imported_at, kind, file_name, sha256, encoding) VALUES (?, ?, ?, ?, ?)
            """, arguments: [timestamp, kind.rawValue, fileName, sha256, encoding])
        return db.lastInsertedRowID
    }

    /// Closes an entry with what its source changed (and its checksum, when it was not known at the start).
    package static func finish(_ db: Database, id: Int64, counts: WriteCounts, sha256: String? = nil, dryRun: Bool = false) throws {
        if dryRun {
            if let sha256 { try db.execute(sql: "UPDATE temp.dry_import_log SET sha256 = ? WHERE id = ?", arguments: [sha256, id]) }
            return
        }
        if let sha256 {
            try db.execute(sql: "UPDATE import_log SET sha256 = ?, rows_inserted = ?, rows_replaced = ?, rows_unchanged = ? WHERE id = ?",
                           arguments: [sha256, counts.inserted, counts.replaced, counts.unchanged, id])
        } else {
            try db.execute(sql: "UPDATE import_log SET rows_inserted = ?, rows_replaced = ?, rows_unchanged = ? WHERE id = ?",
                           arguments: [counts.inserted, counts.replaced, counts.unchanged, id])
        }
    }

    /// The first import (not undone) of content with this checksum, other than `other`. A dry run's own entries
    /// (earlier files of its command) come after every stored one, and none of them undoes anything.
    package static func earlierImport(_ db: Database, of sha256: String, other: Int64 = 0, dryRun: Bool = false) throws -> Int64? {
        if dryRun {
            return try Int64.fetchOne(db, sql: """
                SELECT coalesce(
                  (SELECT id FROM main.import_log WHERE sha256 = ?1 AND id <> ?2 AND action = 'import'
                   AND id NOT IN (SELECT undoes FROM main.import_log WHERE undoes IS NOT NULL) ORDER BY id LIMIT 1),
                  (SELECT min(id) FROM temp.dry_import_log WHERE sha256 = ?1 AND id <> ?2))
                """, arguments: [sha256, other])
        }
        return try Int64.fetchOne(db, sql: """
            SELECT id FROM import_log WHERE sha256 = ? AND id <> ? AND action = 'import'
            AND id NOT IN (SELECT undoes FROM import_log WHERE undoes IS NOT NULL) ORDER BY id LIMIT 1
            """, arguments: [sha256, other])
    }

    /// Sets the title of a reference measure (Kolada's KPI metadata); a later file replaces it, undoing it removes it.
    /// A dry run keeps no titles: nothing in an import reads them back.
    package static func setTitle(_ db: Database, source: String, measure: String, title: String, importID: Int64,
                                 dryRun: Bool = false) throws {
        if dryRun { return }
        try db.execute(sql: """
            INSERT INTO referens_titel (kalla, matt, titel, import_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (kalla, matt) DO UPDATE SET titel = excluded.titel, import_id = excluded.import_id
            WHERE titel <> excluded.titel
            """, arguments: [source, measure, title, importID])
    }
}

/// What a source's rows did to the store.
package struct WriteCounts: Sendable, Equatable {
    package var inserted = 0
    package var replaced = 0
    package var unchanged = 0

    package init() {}

    /// Counts one row's outcome; for a key the same source wrote before, returns that earlier row's line instead.
    package mutating func record(_ outcome: FactWriter.Outcome) -> Int? {
        switch outcome {
        case .inserted: inserted += 1
        case .replaced: replaced += 1
        case .unchanged: unchanged += 1
        case .duplicate(let firstLine): return firstLine
        }
        return nil
    }
}
