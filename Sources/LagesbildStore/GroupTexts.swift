import Foundation
import GRDB
import LagesbildModel

/// One saved version of one of the group's texts (table `group_text`): never changed, never removed.
public struct GroupText: Sendable, Equatable, FetchableRecord {
    public let id: Int64
    public let kommun: String
    public let year: Int
    public let section: TextSection
    /// 1 for the first save of the section's text for the year, then one more per save.
    public let version: Int
    public let text: String
    public let savedBy: String
    /// ISO 8601 in UTC, as stored.
    public let savedAt: String
    /// The store's data version when the text was saved (``Store/dataVersion()``).
    public let dataVersion: String
    /// The year's figures when the text was saved, by measurement point (a point without a value is absent).
    public let figures: [String: Double]
    /// The version this one restored, if it is a restore.
    public let restoredFrom: Int?

    public init(row: Row) throws {
        id = row["id"]
        kommun = row["kommun"]
        year = row["ar"]
        let name: String = row["avsnitt"]
        guard let section = TextSection(rawValue: name) else {
            throw DatabaseError(message: "group_text.avsnitt \"\(name)\" is no section this program knows")
        }
        self.section = section
        version = row["version"]
        text = row["text"]
        savedBy = row["saved_by"]
        savedAt = row["saved_at"]
        dataVersion = row["data_version"]
        figures = try JSONDecoder().decode([String: Double].self, from: Data((row["figures"] as String).utf8))
        restoredFrom = row["restored_from"]
    }
}

/// A save that started from another version than the newest: the other save wins nothing and loses nothing; the
/// caller shows both.
public struct TextConflict: Error, Sendable, Equatable, UserFacingError {
    /// The newest stored version, saved meanwhile by someone else.
    public let stored: GroupText
    /// The version the refused save started from (0: a new text).
    public let basedOn: Int

    public var description: String {
        "\(stored.section.title) \(stored.year) har en nyare version \(stored.version), sparad \(SwedishTime.minute(utc: stored.savedAt)) av "
            + "\(stored.savedBy), än version \(basedOn) som ändringen utgick från: texten sparades inte"
    }
}

/// A version number that names no saved version.
public enum GroupTextError: Error, Equatable, UserFacingError {
    case unknownVersion(section: TextSection, year: Int, version: Int)

    public var description: String {
        switch self {
        case .unknownVersion(let section, let year, let version): "\(section.title) \(year) har ingen version \(version)"
        }
    }
}

extension Database {
    /// The newest version of each section's text for the year.
    package func latestGroupTexts(kommun: KommunCode, year: Int) throws -> [TextSection: GroupText] {
        let rows = try GroupText.fetchAll(self, sql: """
            SELECT * FROM group_text t WHERE kommun = ? AND ar = ?
            AND version = (SELECT MAX(version) FROM group_text u WHERE u.kommun = t.kommun AND u.ar = t.ar AND u.avsnitt = t.avsnitt)
            """, arguments: [kommun.rawValue, year])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.section, $0) })
    }

    /// Every version of a section's text for the year, newest first.
    package func groupTextHistory(kommun: KommunCode, year: Int, section: TextSection) throws -> [GroupText] {
        try GroupText.fetchAll(self, sql: "SELECT * FROM group_text WHERE kommun = ? AND ar = ? AND avsnitt = ? ORDER BY version DESC",
                               arguments: [kommun.rawValue, year, section.rawValue])
    }

    package func groupText(kommun: KommunCode, year: Int, section: TextSection, version: Int) throws -> GroupText? {
        try GroupText.fetchOne(self, sql: "SELECT * FROM group_text WHERE kommun = ? AND ar = ? AND avsnitt = ? AND version = ?",
                               arguments: [kommun.rawValue, year, section.rawValue, version])
    }

    /// Stores a new version, if `basedOn` is still the newest (0 when there is none yet); else throws
    /// ``TextConflict`` and writes nothing. Call it inside the transaction that reads what the text is checked against.
    package func insertGroupText(kommun: KommunCode, year: Int, section: TextSection, text: String, basedOn: Int, by user: String,
                                 at date: Date, dataVersion: String, figures: [String: Double], restoredFrom: Int? = nil) throws -> GroupText {
        let newest = try groupTextHistory(kommun: kommun, year: year, section: section).first
        guard (newest?.version ?? 0) == basedOn else {
            if let newest { throw TextConflict(stored: newest, basedOn: basedOn) }
            throw GroupTextError.unknownVersion(section: section, year: year, version: basedOn)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(figures), as: UTF8.self)
        try execute(sql: """
            INSERT INTO group_text (kommun, ar, avsnitt, version, text, saved_by, saved_at, data_version, figures, restored_from)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [kommun.rawValue, year, section.rawValue, basedOn + 1, text, user, Store.timestamp(date), dataVersion, json, restoredFrom])
        return try GroupText.fetchOne(self, sql: "SELECT * FROM group_text WHERE id = ?", arguments: [lastInsertedRowID])!
    }
}

extension Store {
    /// The newest version of each section's text for the year.
    public func latestGroupTexts(kommun: KommunCode, year: Int) throws -> [TextSection: GroupText] {
        try read { db in try db.latestGroupTexts(kommun: kommun, year: year) }
    }

    /// Every version of a section's text for the year, newest first.
    public func groupTextHistory(kommun: KommunCode, year: Int, section: TextSection) throws -> [GroupText] {
        try read { db in try db.groupTextHistory(kommun: kommun, year: year, section: section) }
    }
}
