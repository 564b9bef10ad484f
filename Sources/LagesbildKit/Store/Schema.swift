import GRDB

/// The store's schema: named, append-only migrations registered in one place. A database made by an
/// older version of lagesbild is upgraded when it is opened.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-store") { db in
            try db.execute(sql: """
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                CREATE TABLE kommun (
                    kod TEXT PRIMARY KEY NOT NULL CHECK (length(kod) = 4),
                    namn TEXT NOT NULL
                );
                -- One row per file imported (and, later, per undo). Rows in the fact tables point at the
                -- import that last wrote them; history rows at the import that replaced them.
                CREATE TABLE import_log (
                    id INTEGER PRIMARY KEY,
                    imported_at TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    encoding TEXT NOT NULL,
                    rows_inserted INTEGER NOT NULL DEFAULT 0,
                    rows_replaced INTEGER NOT NULL DEFAULT 0,
                    rows_unchanged INTEGER NOT NULL DEFAULT 0
                );
                -- Idempotent re-import looks up a file's checksum.
                CREATE INDEX import_log_sha256 ON import_log(sha256);
                """)
            // Fact tables are keyed by their natural key (WITHOUT ROWID: the key is the row's storage
            // order). Indicators query by (kommun, ar) and then group by a column, which the key's prefix
            // serves.
            for kind in firstKinds {
                try db.execute(sql: factTableSQL(kind, name: kind.table, history: false, regions: false))
                try db.execute(sql: factTableSQL(kind, name: kind.table + "_history", history: true, regions: false))
                try db.execute(sql: "CREATE INDEX \(kind.table)_import ON \(kind.table)(import_id)")
                try db.execute(sql: "CREATE INDEX \(kind.table)_history_replaced ON \(kind.table)_history(replaced_by)")
            }
        }
        // The per-import indexes cost a fifth of the import's time and serve only undo, which can afford a
        // scan; the history tables keep theirs.
        migrator.registerMigration("v2-drop-import-indexes") { db in
            for kind in firstKinds {
                try db.execute(sql: "DROP INDEX IF EXISTS \(kind.table)_import")
            }
        }
        // Undo: an undo is an entry of its own in the import log, pointing at the import it reverses.
        migrator.registerMigration("v3-undo") { db in
            try db.execute(sql: """
                ALTER TABLE import_log ADD COLUMN action TEXT NOT NULL DEFAULT 'import' CHECK (action IN ('import', 'undo'));
                ALTER TABLE import_log ADD COLUMN undoes INTEGER REFERENCES import_log(id);
                CREATE UNIQUE INDEX import_log_undoes ON import_log(undoes) WHERE undoes IS NOT NULL;
                """)
        }
        // The activity plan's follow-up: a fifth kind.
        migrator.registerMigration("v4-aktiviteter") { db in
            try db.execute(sql: factTableSQL(.aktiviteter, name: DataKind.aktiviteter.table, history: false))
            try db.execute(sql: factTableSQL(.aktiviteter, name: DataKind.aktiviteter.table + "_history", history: true))
            try db.execute(sql: "CREATE INDEX \(DataKind.aktiviteter.table)_history_replaced ON \(DataKind.aktiviteter.table)_history(replaced_by)")
        }
        // Reference data: befolkning takes any area of SCB's scheme ("00" riket, "LL" län, "KKKK" kommun), so its
        // table is rebuilt without the four-character check (SQLite cannot alter a CHECK); reference series
        // get a table of their own, and the titles of their measures one more.
        migrator.registerMigration("v5-referens") { db in
            for name in ["befolkning", "befolkning_history"] {
                let history = name.hasSuffix("_history")
                try db.execute(sql: factTableSQL(.befolkning, name: name + "_new", history: history))
                try db.execute(sql: "INSERT INTO \(name)_new SELECT * FROM \(name)")
                try db.execute(sql: "DROP TABLE \(name)")
                try db.execute(sql: "ALTER TABLE \(name)_new RENAME TO \(name)")
            }
            try db.execute(sql: "CREATE INDEX befolkning_history_replaced ON befolkning_history(replaced_by)")
            try db.execute(sql: factTableSQL(.referens, name: DataKind.referens.table, history: false))
            try db.execute(sql: factTableSQL(.referens, name: DataKind.referens.table + "_history", history: true))
            try db.execute(sql: "CREATE INDEX referens_history_replaced ON referens_history(replaced_by)")
            // Titles from Kolada's KPI metadata: replaced by a later metadata file, removed by undoing it.
            try db.execute(sql: """
                CREATE TABLE referens_titel (
                    kalla TEXT NOT NULL,
                    matt TEXT NOT NULL,
                    titel TEXT NOT NULL,
                    import_id INTEGER NOT NULL REFERENCES import_log(id),
                    PRIMARY KEY (kalla, matt)
                ) WITHOUT ROWID
                """)
        }
        return migrator
    }

    /// The kinds the first migration created; later kinds come with migrations of their own.
    private static let firstKinds: [DataKind] = [.signaler, .utbildning, .befolkning, .samverkan]

    /// `regions: false` writes tables as the first migration did, when every area was a municipality.
    private static func factTableSQL(_ kind: DataKind, name: String, history: Bool, regions: Bool = true) -> String {
        var columns: [String] = []
        for column in kind.columns {
            let type: String
            switch column.type {
            case .kommun: type = "TEXT NOT NULL CHECK (length(kommun) = 4)"
            case .region: type = regions ? "TEXT NOT NULL CHECK (length(\(column.db)) IN (2, 4))" : "TEXT NOT NULL CHECK (length(kommun) = 4)"
            case .decimal: type = "REAL"
            case .year: type = "INTEGER NOT NULL CHECK (\(column.db) BETWEEN 1990 AND 2100)"
            case .month: type = "INTEGER NOT NULL CHECK (\(column.db) BETWEEN 0 AND 12)"
            case .vocabulary, .requiredLabel, .label, .populationArea: type = "TEXT NOT NULL"
            case .count: type = "INTEGER NOT NULL CHECK (\(column.db) >= 0)"
            case .optionalCount: type = "INTEGER CHECK (\(column.db) >= 0)"
            }
            columns.append("\(column.db) \(type)")
        }
        columns.append("import_id INTEGER NOT NULL REFERENCES import_log(id)")
        columns.append("line INTEGER NOT NULL")
        if history {
            columns.insert("id INTEGER PRIMARY KEY", at: 0)
            columns.append("replaced_by INTEGER NOT NULL REFERENCES import_log(id)")
            return "CREATE TABLE \(name) (\n  \(columns.joined(separator: ",\n  "))\n)"
        }
        let key = kind.keyColumns.map(\.db).joined(separator: ", ")
        return "CREATE TABLE \(name) (\n  \(columns.joined(separator: ",\n  ")),\n  PRIMARY KEY (\(key))\n) WITHOUT ROWID"
    }
}
