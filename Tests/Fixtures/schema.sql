-- index aktivitet_history_replaced
CREATE INDEX aktivitet_history_replaced ON aktivitet_history(replaced_by);

-- index befolkning_history_replaced
CREATE INDEX befolkning_history_replaced ON befolkning_history(replaced_by);

-- index import_log_sha256
CREATE INDEX import_log_sha256 ON import_log(sha256);

-- index import_log_undoes
CREATE UNIQUE INDEX import_log_undoes ON import_log(undoes) WHERE undoes IS NOT NULL;

-- index omrade_grans_history_replaced
CREATE INDEX omrade_grans_history_replaced ON omrade_grans_history(replaced_by);

-- index published_version_number
CREATE UNIQUE INDEX published_version_number ON published_version(kommun, year, internal, version);

-- index referens_history_replaced
CREATE INDEX referens_history_replaced ON referens_history(replaced_by);

-- index register_history_replaced
CREATE INDEX register_history_replaced ON register_history(replaced_by);

-- index samverkan_history_replaced
CREATE INDEX samverkan_history_replaced ON samverkan_history(replaced_by);

-- index signal_history_replaced
CREATE INDEX signal_history_replaced ON signal_history(replaced_by);

-- index signal_zero_report
CREATE INDEX signal_zero_report ON signal(kommun, ar, manad, kalla) WHERE kategori = '';

-- index utbildning_history_replaced
CREATE INDEX utbildning_history_replaced ON utbildning_history(replaced_by);

-- index web_user_oidc
CREATE UNIQUE INDEX web_user_oidc ON web_user(oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;

-- index web_user_scope_history_replaced
CREATE INDEX web_user_scope_history_replaced ON web_user_scope_history(replaced_by);

-- table aktivitet
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
) WITHOUT ROWID;

-- table aktivitet_history
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
);

-- table audit_log
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

-- table befolkning
CREATE TABLE "befolkning" (
  kommun TEXT NOT NULL CHECK (length(kommun) IN (2, 4)),
  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
  omrade TEXT NOT NULL,
  invanare INTEGER NOT NULL CHECK (invanare >= 0),
  import_id INTEGER NOT NULL REFERENCES import_log(id),
  line INTEGER NOT NULL,
  PRIMARY KEY (kommun, ar, omrade)
) WITHOUT ROWID;

-- table befolkning_history
CREATE TABLE "befolkning_history" (
  id INTEGER PRIMARY KEY,
  kommun TEXT NOT NULL CHECK (length(kommun) IN (2, 4)),
  ar INTEGER NOT NULL CHECK (ar BETWEEN 1990 AND 2100),
  omrade TEXT NOT NULL,
  invanare INTEGER NOT NULL CHECK (invanare >= 0),
  import_id INTEGER NOT NULL REFERENCES import_log(id),
  line INTEGER NOT NULL,
  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
);

-- table grdb_migrations
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);

-- table group_text
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

-- table import_log
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
, action TEXT NOT NULL DEFAULT 'import' CHECK (action IN ('import', 'undo')), undoes INTEGER REFERENCES import_log(id), rows_deleted INTEGER NOT NULL DEFAULT 0, register TEXT CHECK (register IN ('kallor', 'forvaltningar', 'omraden', 'aktorer')));

-- table kommun
CREATE TABLE kommun (
    kod TEXT PRIMARY KEY NOT NULL CHECK (length(kod) = 4),
    namn TEXT NOT NULL
);

-- table omrade_grans
CREATE TABLE omrade_grans (
  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
  omrade TEXT NOT NULL CHECK (omrade <> ''),
  geometri TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES import_log(id),
  line INTEGER NOT NULL,
  PRIMARY KEY (kommun, omrade)
) WITHOUT ROWID;

-- table omrade_grans_history
CREATE TABLE omrade_grans_history (
  id INTEGER PRIMARY KEY,
  kommun TEXT NOT NULL CHECK (length(kommun) = 4),
  omrade TEXT NOT NULL,
  geometri TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES import_log(id),
  line INTEGER NOT NULL,
  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
);

-- table published_report
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

-- table published_version
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

-- table recovery_code
CREATE TABLE recovery_code (
  user_id INTEGER NOT NULL REFERENCES web_user(id),
  code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
  used_at TEXT,
  PRIMARY KEY (user_id, code_hash)
);

-- table referens
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
) WITHOUT ROWID;

-- table referens_history
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
);

-- table referens_titel
CREATE TABLE referens_titel (
    kalla TEXT NOT NULL,
    matt TEXT NOT NULL,
    titel TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES import_log(id),
    PRIMARY KEY (kalla, matt)
) WITHOUT ROWID;

-- table register
CREATE TABLE register (
  kind TEXT NOT NULL CHECK (kind IN ('kallor', 'forvaltningar', 'omraden', 'aktorer')),
  name TEXT NOT NULL CHECK (name <> ''),
  import_id INTEGER REFERENCES import_log(id),
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;

-- table register_history
CREATE TABLE register_history (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  import_id INTEGER REFERENCES import_log(id),
  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
);

-- table samverkan
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

-- table samverkan_history
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

-- table setting
CREATE TABLE setting (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- table signal
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

-- table signal_history
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

-- table utbildning
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

-- table utbildning_history
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

-- table web_user
CREATE TABLE "web_user" (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('samordnare', 'rapportor', 'lasare', 'medlem')),
    password_hash TEXT NOT NULL,
    kallor TEXT NOT NULL DEFAULT '',
    forvaltningar TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL
, totp_secret BLOB CHECK (totp_secret IS NULL OR length(totp_secret) = 20), totp_last_step INTEGER NOT NULL DEFAULT 0, totp_enabled_at TEXT, oidc_issuer TEXT, oidc_subject TEXT CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)));

-- table web_user_scope_history
CREATE TABLE web_user_scope_history (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES web_user(id),
  kallor TEXT NOT NULL,
  forvaltningar TEXT NOT NULL,
  replaced_by INTEGER NOT NULL REFERENCES import_log(id)
);

-- trigger group_text_kept
CREATE TRIGGER group_text_kept BEFORE DELETE ON group_text
BEGIN SELECT RAISE(ABORT, 'a saved version of a text is never removed'); END;

-- trigger group_text_unchanged
CREATE TRIGGER group_text_unchanged BEFORE UPDATE ON group_text
BEGIN SELECT RAISE(ABORT, 'a saved version of a text never changes'); END;

-- trigger published_report_kept
CREATE TRIGGER published_report_kept BEFORE DELETE ON published_report
BEGIN SELECT RAISE(ABORT, 'a published report is never removed'); END;

-- trigger published_report_unchanged
CREATE TRIGGER published_report_unchanged BEFORE UPDATE ON published_report
BEGIN SELECT RAISE(ABORT, 'a published report never changes'); END;

-- trigger published_version_kept
CREATE TRIGGER published_version_kept BEFORE DELETE ON published_version
BEGIN SELECT RAISE(ABORT, 'a published version is never removed'); END;

-- trigger published_version_matches
CREATE TRIGGER published_version_matches BEFORE INSERT ON published_version
WHEN NOT EXISTS (SELECT 1 FROM published_report r WHERE r.id = NEW.report_id AND r.kommun = NEW.kommun
                 AND r.year = NEW.year AND r.internal = NEW.internal)
BEGIN SELECT RAISE(ABORT, 'a version belongs to a published report of its kommun, year and kind'); END;

-- trigger published_version_unchanged
CREATE TRIGGER published_version_unchanged BEFORE UPDATE ON published_version
BEGIN SELECT RAISE(ABORT, 'a published version never changes'); END;
