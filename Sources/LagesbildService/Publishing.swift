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

/// How the server prints a publication's PDF: with Chromium at `chromium` (nil: the first of chromium,
/// chromium-browser, google-chrome on PATH, as `lagesbild report --pdf` looks), waiting at most `timeout` seconds.
public struct PDFSettings: Sendable, Equatable {
    public var chromium: String?
    public var timeout: Int

    public init(chromium: String? = nil, timeout: Int = 180) {
        self.chromium = chromium
        self.timeout = timeout
    }
}

/// A publication as asked for, from the reports page's form or `lagesbild publish`: the fields as typed (an empty
/// diarienummer or fastställd is none).
public struct PublicationRequest: Sendable, Equatable {
    public var year: Int
    public var `internal`: Bool
    public var diarienummer: String
    public var faststalld: String

    public init(year: Int, internal: Bool = false, diarienummer: String = "", faststalld: String = "") {
        self.year = year
        self.internal = `internal`
        self.diarienummer = diarienummer
        self.faststalld = faststalld
    }

    /// The longest diarienummer kept.
    public static let diarienummerLimit = 40
    /// What a diarienummer may hold besides letters and digits ("KS 2026/123", "2026-000123", "KS.2026:45").
    static let diarienummerPunctuation = Set(" /-.:_()")

    /// The diarienummer and the approval date, checked, as they will be stored (nil: not given); or every field's
    /// problem. `today` is the local date, ÅÅÅÅ-MM-DD.
    public func validated(today: String) throws -> (diarienummer: String?, faststalld: String?) {
        var problems: [PublishError] = []
        let diarienummer = diarienummer.trimmingCharacters(in: .whitespaces)
        if !diarienummer.isEmpty && !Self.isValidDiarienummer(diarienummer) {
            problems.append(.invalidDiarienummer(String(diarienummer.prefix(Self.diarienummerLimit + 20))))
        }
        let faststalld = faststalld.trimmingCharacters(in: .whitespaces)
        if !faststalld.isEmpty {
            if (try? ReportBuilder.validatedDate(faststalld)) == nil {
                problems.append(.invalidApprovalDate(String(faststalld.prefix(30))))
            } else if faststalld > today {
                problems.append(.approvalInFuture(faststalld, today: today))
            } else if faststalld < "\(year)-01-01" {
                problems.append(.approvalBeforeYear(faststalld, year: year))
            }
        }
        if !problems.isEmpty { throw PublishError.refused(problems) }
        return (diarienummer.isEmpty ? nil : diarienummer, faststalld.isEmpty ? nil : faststalld)
    }

    static func isValidDiarienummer(_ text: String) -> Bool {
        text.count <= diarienummerLimit && !text.contains("  ") && text.contains(where: { $0.isLetter || $0.isNumber })
            && text.allSatisfy(isDiarienummerCharacter)
    }

    private static func isDiarienummerCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || diarienummerPunctuation.contains(character)
    }
}

/// Whether the server can print the publication's PDF, as the confirmation step says.
public enum PDFAvailability: Sendable, Equatable {
    /// Chromium found at this path.
    case printable(chromium: String)
    /// No PDF can be printed; publishing stores the reason (Swedish, shown after "PDF saknas: ").
    case unavailable(reason: String)
}

/// What publishing a year will do, shown before anything is stored (the confirmation step). Each thing a samordnare
/// should know before publishing is a field here, and the confirmation page shows each: open items of the year's
/// checklist and the figures that moved since the group's texts were saved belong here too.
public struct PublishReview: Sendable, Equatable {
    public let year: Int
    public let `internal`: Bool
    /// The version the publication will be.
    public let version: Int
    /// The version it will supersede, if the year and kind have been published.
    public let supersedes: PublishedReport?
    public let diarienummer: String?
    public let faststalld: String?
    public let pdf: PDFAvailability
    /// What the year's checklist leaves open (``WorkspaceService/checklist(year:sources:)``): the confirmation page
    /// lists it with the figures that moved since the texts were saved, and the report prints it under *Källor och
    /// begränsningar*.
    public var openItems: [CheckItem] = []
}

/// A publication as stored, and the version it superseded.
public struct PublishOutcome: Sendable, Equatable {
    public let report: PublishedReport
    public let supersedes: PublishedReport?
    /// What the checklist left open, printed in the report.
    public var openItems: [CheckItem] = []
}

extension WorkspaceService {
    /// The year's report as HTML, rendered on NIO's thread pool (the report reads the store many times). `standing`
    /// is what the cover says: the preview's draft, a publication's version.
    public func render(year: Int, internal: Bool, sources: ReportSources, standing: PublicationStanding? = nil,
                       openItems: [String] = []) async throws -> Data {
        let store = store
        return try await NIOThreadPool.singleton.runIfActive {
            var options = ReportOptions(year: year, kommun: store.ownKommun)
            options.isInternal = `internal`
            options.producer = sources.producer
            options.publication = standing
            options.openItems = openItems
            return Data(try ReportBuilder(store: store, definitions: sources.definitions, references: sources.references).render(options).utf8)
        }
    }

