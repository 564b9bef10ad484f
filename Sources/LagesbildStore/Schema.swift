import GRDB
import LagesbildModel

/// The store's schema: named, append-only migrations registered in one place. A database made by an
/// older version of lagesbild is upgraded when it is opened.
///
/// Every migration is literal SQL that never changes once shipped (GRDB's guide: a migration does not depend on
/// application types, so a change to `DataKind` can never change what an old step did). A new column or table is
/// a new migration at the end. `Tests/Fixtures/schema.sql` holds the schema a fresh database gets; a test compares.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-store") { db in
            // Fact tables are keyed by their natural key (WITHOUT ROWID: the key is the row's storage order).
            // Indicators query by (kommun, ar) and then group by a column, which the key's prefix serves.
            // Rows point at the import that last wrote them; history rows at the import that replaced them.
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
            try db.execute(sql: """
                CREATE TABLE signal (
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  manad INTEGER NOT NULL CHECK (manad BETWEEN 0 AND 12),
                  kategori TEXT NOT NULL,
                  miljo TEXT NOT NULL,
                  omrade TEXT NOT NULL,
                  kalla TEXT NOT NULL,
                  antal INTEGER NOT NULL CHECK (antal >= 0),
                  orosanmalningar INTEGER CHECK (orosanmalningar >= 0),
                  polisanmalningar INTEGER CHECK (polisanmalningar >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, ar, manad, kategori, miljo, omrade, kalla)
                ) WITHOUT ROWID;
                """)
            try db.execute(sql: """
                CREATE TABLE signal_history (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  manad INTEGER NOT NULL CHECK (manad BETWEEN 0 AND 12),
                  kategori TEXT NOT NULL,
                  miljo TEXT NOT NULL,
                  omrade TEXT NOT NULL,
                  kalla TEXT NOT NULL,
                  antal INTEGER NOT NULL CHECK (antal >= 0),
                  orosanmalningar INTEGER CHECK (orosanmalningar >= 0),
                  polisanmalningar INTEGER CHECK (polisanmalningar >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                );
                """)
            try db.execute(sql: """
                CREATE INDEX signal_import ON signal(import_id);
                """)
            try db.execute(sql: """
                CREATE INDEX signal_history_replaced ON signal_history(replaced_by);
                """)
            try db.execute(sql: """
                CREATE TABLE utbildning (
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  forvaltning TEXT NOT NULL,
                  utbildning TEXT NOT NULL,
                  malgrupp INTEGER NOT NULL CHECK (malgrupp >= 0),
                  genomfort INTEGER NOT NULL CHECK (genomfort >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, ar, forvaltning, utbildning)
                ) WITHOUT ROWID;
                """)
            try db.execute(sql: """
                CREATE TABLE utbildning_history (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  forvaltning TEXT NOT NULL,
                  utbildning TEXT NOT NULL,
                  malgrupp INTEGER NOT NULL CHECK (malgrupp >= 0),
                  genomfort INTEGER NOT NULL CHECK (genomfort >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                );
                """)
            try db.execute(sql: """
                CREATE INDEX utbildning_import ON utbildning(import_id);
                """)
            try db.execute(sql: """
                CREATE INDEX utbildning_history_replaced ON utbildning_history(replaced_by);
                """)
            try db.execute(sql: """
                CREATE TABLE befolkning (
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  omrade TEXT NOT NULL,
                  invanare INTEGER NOT NULL CHECK (invanare >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, ar, omrade)
                ) WITHOUT ROWID;
                """)
            try db.execute(sql: """
                CREATE TABLE befolkning_history (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  omrade TEXT NOT NULL,
                  invanare INTEGER NOT NULL CHECK (invanare >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                );
                """)
            try db.execute(sql: """
                CREATE INDEX befolkning_import ON befolkning(import_id);
                """)
            try db.execute(sql: """
                CREATE INDEX befolkning_history_replaced ON befolkning_history(replaced_by);
                """)
            try db.execute(sql: """
                CREATE TABLE samverkan (
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  aktor TEXT NOT NULL,
                  typ TEXT NOT NULL,
                  moten INTEGER CHECK (moten >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, ar, aktor)
                ) WITHOUT ROWID;
                """)
            try db.execute(sql: """
                CREATE TABLE samverkan_history (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  aktor TEXT NOT NULL,
                  typ TEXT NOT NULL,
                  moten INTEGER CHECK (moten >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                );
                """)
            try db.execute(sql: """
                CREATE INDEX samverkan_import ON samverkan(import_id);
                """)
            try db.execute(sql: """
                CREATE INDEX samverkan_history_replaced ON samverkan_history(replaced_by);
                """)
        }
        // The per-import indexes cost a fifth of the import's time and serve only undo, which can afford a
        // scan; the history tables keep theirs.
        migrator.registerMigration("v2-drop-import-indexes") { db in
            try db.execute(sql: """
                DROP INDEX IF EXISTS signal_import;
                DROP INDEX IF EXISTS utbildning_import;
                DROP INDEX IF EXISTS befolkning_import;
                DROP INDEX IF EXISTS samverkan_import;
                """)
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
            try db.execute(sql: """
                CREATE TABLE aktivitet (
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  aktivitet TEXT NOT NULL,
                  malomrade TEXT NOT NULL,
                  ansvarig TEXT NOT NULL,
                  insatsniva TEXT NOT NULL,
                  status TEXT NOT NULL,
                  kommentar TEXT NOT NULL,
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, ar, aktivitet)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: """
                CREATE TABLE aktivitet_history (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  aktivitet TEXT NOT NULL,
                  malomrade TEXT NOT NULL,
                  ansvarig TEXT NOT NULL,
                  insatsniva TEXT NOT NULL,
                  status TEXT NOT NULL,
                  kommentar TEXT NOT NULL,
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                )
                """)
            try db.execute(sql: """
                CREATE INDEX aktivitet_history_replaced ON aktivitet_history(replaced_by)
                """)
        }
        // Reference data: befolkning takes any area of SCB's scheme ("00" riket, "LL" län, "KKKK" kommun), so its
        // table is rebuilt without the four-character check (SQLite cannot alter a CHECK); reference series
        // get a table of their own, and the titles of their measures one more.
        migrator.registerMigration("v5-referens") { db in
            try db.execute(sql: """
                CREATE TABLE befolkning_new (
                  kommun TEXT NOT NULL CHECK (length(kommun) IN (2, 4)),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  omrade TEXT NOT NULL,
                  invanare INTEGER NOT NULL CHECK (invanare >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, ar, omrade)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: """
                INSERT INTO befolkning_new (kommun, ar, omrade, invanare, import_id, line) SELECT kommun, ar, omrade, invanare, import_id, line FROM befolkning
                """)
            try db.execute(sql: """
                DROP TABLE befolkning
                """)
            try db.execute(sql: """
                ALTER TABLE befolkning_new RENAME TO befolkning
                """)
            try db.execute(sql: """
                CREATE TABLE befolkning_history_new (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) IN (2, 4)),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  omrade TEXT NOT NULL,
                  invanare INTEGER NOT NULL CHECK (invanare >= 0),
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                )
                """)
            try db.execute(sql: """
                INSERT INTO befolkning_history_new (id, kommun, ar, omrade, invanare, import_id, line, replaced_by) SELECT id, kommun, ar, omrade, invanare, import_id, line, replaced_by FROM befolkning_history
                """)
            try db.execute(sql: """
                DROP TABLE befolkning_history
                """)
            try db.execute(sql: """
                ALTER TABLE befolkning_history_new RENAME TO befolkning_history
                """)
            try db.execute(sql: """
                CREATE INDEX befolkning_history_replaced ON befolkning_history(replaced_by)
                """)
            try db.execute(sql: """
                CREATE TABLE referens (
                  kommun TEXT NOT NULL CHECK (length(kommun) IN (2, 4)),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  kalla TEXT NOT NULL,
                  matt TEXT NOT NULL,
                  kon TEXT NOT NULL,
                  varde REAL,
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, ar, kalla, matt, kon)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: """
                CREATE TABLE referens_history (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) IN (2, 4)),
                  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
                  kalla TEXT NOT NULL,
                  matt TEXT NOT NULL,
                  kon TEXT NOT NULL,
                  varde REAL,
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                )
                """)
            try db.execute(sql: """
                CREATE INDEX referens_history_replaced ON referens_history(replaced_by)
                """)
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
        // The workspace in the browser (`lagesbild serve`): accounts with a role (a rapportör bound to källor and
        // förvaltningar, one per line), an audit log of every state change, and published reports, which never change.
        migrator.registerMigration("v6-workspace") { db in
            try db.execute(sql: """
                CREATE TABLE web_user (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('samordnare', 'rapportor', 'lasare')),
                    password_hash TEXT NOT NULL,
                    kallor TEXT NOT NULL DEFAULT '',
                    forvaltningar TEXT NOT NULL DEFAULT '',
                    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                    created_at TEXT NOT NULL
                );
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    user TEXT NOT NULL,
                    address TEXT NOT NULL,
                    action TEXT NOT NULL,
                    detail TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE published_report (
                    id INTEGER PRIMARY KEY,
                    kommun TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    internal INTEGER NOT NULL CHECK (internal IN (0, 1)),
                    html BLOB NOT NULL,
                    sha256 TEXT NOT NULL,
                    published_by TEXT NOT NULL,
                    published_at TEXT NOT NULL
                );
                CREATE TRIGGER published_report_unchanged BEFORE UPDATE ON published_report
                BEGIN SELECT RAISE(ABORT, 'a published report never changes'); END;
                CREATE TRIGGER published_report_kept BEFORE DELETE ON published_report
                BEGIN SELECT RAISE(ABORT, 'a published report is never removed'); END;
                """)
        }
        // A row removed in the workspace is an entry of the import log like a file: the row goes to its kind's history
        // (replaced by that entry), so undoing the entry brings it back.
        migrator.registerMigration("v7-deletions") { db in
            try db.execute(sql: "ALTER TABLE import_log ADD COLUMN rows_deleted INTEGER NOT NULL DEFAULT 0")
        }
        // The områden's boundaries (import kind omraden, from GeoJSON), kept with history like every kind: the outline in
        // SWEREF 99 TM metres, "E N,E N,…" per ring, rings split by ";", polygons by "|".
        migrator.registerMigration("v8-omraden") { db in
            try db.execute(sql: """
                CREATE TABLE omrade_grans (
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  omrade TEXT NOT NULL CHECK (omrade <> ''),
                  geometri TEXT NOT NULL,
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  PRIMARY KEY (kommun, omrade)
                ) WITHOUT ROWID;
                CREATE TABLE omrade_grans_history (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
                  omrade TEXT NOT NULL,
                  geometri TEXT NOT NULL,
                  import_id INTEGER NOT NULL REFERENCES import_log(id),
                  line INTEGER NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                );
                CREATE INDEX omrade_grans_history_replaced ON omrade_grans_history(replaced_by);
                """)
        }
        // Zero reports (a signal row without a kategori: a källa's "no signals this month") are looked up by källa and
        // month whenever signals are imported; a partial index holds only them.
        migrator.registerMigration("v9-zero-reports") { db in
            try db.execute(sql: "CREATE INDEX signal_zero_report ON signal(kommun, ar, manad, kalla) WHERE kategori = ''")
        }
        // Registers instead of free text: the källor, förvaltningar, områden and samverkansaktörer rows and accounts may
        // name, seeded from every name stored so far (rows, their history, the accounts' scopes, the boundaries), so that
        // nothing stored is outside its register. An entry points at the import-log entry that added it (NULL: seeded or
        // added by hand); a rename or merge is an entry of the import log (`register` says which register) whose
        // replaced names go to `register_history` and replaced scopes to `web_user_scope_history`, so undo restores them.
        // Import looks a register up by kind (the key's prefix).
        migrator.registerMigration("v10-register") { db in
            try db.execute(sql: """
                CREATE TABLE register (
                  kind TEXT NOT NULL CHECK (kind IN ('kallor', 'forvaltningar', 'omraden', 'aktorer')),
                  name TEXT NOT NULL CHECK (name <> ''),
                  import_id INTEGER REFERENCES import_log(id),
                  PRIMARY KEY (kind, name)
                ) WITHOUT ROWID;
                CREATE TABLE register_history (
                  id INTEGER PRIMARY KEY,
                  kind TEXT NOT NULL,
                  name TEXT NOT NULL,
                  import_id INTEGER REFERENCES import_log(id),
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                );
                CREATE INDEX register_history_replaced ON register_history(replaced_by);
                CREATE TABLE web_user_scope_history (
                  id INTEGER PRIMARY KEY,
                  user_id INTEGER NOT NULL REFERENCES web_user(id),
                  kallor TEXT NOT NULL,
                  forvaltningar TEXT NOT NULL,
                  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
                );
                CREATE INDEX web_user_scope_history_replaced ON web_user_scope_history(replaced_by);
                ALTER TABLE import_log ADD COLUMN register TEXT CHECK (register IN ('kallor', 'forvaltningar', 'omraden', 'aktorer'));
                """)
            try db.execute(sql: """
                INSERT OR IGNORE INTO register (kind, name)
                SELECT 'kallor', kalla FROM signal WHERE kalla <> '' UNION SELECT 'kallor', kalla FROM signal_history WHERE kalla <> ''
                UNION SELECT 'forvaltningar', forvaltning FROM utbildning WHERE forvaltning <> ''
                UNION SELECT 'forvaltningar', forvaltning FROM utbildning_history WHERE forvaltning <> ''
                UNION SELECT 'omraden', omrade FROM signal WHERE omrade <> '' UNION SELECT 'omraden', omrade FROM signal_history WHERE omrade <> ''
                UNION SELECT 'omraden', omrade FROM befolkning WHERE omrade <> ''
                UNION SELECT 'omraden', omrade FROM befolkning_history WHERE omrade <> ''
                UNION SELECT 'omraden', omrade FROM omrade_grans WHERE omrade <> ''
                UNION SELECT 'omraden', omrade FROM omrade_grans_history WHERE omrade <> ''
                UNION SELECT 'aktorer', aktor FROM samverkan WHERE aktor <> '' UNION SELECT 'aktorer', aktor FROM samverkan_history WHERE aktor <> ''
                """)
            // The accounts' scopes: one name per line.
            try db.execute(sql: """
                WITH RECURSIVE scope(kind, rest, name) AS (
                  SELECT 'kallor', kallor || char(10), '' FROM web_user
                  UNION ALL SELECT 'forvaltningar', forvaltningar || char(10), '' FROM web_user
                  UNION ALL SELECT kind, substr(rest, instr(rest, char(10)) + 1), substr(rest, 1, instr(rest, char(10)) - 1)
                  FROM scope WHERE rest <> ''
                )
                INSERT OR IGNORE INTO register (kind, name) SELECT kind, name FROM scope WHERE name <> ''
                """)
        }

        // MARK: v11-medlem
        // The collaboration group's members (role `medlem`). SQLite cannot alter a CHECK, so web_user is rebuilt the
        // SQLite way (lang_altertable.html, "other kinds of table schema changes"): a new table, every row copied with
        // its id, the old table dropped, the new one renamed. The migrator runs this with foreign keys off and checks
        // them before it commits; web_user_scope_history.user_id names the same ids afterwards, and its REFERENCES
        // clause still names web_user (renaming the new table rewrites only references to "web_user_new"). web_user has
        // no index but its UNIQUE name's, which the new table brings, and no trigger or view refers to it.
        migrator.registerMigration("v11-medlem") { db in
            try db.execute(sql: """
                CREATE TABLE web_user_new (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('samordnare', 'rapportor', 'lasare', 'medlem')),
                    password_hash TEXT NOT NULL,
                    kallor TEXT NOT NULL DEFAULT '',
                    forvaltningar TEXT NOT NULL DEFAULT '',
                    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                    created_at TEXT NOT NULL
                )
                """)
            try db.execute(sql: """
                INSERT INTO web_user_new (id, name, role, password_hash, kallor, forvaltningar, disabled, created_at)
                SELECT id, name, role, password_hash, kallor, forvaltningar, disabled, created_at FROM web_user
                """)
            try db.execute(sql: "DROP TABLE web_user")
            try db.execute(sql: "ALTER TABLE web_user_new RENAME TO web_user")
        }

        // MARK: - v12: publication versions (kept apart: other migrations are added above this block)

        // Publishing a year again makes a new version of it: `published_version` holds, beside each published report
        // (which never changes), its version number per (kommun, year, internal), the group's fastställande and
        // diarienummer, and the PDF printed with it or why none could be. A version is superseded by the one numbered
        // after it (the unique index serves that lookup and refuses a second version N). Rows are written with their
        // report, in one transaction, and never change either. Reports published before this step get versions in the
        // order they were published and the reason they have no PDF.
        migrator.registerMigration("v12-published-versions") { db in
            try db.execute(sql: """
                CREATE TABLE published_version (
                    report_id INTEGER PRIMARY KEY REFERENCES published_report(id),
                    kommun TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    internal INTEGER NOT NULL CHECK (internal IN (0, 1)),
                    version INTEGER NOT NULL CHECK (version >= 1),
                    diarienummer TEXT,
                    faststalld TEXT,
                    pdf BLOB,
                    pdf_sha256 TEXT,
                    pdf_missing TEXT,
                    CHECK ((pdf IS NULL) = (pdf_sha256 IS NULL) AND (pdf IS NULL) <> (pdf_missing IS NULL))
                );
                CREATE UNIQUE INDEX published_version_number ON published_version(kommun, year, internal, version);
                INSERT INTO published_version (report_id, kommun, year, internal, version, pdf_missing)
                SELECT id, kommun, year, internal, ROW_NUMBER() OVER (PARTITION BY kommun, year, internal ORDER BY id),
                       'rapporten publicerades innan lagesbild sparade en PDF med varje publicering'
                FROM published_report;
                CREATE TRIGGER published_version_matches BEFORE INSERT ON published_version
                WHEN NOT EXISTS (SELECT 1 FROM published_report r WHERE r.id = NEW.report_id AND r.kommun = NEW.kommun
                                 AND r.year = NEW.year AND r.internal = NEW.internal)
                BEGIN SELECT RAISE(ABORT, 'a version belongs to a published report of its kommun, year and kind'); END;
                CREATE TRIGGER published_version_unchanged BEFORE UPDATE ON published_version
                BEGIN SELECT RAISE(ABORT, 'a published version never changes'); END;
                CREATE TRIGGER published_version_kept BEFORE DELETE ON published_version
                BEGIN SELECT RAISE(ABORT, 'a published version is never removed'); END;
                """)
        }

        // The group's own texts of a year (``TextSection``): every saved version kept, never changed, with who saved it,
        // when, and the data it was written against (the store's data version and the year's figures then, JSON by
        // measurement point) so that a page can say which figures moved since. A restore is a new version that names
        // the one it restored.
        migrator.registerMigration("v13-group-texts") { db in
            try db.execute(sql: """
                CREATE TABLE group_text (
                  id INTEGER PRIMARY KEY,
                  kommun TEXT NOT NULL,
                  ar INTEGER NOT NULL,
                  avsnitt TEXT NOT NULL CHECK (avsnitt IN ('bedomning', 'problem', 'kallor', 'omvarld')),
                  version INTEGER NOT NULL CHECK (version >= 1),
                  text TEXT NOT NULL,
                  saved_by TEXT NOT NULL,
                  saved_at TEXT NOT NULL,
                  data_version TEXT NOT NULL,
                  figures TEXT NOT NULL,
                  restored_from INTEGER,
                  UNIQUE (kommun, ar, avsnitt, version)
                );
                CREATE TRIGGER group_text_unchanged BEFORE UPDATE ON group_text
                BEGIN SELECT RAISE(ABORT, 'a saved version of a text never changes'); END;
                CREATE TRIGGER group_text_kept BEFORE DELETE ON group_text
                BEGIN SELECT RAISE(ABORT, 'a saved version of a text is never removed'); END;
                """)
        }

        // A second factor for local accounts (TOTP, RFC 6238): the account's 20-byte secret (NULL while it is off),
        // the last time step a code was accepted for (a code is accepted once: only a later step passes), and when it
        // was switched on (part of what a session is bound to, so switching it on or off ends the account's other
        // sessions). Recovery codes are kept only as SHA-256 of a code with 80 random bits, each used once; the unique
        // key serves the sign-in's lookup by account and hash.
        migrator.registerMigration("v14-totp") { db in
            try db.execute(sql: """
                ALTER TABLE web_user ADD COLUMN totp_secret BLOB CHECK (totp_secret IS NULL OR length(totp_secret) = 20);
                ALTER TABLE web_user ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE web_user ADD COLUMN totp_enabled_at TEXT;
                CREATE TABLE recovery_code (
                  user_id INTEGER NOT NULL REFERENCES web_user(id),
                  code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
                  used_at TEXT,
                  PRIMARY KEY (user_id, code_hash)
                );
                """)
        }
        // Accounts of the municipality's identity provider (OpenID Connect): the issuer and the subject (the
        // configured claim that identifies a person: `sub`, or Entra ID's `oid`) an account signs in as. Such an
        // account has no password (an empty hash, which no password matches). A pair names one account at most.
        migrator.registerMigration("v15-oidc") { db in
            try db.execute(sql: """
                ALTER TABLE web_user ADD COLUMN oidc_issuer TEXT;
                ALTER TABLE web_user ADD COLUMN oidc_subject TEXT CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL));
                CREATE UNIQUE INDEX web_user_oidc ON web_user(oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;
                """)
        }
        return migrator
    }

    /// The applied migrations this program does not know, sorted (empty for a database this version or an older one
    /// made): GRDB's `appliedIdentifiers` holds every identifier in `grdb_migrations`, the registered ones too.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        let known = Set(migrator.migrations)
        return try migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted()
    }
}
