import Foundation
import GRDB
import LagesbildModel

/// A report as published: version N of its year (public and internal counted apart), the exact bytes never changed
/// (the tables refuse updates and deletes), the PDF printed with it or why there is none, and the version that
/// superseded it, if one has.
public struct PublishedReport: Sendable, Equatable, FetchableRecord, Decodable {
    public let id: Int64
    public let kommun: String
    public let year: Int
    public let `internal`: Bool
    public let sha256: String
    public let publishedBy: String
    /// ISO 8601 in UTC, as stored.
    public let publishedAt: String
    public let version: Int
    public let diarienummer: String?
    /// The day the collaboration group approved the report, ÅÅÅÅ-MM-DD.
    public let faststalld: String?
    /// The PDF's sha256; nil when there is no PDF (then `pdfMissing` says why, in Swedish).
    public let pdfSHA256: String?
    public let pdfMissing: String?
    /// The next version of the same year and kind (its report id, number and publication time), if there is one.
    public let supersededBy: Int64?
    public let supersededByVersion: Int?
    public let supersededAt: String?

    public var isSuperseded: Bool { supersededBy != nil }

    enum CodingKeys: String, CodingKey {
        case id, kommun, year, `internal`, sha256, version, diarienummer, faststalld
        case publishedBy = "published_by", publishedAt = "published_at", pdfSHA256 = "pdf_sha256", pdfMissing = "pdf_missing"
        case supersededBy = "superseded_by", supersededByVersion = "superseded_by_version", supersededAt = "superseded_at"
    }
}

/// The PDF stored with a publication: printed (its bytes and sha256), or missing and why (a Swedish sentence that the
/// pages show after "PDF saknas: ").
public enum PublishedPDF: Sendable, Equatable {
    case printed(Data, sha256: String)
    case missing(reason: String)
}

/// What is stored when a year is published. The version number is the store's to give (the next one of the year
/// and kind, in the same transaction).
public struct NewPublication: Sendable {
    public var kommun: KommunCode
    public var year: Int
    public var `internal`: Bool
    public var html: Data
    public var sha256: String
    public var diarienummer: String?
    public var faststalld: String?
    public var pdf: PublishedPDF
    public var publishedBy: String
    public var publishedAt: Date

    public init(kommun: KommunCode, year: Int, internal: Bool, html: Data, sha256: String, diarienummer: String? = nil, faststalld: String? = nil,
                pdf: PublishedPDF, publishedBy: String, publishedAt: Date) {
        self.kommun = kommun
        self.year = year
        self.internal = `internal`
        self.html = html
        self.sha256 = sha256
        self.diarienummer = diarienummer
        self.faststalld = faststalld
        self.pdf = pdf
        self.publishedBy = publishedBy
        self.publishedAt = publishedAt
    }
}

/// Why a publication was not stored.
public enum PublicationStoreError: Error, Equatable, UserFacingError {
    /// The report was rendered as version `expected`, but another publication of the year took that number meanwhile.
    case versionTaken(year: Int, expected: Int)

    public var description: String {
        switch self {
        case .versionTaken(let year, let expected):
            "version \(expected) av lägesbilden \(year) publicerades av någon annan under tiden; inget sparades, publicera igen för att göra nästa version"
        }
    }
}

extension Store {
    /// Stores a report's bytes for good as the next version of its year and kind; returns its id and version.
    @discardableResult
    public func publishReport(_ publication: NewPublication, expectedVersion: Int? = nil) throws -> (id: Int64, version: Int) {
        try write { db in try db.insertPublication(publication, expectedVersion: expectedVersion) }
    }

    /// Stores a report's bytes for good, without a PDF (the reason given); returns its id.
    public func publishReport(kommun: KommunCode, year: Int, internal: Bool, html: Data, sha256: String, by user: String,
                              at date: Date = Date(), pdfMissing reason: String = "ingen PDF skrevs ut") throws -> Int64 {
        try publishReport(NewPublication(kommun: kommun, year: year, internal: `internal`, html: html, sha256: sha256, pdf: .missing(reason: reason),
                                         publishedBy: user, publishedAt: date)).id
    }

    /// Published reports, newest first; without `includeInternal` only the public ones.
    public func publishedReports(includeInternal: Bool) throws -> [PublishedReport] {
        try read { db in try db.publishedReports(includeInternal: includeInternal) }
    }

    /// A published report's bytes and whether it is internal.
    public func publishedReportHTML(id: Int64) throws -> (html: Data, internal: Bool)? {
        try read { db in try db.publishedReportHTML(id: id) }
    }
}