    /// The local date of the service's clock, ÅÅÅÅ-MM-DD.
    var today: String { String(SwedishTime.minute(clock()).prefix(10)) }

    /// What publishing as asked would do: which version it makes, which it supersedes, whether a PDF can be printed.
    /// Throws ``PublishError`` for a year out of range or fields that would be refused; stores nothing.
    public func reviewPublication(_ request: PublicationRequest, sources: ReportSources, pdf settings: PDFSettings) async throws -> PublishReview {
        guard Years.valid.contains(request.year) else { throw PublishError.invalidYear(request.year) }
        let fields = try request.validated(today: today)
        let kommun = store.ownKommun
        let (version, latest) = try await store.asyncRead { db in
            (try db.nextPublishedVersion(kommun: kommun, year: request.year, internal: request.internal),
             try db.latestPublishedReport(kommun: kommun, year: request.year, internal: request.internal))
        }
        var review = PublishReview(year: request.year, internal: request.internal, version: version, supersedes: latest,
                                   diarienummer: fields.diarienummer, faststalld: fields.faststalld, pdf: Self.availability(settings))
        review.openItems = try await checklist(year: request.year, sources: sources).filter { !$0.done }
        return review
    }

    /// Whether Chromium is there to print with (looked up as the printer does, nothing run).
    public static func availability(_ settings: PDFSettings) -> PDFAvailability {
        do {
            return .printable(chromium: try PDFPrinter(explicit: settings.chromium).chromium)
        } catch {
            return .unavailable(reason: missingReason(error))
        }
    }

    /// Renders the year's report as its next version (the cover says which, with the fastställande), prints its PDF,
    /// and stores both for good with their sha256 and the audit entry, in one transaction. A PDF that cannot be
    /// printed (no Chromium, a failed or too slow print) does not stop the publication: its reason is stored instead.
    public func publish(_ request: PublicationRequest, sources: ReportSources, pdf settings: PDFSettings, by actor: Actor) async throws -> PublishOutcome {
        let review = try await reviewPublication(request, sources: sources, pdf: settings)
        let publication = Publication(version: review.version, diarienummer: review.diarienummer, faststalld: review.faststalld)
        let html = try await render(year: request.year, internal: request.internal, sources: sources, standing: .published(publication),
                                    openItems: review.openItems.map(\.publicText))
        let pdf = await Self.printPDF(html, settings: settings)
        let stored = NewPublication(kommun: store.ownKommun, year: request.year, internal: request.internal, html: html, sha256: Self.sha256(html),
                                    diarienummer: review.diarienummer, faststalld: review.faststalld, pdf: pdf, publishedBy: actor.name,
                                    publishedAt: clock())
        var outcome = try await store.asyncWrite { db in
            let (id, version) = try db.insertPublication(stored, expectedVersion: review.version)
            let report = try db.publishedReport(id: id)!
            let supersedes = try db.publishedReport(kommun: stored.kommun, year: stored.year, internal: stored.internal, version: version - 1)
            var detail = "rapport \(id), \(stored.year)\(stored.internal ? ", internt" : ""), version \(version)"
            if let supersedes { detail += " (ersätter rapport \(supersedes.id))" }
            detail += ", sha256 \(stored.sha256.prefix(12))"
            switch pdf {
            case .printed(_, let sha256): detail += ", PDF sha256 \(sha256.prefix(12))"
            case .missing(let reason): detail += ", PDF saknas: \(reason)"
            }
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.publish.rawValue, detail: detail, at: stored.publishedAt)
            return PublishOutcome(report: report, supersedes: supersedes)
        }
        outcome.openItems = review.openItems
        return outcome
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// The report printed to PDF on NIO's thread pool (Chromium runs for seconds), or why it could not be.
    static func printPDF(_ html: Data, settings: PDFSettings) async -> PublishedPDF {
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                do {
                    let printer = try PDFPrinter(explicit: settings.chromium)
                    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-publicering-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    defer { try? FileManager.default.removeItem(at: scratch) }
                    let page = scratch.appendingPathComponent("rapport.html"), target = scratch.appendingPathComponent("rapport.pdf")
                    try html.write(to: page)
                    try printer.print(html: page.path, to: target.path, timeout: settings.timeout)
                    let bytes = try Data(contentsOf: target)
                    return .printed(bytes, sha256: sha256(bytes))
                } catch {
                    return .missing(reason: missingReason(error))
                }
            }
        } catch {
            return .missing(reason: missingReason(error))
        }
    }

    /// Why a publication has no PDF, in the workspace's words (the printer's own sentences name the command line's
    /// options).
    static func missingReason(_ error: Error) -> String {
        switch error as? PDFPrinter.Failure {
        case .chromiumMissing?:
            "webbläsaren Chromium finns inte på servern (paketet chromium); HTML-rapporten kan skrivas ut som PDF från en webbläsare"
        case .chromiumNotRunnable(let path)?: "Chromium-programmet \(path) som servern är inställd på finns inte eller kan inte köras"
        case .printFailed(let status, let output)?:
            "Chromium kunde inte skriva ut rapporten (slutstatus \(status))" + (output.isEmpty ? "" : ": \(String(output.prefix(200)))")
        case .timedOut(let seconds)?: "Chromium blev inte klar med utskriften på \(seconds) sekunder"
        case nil: "PDF-filen kunde inte skrivas (\(userMessage(for: error)))"
        }
    }

    /// Whether a user reads internal reports: a role that reads internal material (``WebRole/readsInternal``).
    static func readsInternal(_ user: WebUser) -> Bool { user.role.readsInternal }

    /// The published reports a user may see, newest first: läsare and rapportörer the public ones.
    public func publishedReports(for user: WebUser) async throws -> [PublishedReport] {
        let all = Self.readsInternal(user)
        return try await store.asyncRead { db in try db.publishedReports(includeInternal: all) }
    }

    /// Every published report, newest first (the command line on the server).
    public func publishedReports() async throws -> [PublishedReport] {
        try await store.asyncRead { db in try db.publishedReports(includeInternal: true) }
    }

    /// A published report's record, if it exists and the user may read it (``PublishError/notYours`` otherwise); nil
    /// user: the command line on the server, which reads every one.
    public func publication(_ id: Int64, for user: WebUser?) async throws -> PublishedReport? {
        guard let report = try await store.asyncRead({ db in try db.publishedReport(id: id) }) else { return nil }
        if report.internal, let user, !Self.readsInternal(user) { throw PublishError.notYours }
        return report
    }

    /// A published report's exact HTML bytes, if it exists and the user may read it.
    public func publishedReport(_ id: Int64, for user: WebUser?) async throws -> Data? {
        guard try await publication(id, for: user) != nil else { return nil }
        return try await store.asyncRead { db in try db.publishedReportHTML(id: id)?.html }
    }

    /// A published report's exact PDF bytes: nil when the report does not exist; ``PublishError/noPDF(_:reason:)``
    /// when it was published without one.
    public func publishedPDF(_ id: Int64, for user: WebUser?) async throws -> (report: PublishedReport, pdf: Data)? {
        guard let report = try await publication(id, for: user) else { return nil }
        guard let pdf = try await store.asyncRead({ db in try db.publishedReportPDF(id: id) }) else {
            throw PublishError.noPDF(id, reason: report.pdfMissing ?? "")
        }
        return (report, pdf)
    }
}

