import Foundation
import GRDB
import LagesbildModel

extension Store {
    /// Whether the database holds the demo's fictitious data (every report page is then marked).
    public func isDemo() throws -> Bool {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'demo'") == "1" }
    }

    public func markAsDemo() throws {
        try queue.write { db in try db.execute(sql: "INSERT OR REPLACE INTO setting(key, value) VALUES ('demo', '1')") }
    }

    /// The imports whose rows for this municipality are stored now: the report's data sources.
    public func importsBehind(kommun: KommunCode) throws -> [ImportLogEntry] {
        let ids = try read { db in
            try Int64.fetchAll(db, sql: DataKind.allCases.map { "SELECT DISTINCT import_id FROM \($0.table) WHERE kommun = ?" }.joined(separator: " UNION "),
                               arguments: StatementArguments(Array(repeating: kommun.rawValue, count: DataKind.allCases.count)))
        }
        let wanted = Set(ids)
        return try importLog().filter { wanted.contains($0.id) }
    }
}

/// One activity of the activity plan, as the report lists it.
public struct Activity: Sendable, Equatable {
    public let name: String
    /// "1", "2" or "3".
    public let targetArea: String
    public let responsible: String
    /// A code of ``Vocabulary/insatsniva``, or "" when not given.
    public let level: String
    /// A code of ``Vocabulary/aktivitetsstatus``.
    public let status: String
    public let comment: String
    /// Whether the activity stood in the year before's plan, neither done nor cancelled.
    public let carriedOver: Bool
}

extension Store {
    /// The municipality's activities of a year, by target area and name. "Carried over" follows the same rule
    /// as the shipped MO3-03 definition (same text, the year before neither genomförd nor inställd); it is
    /// asked of the store here because the report marks each row, whatever the indicator files say.
    public func activities(kommun: KommunCode, year: Int) throws -> [Activity] {
        try read { db in try db.activities(kommun: kommun, year: year) }
    }
}

extension Database {
    /// ``Store/activities(kommun:year:)`` inside a transaction.
    package func activities(kommun: KommunCode, year: Int) throws -> [Activity] {
        try Row.fetchAll(self, sql: """
            SELECT a.aktivitet, a.malomrade, a.ansvarig, a.insatsniva, a.status, a.kommentar,
                   EXISTS (SELECT 1 FROM aktivitet p WHERE p.kommun = a.kommun AND p.ar = a.ar - 1
                           AND p.aktivitet = a.aktivitet AND p.status NOT IN ('genomford', 'installd'))
            FROM aktivitet a WHERE a.kommun = ? AND a.ar = ?
            """, arguments: [kommun.rawValue, year]).map { row in
            Activity(name: row[0], targetArea: row[1], responsible: row[2], level: row[3], status: row[4],
                     comment: row[5], carriedOver: row[6])
        }
        .sorted { a, b in
            a.targetArea != b.targetArea ? a.targetArea < b.targetArea
                : a.name.compare(b.name, locale: Locale(identifier: "sv_SE")) == .orderedAscending
        }
    }
}

extension Store {
    /// The områden a municipality has reported signals or population for (at most 500, sorted): suggestions for the template.
    package func areas(kommun: KommunCode) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT omrade FROM signal WHERE kommun = ? AND omrade <> '' UNION SELECT omrade FROM befolkning WHERE kommun = ? AND omrade <> ''
                ORDER BY 1 LIMIT 500
                """, arguments: [kommun.rawValue, kommun.rawValue])
        }
    }

    /// The förvaltningar a municipality has reported training for (at most 500, sorted).
    package func departments(kommun: KommunCode) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT forvaltning FROM utbildning WHERE kommun = ? ORDER BY 1 LIMIT 500",
                                arguments: [kommun.rawValue])
        }
    }

    /// A reference series' total (both genders) for an area and year, and its title from Kolada's KPI metadata.
    package func referenceValue(source: String, measure: String, area: String, year: Int) throws -> Double? {
        try read { db in
            try Double.fetchOne(db, sql: "SELECT varde FROM referens WHERE kommun = ? AND ar = ? AND kalla = ? AND matt = ? AND kon = 'T'",
                                arguments: [area, year, source, measure])
        }
    }

    /// The title Kolada's KPI metadata gave a measure, if one was imported.
    package func referenceTitle(source: String, measure: String) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT titel FROM referens_titel WHERE kalla = ? AND matt = ?", arguments: [source, measure])
        }
    }
}
