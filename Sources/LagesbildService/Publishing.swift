import Crypto
import Foundation
import LagesbildIndicators
import LagesbildModel
import LagesbildReport
import LagesbildStore
import NIOPosix

/// What a report is made from: the measurement points, the reference series and the program that states itself in
/// the colophon.
public struct ReportSources: Sendable {
    public let definitions: [IndicatorDefinition]
    public let references: [ReferenceDefinition]
    public let producer: String

    public init(definitions: [IndicatorDefinition], references: [ReferenceDefinition], producer: String) {
        self.definitions = definitions
        self.references = references
        self.producer = producer
    }
}

extension WorkspaceService {
    /// The year's report as HTML, rendered on NIO's thread pool (the report reads the store many times).
    public func render(year: Int, internal: Bool, sources: ReportSources) async throws -> Data {
        let store = store
        return try await NIOThreadPool.singleton.runIfActive {
            var options = ReportOptions(year: year, kommun: store.ownKommun)
            options.isInternal = `internal`
            options.producer = sources.producer
            return Data(try ReportBuilder(store: store, definitions: sources.definitions, references: sources.references).render(options).utf8)
        }
    }

    /// Renders the year's report and stores its exact bytes for good, with their sha256 and the audit entry, in one
    /// transaction. Returns the published report's id.
    public func publish(year: Int, internal: Bool, sources: ReportSources, by actor: Actor) async throws -> Int64 {
        guard Years.valid.contains(year) else { throw PublishError.invalidYear(year) }
        let html = try await render(year: year, internal: `internal`, sources: sources)
        let sha256 = SHA256.hash(data: html).map { String(format: "%02x", $0) }.joined()
        let kommun = store.ownKommun
        let now = clock()
        return try await store.asyncWrite { db in
            let id = try db.insertPublishedReport(kommun: kommun, year: year, internal: `internal`, html: html, sha256: sha256, by: actor.name, at: now)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.publish.rawValue,
                         detail: "rapport \(id), \(year)\(`internal` ? ", internt" : ""), sha256 \(sha256.prefix(12))", at: now)
            return id
        }
    }

    /// The published reports a user may see, newest first: the internal ones too for a role that reads internal
    /// material (``WebRole/readsInternal``), the public ones for läsare and rapportörer.
    public func publishedReports(for user: WebUser) async throws -> [PublishedReport] {
        let all = user.role.readsInternal
        return try await store.asyncRead { db in try db.publishedReports(includeInternal: all) }
    }

    /// A published report's bytes, if it exists and the user may read it (an internal one only a role that reads
    /// internal material).
    public func publishedReport(_ id: Int64, for user: WebUser) async throws -> Data? {
        guard let report = try await store.asyncRead({ db in try db.publishedReportHTML(id: id) }) else { return nil }
        if report.internal && !user.role.readsInternal { throw PublishError.notYours }
        return report.html
    }
}

public enum PublishError: Error, Equatable, UserFacingError {
    case invalidYear(Int)
    case notYours

    public var description: String {
        switch self {
        case .invalidYear(let year): "\(year) är inget år som lagesbild har uppgifter för (\(Years.valid.lowerBound)–\(Years.valid.upperBound))"
        case .notYours: "rapporten är internt arbetsmaterial och visas bara för samordnaren"
        }
    }
}
