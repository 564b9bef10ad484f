import Foundation
import GRDB
import LagesbildModel

/// A role in the workspace.
public enum WebRole: String, CaseIterable, Sendable, Codable, DatabaseValueConvertible {
    /// The coordinator: everything.
    case samordnare
    /// Reports figures for its own källor and förvaltningar.
    case rapportor
    /// Council and BRÅ members: published, public reports only.
    case lasare
    /// A member of the collaboration group (samverkansgruppen): reads everything internal and writes the group's
    /// texts and the activity plan's follow-up; reports no figures and administers nothing.
    case medlem

    public var swedishName: String {
        switch self {
        case .samordnare: "samordnare"
        case .rapportor: "rapportör"
        case .lasare: "läsare"
        case .medlem: "medlem"
        }
    }

    /// Whether the role reads internal material: exact values, the internal preview, internal published reports.
    public var readsInternal: Bool {
        switch self {
        case .samordnare, .medlem: true
        case .rapportor, .lasare: false
        }
    }

    /// The roles' Swedish names as a choice in a sentence: "samordnare, rapportör, läsare eller medlem".
    public static var listInSwedish: String {
        allCases.dropLast().map(\.swedishName).joined(separator: ", ") + " eller " + allCases.last!.swedishName
    }
}

/// An account of the workspace. Names should name a function ("skola-norr"), not a person; the password is kept
/// only as a slow salted hash.
public struct WebUser: Sendable, Equatable, FetchableRecord {
    public let id: Int64
    public let name: String
    public let role: WebRole
    public let passwordHash: String
    /// For a rapportör: the källor (signals) and förvaltningar (training) it reports for.
    public let kallor: [String]
    public let forvaltningar: [String]
    public let disabled: Bool
    /// When the account was made (ISO 8601 in UTC, as stored).
    public let createdAt: String
    /// When the account's second factor (TOTP) was switched on, or nil while it is off. The secret itself is never
    /// part of this value: it is read only where a code is checked.
    public let totpEnabledAt: String?

    public var hasTOTP: Bool { totpEnabledAt != nil }

    /// The identity provider's issuer and subject the account signs in as (OpenID Connect), or nil for a local
    /// account. Such an account has no password.
    public let oidcIssuer: String?
    public let oidcSubject: String?

    /// Whether the account signs in with the municipality's identity provider, not a password.
    public var signsInWithProvider: Bool { oidcSubject != nil }

    /// What a session is bound to: the password hash and the second factor's state, so that a new password, and
    /// switching TOTP on or off, end the account's sessions made before.
    public var credential: String { passwordHash + "\n" + (totpEnabledAt ?? "") }

    public init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        role = row["role"]
        passwordHash = row["password_hash"]
        kallor = (row["kallor"] as String).split(separator: "\n").map(String.init)
        forvaltningar = (row["forvaltningar"] as String).split(separator: "\n").map(String.init)
        disabled = row["disabled"]
        createdAt = row["created_at"] ?? ""
        totpEnabledAt = row["totp_enabled_at"]
        oidcIssuer = row["oidc_issuer"]
        oidcSubject = row["oidc_subject"]
    }
}

/// One entry of the workspace's audit log: who did what, from where. Never a password or a file's content.
public struct AuditEntry: Sendable, Equatable, FetchableRecord, Decodable {
    public let id: Int64
    public let at: String
    public let user: String
    public let address: String
    public let action: String
    public let detail: String
}

/// Why an account cannot be made or changed.
public enum WorkspaceError: Error, Equatable, UserFacingError {
    case userExists(String)
    case unknownUser(String)
    case invalidUserName(String)

    public var description: String {
        switch self {
        case .userExists(let name): "användaren \"\(name)\" finns redan"
        case .unknownUser(let name): "det finns ingen användare \"\(name)\""
        case .invalidUserName(let name):
            "\"\(name)\" är inget giltigt användarnamn: 2–64 tecken, bokstäver, siffror, punkt, bindestreck och understreck"
        }
    }
}