extension Database {
    /// The number the next publication of a year and kind gets: one more than the latest.
    package func nextPublishedVersion(kommun: KommunCode, year: Int, internal: Bool) throws -> Int {
        try Int.fetchOne(self, sql: "SELECT COALESCE(MAX(version), 0) + 1 FROM published_version WHERE kommun = ? AND year = ? AND internal = ?",
                         arguments: [kommun.rawValue, year, `internal`]) ?? 1
    }

    /// Writes the report and its version row together. With `expectedVersion`, refuses (writing nothing) when the year's
    /// next number is another: the bytes were rendered saying which version they are.
    package func insertPublication(_ publication: NewPublication, expectedVersion: Int?) throws -> (id: Int64, version: Int) {
        let version = try nextPublishedVersion(kommun: publication.kommun, year: publication.year, internal: publication.internal)
        if let expectedVersion, expectedVersion != version {
            throw PublicationStoreError.versionTaken(year: publication.year, expected: expectedVersion)
        }
        try execute(sql: """
            INSERT INTO published_report (kommun, year, internal, html, sha256, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [publication.kommun.rawValue, publication.year, publication.internal, publication.html, publication.sha256,
                             publication.publishedBy, Store.timestamp(publication.publishedAt)])
        let id = lastInsertedRowID
        let pdf: (bytes: Data?, sha256: String?, missing: String?) = switch publication.pdf {
        case .printed(let bytes, let sha256): (bytes, sha256, nil)
        case .missing(let reason): (nil, nil, reason)
        }
        try execute(sql: """
            INSERT INTO published_version (report_id, kommun, year, internal, version, diarienummer, faststalld, pdf, pdf_sha256, pdf_missing)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, publication.kommun.rawValue, publication.year, publication.internal, version, publication.diarienummer,
                             publication.faststalld, pdf.bytes, pdf.sha256, pdf.missing])
        return (id, version)
    }

    private static let publishedColumns = """
        SELECT r.id, r.kommun, r.year, r.internal, r.sha256, r.published_by, r.published_at,
               v.version, v.diarienummer, v.faststalld, v.pdf_sha256, v.pdf_missing,
               n.report_id AS superseded_by, n.version AS superseded_by_version, nr.published_at AS superseded_at
        FROM published_report r
        JOIN published_version v ON v.report_id = r.id
        LEFT JOIN published_version n ON n.kommun = v.kommun AND n.year = v.year AND n.internal = v.internal AND n.version = v.version + 1
        LEFT JOIN published_report nr ON nr.id = n.report_id
        """

    package func publishedReports(includeInternal: Bool) throws -> [PublishedReport] {
        try PublishedReport.fetchAll(self, sql: "\(Self.publishedColumns) WHERE ? OR r.internal = 0 ORDER BY r.id DESC", arguments: [includeInternal])
    }

    package func publishedReport(id: Int64) throws -> PublishedReport? {
        try PublishedReport.fetchOne(self, sql: "\(Self.publishedColumns) WHERE r.id = ?", arguments: [id])
    }

    /// The latest version of a year and kind, if the year has been published.
    package func latestPublishedReport(kommun: KommunCode, year: Int, internal: Bool) throws -> PublishedReport? {
        try PublishedReport.fetchOne(self, sql: """
            \(Self.publishedColumns) WHERE v.kommun = ? AND v.year = ? AND v.internal = ? ORDER BY v.version DESC LIMIT 1
            """, arguments: [kommun.rawValue, year, `internal`])
    }

    package func publishedReport(kommun: KommunCode, year: Int, internal: Bool, version: Int) throws -> PublishedReport? {
        try PublishedReport.fetchOne(self, sql: "\(Self.publishedColumns) WHERE v.kommun = ? AND v.year = ? AND v.internal = ? AND v.version = ?",
                                     arguments: [kommun.rawValue, year, `internal`, version])
    }

    package func publishedReportHTML(id: Int64) throws -> (html: Data, internal: Bool)? {
        try Row.fetchOne(self, sql: "SELECT html, internal FROM published_report WHERE id = ?", arguments: [id]).map { ($0["html"], $0["internal"]) }
    }

    /// A published report's PDF bytes (nil: the report does not exist or has no PDF).
    package func publishedReportPDF(id: Int64) throws -> Data? {
        try Data.fetchOne(self, sql: "SELECT pdf FROM published_version WHERE report_id = ?", arguments: [id])
    }
}