extension PublishedReport {
    /// The PDF's download name, ASCII only: "lagesbild-2025-v2.pdf" ("-intern" for an internal one).
    public var pdfFileName: String { "lagesbild-\(year)\(`internal` ? "-intern" : "")-v\(version).pdf" }
}

public enum PublishError: Error, Equatable, UserFacingError {
    case invalidYear(Int)
    case notYours
    case invalidDiarienummer(String)
    case invalidApprovalDate(String)
    case approvalInFuture(String, today: String)
    case approvalBeforeYear(String, year: Int)
    case noPDF(Int64, reason: String)
    case unknownReport(Int64)
    /// The fields' problems, all of them.
    case refused([PublishError])

    public var description: String {
        switch self {
        case .invalidYear(let year): "\(year) är inget år som lagesbild har uppgifter för (\(Years.valid.lowerBound)–\(Years.valid.upperBound))"
        case .notYours: "rapporten är internt arbetsmaterial och visas bara för samverkansgruppen (samordnaren och gruppens medlemmar)"
        case .invalidDiarienummer(let text):
            "diarienummer: \"\(text)\" är inget diarienummer: högst \(PublicationRequest.diarienummerLimit) tecken, bokstäver, siffror, "
                + "mellanslag och / - . : _ ( ), till exempel \"KS 2026/123\""
        case .invalidApprovalDate(let text): "fastställd: \"\(text)\" är inget datum på formen ÅÅÅÅ-MM-DD, till exempel 2026-03-12"
        case .approvalInFuture(let date, let today): "fastställd: \(date) har inte varit ännu (i dag är det \(today))"
        case .approvalBeforeYear(let date, let year): "fastställd: \(date) är före \(year), året som lägesbilden gäller"
        case .noPDF(let id, let reason): "rapport \(id) har ingen PDF: \(reason)"
        case .unknownReport(let id): "det finns ingen publicerad rapport med id \(id) (se lagesbild published list)"
        case .refused(let problems): problems.map(\.description).joined(separator: "; ")
        }
    }
}