/// Which entries of the audit log to list: the log's page filters them in SQL.
public struct AuditFilter: Sendable, Equatable {
    public var user: String?
    public var action: String?
    /// Entries at or after this instant, and before that one: timestamps as the log stores them (ISO 8601 in UTC,
    /// `Store.timestamp`). The workspace turns the local days a person picks into these.
    public var from: String?
    public var before: String?

    public init(user: String? = nil, action: String? = nil, from: String? = nil, before: String? = nil) {
        self.user = user
        self.action = action
        self.from = from
        self.before = before
    }
}

/// The accounts' and the audit log's rows. The rules for them (names, roles, scopes, passwords) are the workspace
/// service's (LagesbildService); these only read and write.
extension Database {
    package func insertUser(name: String, role: WebRole, passwordHash: String, kallor: [String], forvaltningar: [String], at date: Date) throws -> WebUser {
        if try Int.fetchOne(self, sql: "SELECT 1 FROM web_user WHERE name = ?", arguments: [name]) != nil { throw WorkspaceError.userExists(name) }
        try execute(sql: """
            INSERT INTO web_user (name, role, password_hash, kallor, forvaltningar, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [name, role, passwordHash, kallor.joined(separator: "\n"), forvaltningar.joined(separator: "\n"), Store.timestamp(date)])
        return try WebUser.fetchOne(self, sql: "SELECT * FROM web_user WHERE id = ?", arguments: [lastInsertedRowID])!
    }

    /// An account of the identity provider: one that has no password and signs in as `subject` of `issuer`.
    package func insertProviderUser(name: String, role: WebRole, kallor: [String], forvaltningar: [String], issuer: String, subject: String,
                                    at date: Date) throws -> WebUser {
        if try Int.fetchOne(self, sql: "SELECT 1 FROM web_user WHERE name = ?", arguments: [name]) != nil { throw WorkspaceError.userExists(name) }
        try execute(sql: """
            INSERT INTO web_user (name, role, password_hash, kallor, forvaltningar, created_at, oidc_issuer, oidc_subject)
            VALUES (?, ?, '', ?, ?, ?, ?, ?)
            """, arguments: [name, role, kallor.joined(separator: "\n"), forvaltningar.joined(separator: "\n"), Store.timestamp(date), issuer, subject])
        return try WebUser.fetchOne(self, sql: "SELECT * FROM web_user WHERE id = ?", arguments: [lastInsertedRowID])!
    }

    /// The account that signs in as `subject` of `issuer`, if there is one.
    package func user(issuer: String, subject: String) throws -> WebUser? {
        try WebUser.fetchOne(self, sql: "SELECT * FROM web_user WHERE oidc_issuer = ? AND oidc_subject = ?", arguments: [issuer, subject])
    }

    /// Sets the role and scope the provider's groups give an account at its sign-in.
    package func setGrant(userID: Int64, role: WebRole, kallor: [String], forvaltningar: [String]) throws {
        try execute(sql: "UPDATE web_user SET role = ?, kallor = ?, forvaltningar = ? WHERE id = ?",
                    arguments: [role, kallor.joined(separator: "\n"), forvaltningar.joined(separator: "\n"), userID])
    }

    package func user(named name: String) throws -> WebUser? {
        try WebUser.fetchOne(self, sql: "SELECT * FROM web_user WHERE name = ?", arguments: [name])
    }

    package func user(id: Int64) throws -> WebUser? {
        // Asked on every request of the workspace: a prepared statement kept by the connection.
        try WebUser.fetchOne(cachedStatement(sql: "SELECT * FROM web_user WHERE id = ?"), arguments: [id])
    }

    package func users() throws -> [WebUser] {
        try WebUser.fetchAll(self, sql: "SELECT * FROM web_user ORDER BY name")
    }

    package func setPasswordHash(_ hash: String, forUser name: String) throws {
        try execute(sql: "UPDATE web_user SET password_hash = ? WHERE name = ?", arguments: [hash, name])
        if changesCount == 0 { throw WorkspaceError.unknownUser(name) }
    }

    package func disableUser(_ name: String) throws {
        try execute(sql: "UPDATE web_user SET disabled = 1 WHERE name = ?", arguments: [name])
        if changesCount == 0 { throw WorkspaceError.unknownUser(name) }
    }

    package func audit(user: String, address: String, action: String, detail: String, at date: Date) throws {
        try execute(sql: "INSERT INTO audit_log (at, user, address, action, detail) VALUES (?, ?, ?, ?, ?)",
                    arguments: [Store.timestamp(date), user, address, action, detail])
    }

    /// The newest entries first, filtered and paged in SQL (the log grows without bound; a page never reads more
    /// than it shows).
    package func auditLog(_ filter: AuditFilter, limit: Int, offset: Int) throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let user = filter.user { conditions.append("user = ?"); arguments += [user] }
        if let action = filter.action { conditions.append("action = ?"); arguments += [action] }
        if let from = filter.from { conditions.append("at >= ?"); arguments += [from] }
        if let before = filter.before { conditions.append("at < ?"); arguments += [before] }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [limit, offset]
        return try AuditEntry.fetchAll(self, sql: "SELECT * FROM audit_log \(whereClause) ORDER BY id DESC LIMIT ? OFFSET ?", arguments: arguments)
    }
}

extension Store {
    public func addUser(name: String, role: WebRole, passwordHash: String, kallor: [String] = [], forvaltningar: [String] = [],
                        at date: Date = Date()) throws -> WebUser {
        try write { db in try db.insertUser(name: name, role: role, passwordHash: passwordHash, kallor: kallor, forvaltningar: forvaltningar, at: date) }
    }

    public func user(named name: String) throws -> WebUser? { try read { db in try db.user(named: name) } }

    public func user(id: Int64) throws -> WebUser? { try read { db in try db.user(id: id) } }

    public func users() throws -> [WebUser] { try read { db in try db.users() } }

    public func setPasswordHash(_ hash: String, forUser name: String) throws { try write { db in try db.setPasswordHash(hash, forUser: name) } }

    public func disableUser(_ name: String) throws { try write { db in try db.disableUser(name) } }

    /// Records a state change of the workspace.
    public func audit(user: String, address: String, action: String, detail: String = "", at date: Date = Date()) throws {
        try write { db in try db.audit(user: user, address: address, action: action, detail: detail, at: date) }
    }

    /// The newest entries first.
    public func auditLog(limit: Int = 500) throws -> [AuditEntry] {
        try read { db in try db.auditLog(AuditFilter(), limit: limit, offset: 0) }
    }
}

/// Who has reported what for a year: the workspace's overview and the report's "Vilka som rapporterade".
public struct ReportingStatus: Sendable {
    /// One källa of the signals: the months it reported signals for and the months it reported none (a zero report,
    /// ``ZeroReport``); 0 is a row for the whole year.
    public struct Source: Sendable, Equatable {
        public let kalla: String
        public let signalMonths: Set<Int>
        public let zeroMonths: Set<Int>

        /// What the källa said about a month (1–12): a row for the whole year speaks for every month.
        public func state(of month: Int) -> MonthState {
            if signalMonths.contains(month) || signalMonths.contains(0) { return .signals }
            if zeroMonths.contains(month) || zeroMonths.contains(0) { return .zero }
            return .missing
        }
    }

    public enum MonthState: Sendable, Equatable { case signals, zero, missing }

    /// Per källa, in order of name.
    public let signalSources: [Source]
    /// The förvaltningar that have reported training.
    public let departments: [String]

    /// The months a year asks of its källor: all twelve of a past year, the months that have ended of the current one.
    public static func expectedMonths(year: Int, now: Date) -> [Int] {
        let today = SwedishTime.dateParts(now)
        if year < today.year { return Array(1...12) }
        if year > today.year { return [] }
        return Array(1..<today.month)
    }

    /// The källor expected to report (every källa of this year and of `previous`, the year before) with the expected
    /// months they said nothing about, neither signals nor a zero report; only källor with gaps, by name.
    public func gaps(previous: ReportingStatus?, months: [Int]) -> [(kalla: String, missing: [Int])] {
        let names = Set(signalSources.map(\.kalla)).union(previous?.signalSources.map(\.kalla) ?? []).filter { !$0.isEmpty }
        return names.sorted().compactMap { name in
            let source = signalSources.first { $0.kalla == name }
            let missing = months.filter { source?.state(of: $0) ?? .missing == .missing }
            return missing.isEmpty ? nil : (name, missing)
        }
    }
}

extension Store {
    public func reportingStatus(kommun: KommunCode, year: Int) throws -> ReportingStatus {
        try read { db in try db.reportingStatus(kommun: kommun, year: year) }
    }

    /// The newest year any of a municipality's local kinds has rows for.
    public func latestYear(kommun: KommunCode) throws -> Int? { try read { db in try db.latestYear(kommun: kommun) } }

    /// Changes whenever the figures can: an import or an undo (a new entry of the import log) or a new masking threshold.
    public func dataVersion() throws -> String { try read { db in try db.dataVersion() } }

    /// The newest import (not undone) of each kind, by kind.
    public func lastImports() throws -> [(kind: DataKind, entry: ImportLogEntry)] { try read { db in try db.lastImports() } }
}

extension Database {
    package func reportingStatus(kommun: KommunCode, year: Int) throws -> ReportingStatus {
        var signals: [String: Set<Int>] = [:], zeros: [String: Set<Int>] = [:]
        for row in try Row.fetchAll(self, sql: """
            SELECT DISTINCT kalla, manad, kategori = '' FROM signal WHERE kommun = ? AND ar = ?
            """, arguments: [kommun.rawValue, year]) {
            if row[2] as Bool { zeros[row[0], default: []].insert(row[1]) } else { signals[row[0], default: []].insert(row[1]) }
        }
        let departments = try String.fetchAll(self, sql: "SELECT DISTINCT forvaltning FROM utbildning WHERE kommun = ? AND ar = ? ORDER BY 1",
                                              arguments: [kommun.rawValue, year])
        let sources = Set(signals.keys).union(zeros.keys).sorted().map { name in
            ReportingStatus.Source(kalla: name, signalMonths: signals[name] ?? [], zeroMonths: zeros[name] ?? [])
        }
        return ReportingStatus(signalSources: sources, departments: departments)
    }

    package func latestYear(kommun: KommunCode) throws -> Int? {
        try Int.fetchOne(self, sql: """
            SELECT MAX(ar) FROM (SELECT MAX(ar) AS ar FROM signal WHERE kommun = ?1 UNION ALL SELECT MAX(ar) FROM utbildning WHERE kommun = ?1
            UNION ALL SELECT MAX(ar) FROM samverkan WHERE kommun = ?1 UNION ALL SELECT MAX(ar) FROM aktivitet WHERE kommun = ?1)
            """, arguments: [kommun.rawValue])
    }

    package func dataVersion() throws -> String {
        // Asked on every page with figures: prepared statements kept by the connection.
        let log = try Row.fetchOne(cachedStatement(sql: "SELECT COALESCE(MAX(id), 0), COUNT(*) FROM import_log"))
        let threshold = try String.fetchOne(cachedStatement(sql: "SELECT value FROM setting WHERE key = 'mask_threshold'")) ?? ""
        return "\(log?[0] as Int64? ?? 0):\(log?[1] as Int? ?? 0):\(threshold)"
    }

    package func lastImports() throws -> [(kind: DataKind, entry: ImportLogEntry)] {
        try ImportLogEntry.fetchAll(self, sql: """
            SELECT l.*, NULL AS undone_by FROM import_log l
            WHERE l.id IN (SELECT MAX(id) FROM import_log i WHERE action = 'import'
                           AND id NOT IN (SELECT undoes FROM import_log WHERE undoes IS NOT NULL) GROUP BY kind)
            ORDER BY l.kind
            """).map { ($0.kind, $0) }
    }
}
