import Foundation
import HTTPTypes
import Hummingbird
import LagesbildModel
import LagesbildReport
import LagesbildService
import LagesbildStore

/// Published reports (every role reads the public ones; who reads internal material, ``WebRole/readsInternal``, also
/// the internal ones), the preview (who reads internal material) and publishing (the samordnare).
///
/// A publication has a page of its own (`/rapporter/{id}`): which version of the year it is, the fastställande, and
/// the two files, the report's exact HTML (`/rapporter/{id}/html`) and its PDF (`/rapporter/{id}/pdf`) or why there
/// is none. A superseded version's page says so first and links the version that superseded it; the stored bytes are
/// never altered to say it (their sha256 stands on the page), so the notice is the page's, and the bytes of a
/// superseded version carry a `Link: <…>; rel="successor-version"` header (RFC 5829) for scripts.
struct ReportsController {
    let shared: Shared
    static let linkHeader = HTTPField.Name("Link")!

    func addRoutes(readers: RouterGroup<WorkspaceContext>, internalReaders: RouterGroup<WorkspaceContext>, samordnare: RouterGroup<WorkspaceContext>) {
        readers.get("/rapporter", use: reportsPage)
        readers.get("/rapporter/:id", use: publicationPage)
        readers.get("/rapporter/:id/html", use: publishedHTML)
        readers.get("/rapporter/:id/pdf", use: publishedPDF)
        internalReaders.get("/rapporter/forhandsvisning", use: preview)
        samordnare.post("/rapporter", use: publish)
    }

    /// A published report as the pages list it.
    struct Item {
        let id: Int64
        let title: String
        let version: Int
        let kind: String
        let by: String
        let at: String
        let sha: String
        let diarienummer: String
        let faststalld: String
        let hasDiarienummer: Bool
        let hasFaststalld: Bool
        let hasPDF: Bool
        let pdfSHA: String
        let pdfMissing: String
        let supersededText: String
        let supersededByID: Int64
        let isSuperseded: Bool

        init(_ report: PublishedReport) {
            id = report.id
            title = "Lägesbild \(report.year)"
            version = report.version
            kind = report.internal ? "internt arbetsmaterial" : "publik"
            by = report.publishedBy
            at = minute(report.publishedAt)
            sha = String(report.sha256.prefix(12))
            diarienummer = report.diarienummer ?? ""
            faststalld = report.faststalld ?? ""
            hasDiarienummer = report.diarienummer != nil
            hasFaststalld = report.faststalld != nil
            hasPDF = report.pdfSHA256 != nil
            pdfSHA = String((report.pdfSHA256 ?? "").prefix(12))
            pdfMissing = report.pdfMissing ?? ""
            isSuperseded = report.isSuperseded
            supersededByID = report.supersededBy ?? 0
            supersededText = report.supersededByVersion.map { version in
                "ersatt av version \(version) den \(SwedishTime.minute(utc: report.supersededAt ?? "").prefix(10))"
            } ?? ""
        }
    }

    /// What the publishing form holds: as typed, kept after a refusal.
    struct Typed {
        var year: Int
        var isInternal = false
        var diarienummer = ""
        var faststalld = ""
    }

    struct ReportsPage {
        let chrome: Chrome
        let current: [Item]
        let superseded: [Item]
        let hasCurrent: Bool
        let hasSuperseded: Bool
        /// The preview's form, for who may open it (``RequireRole/internalMaterial``), and the publish form.
        let canPreview: Bool
        let canPublish: Bool
        let typed: Typed
        let errors: [String]
        let hasErrors: Bool
        let diarienummerLimit = PublicationRequest.diarienummerLimit
    }

    @Sendable func reportsPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let year = (try? request.query("ar", as: Int.self)).flatMap { $0 } ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        return try await page(context, typed: Typed(year: year))
    }

    func page(_ context: WorkspaceContext, typed: Typed, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let user = try context.requireUser()
        let items = try await shared.service.publishedReports(for: user).map(Item.init)
        let current = items.filter { !$0.isSuperseded }, superseded = items.filter(\.isSuperseded)
        return shared.views.page(.rapporter, ReportsPage(chrome: Chrome(title: "Rapporter", context: context, current: "/rapporter"),
                                                         current: current, superseded: superseded, hasCurrent: !current.isEmpty,
                                                         hasSuperseded: !superseded.isEmpty, canPreview: RequireRole.internalMaterial.admits(user.role),
                                                         canPublish: RequireRole.samordnare.admits(user.role),
                                                         typed: typed, errors: errors, hasErrors: !errors.isEmpty), status: status)
    }

    func reportResponse(_ html: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: SecurityHeadersMiddleware.reportPolicy],
                 body: .init(byteBuffer: ByteBuffer(bytes: html)))
    }

    func errorPage(_ error: ReportError, context: WorkspaceContext) -> Response {
        // The command line's sentence for a year without data names its import command; the page names its own.
        var message = sentence(error.description)
        if case .noData(_, let year, let years) = error {
            message = "Det finns inga uppgifter för \(year)"
                + (years.isEmpty ? "; ladda upp uppgifter under Uppgifter." : " (år med uppgifter: \(years.map(String.init).joined(separator: ", "))).")
        }
        return shared.views.page(.fel, ErrorPage(status: 422, message: message, context: context), status: .unprocessableContent)
    }

    @Sendable func preview(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let internalReport = request.query("intern") != nil
        let version = try await shared.figures.version(context)
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: version))
        do {
            return reportResponse(try await shared.service.render(year: year, internal: internalReport, sources: shared.figures.sources, standing: .draft))
        } catch let error as ReportError {
            return errorPage(error, context: context)
        }
    }

    /// The contract for scripts: `csrf`, `ar`, optional `intern`, `diarienummer`, `faststalld`, and `bekrafta`.
    struct PublishForm: Decodable {
        let ar: String?
        let intern: String?
        let diarienummer: String?
        let faststalld: String?
        let bekrafta: String?
    }

    /// The confirmation step: what publishing will do, the same fields to post again with `bekrafta`.
    struct ConfirmPage {
        let chrome: Chrome
        let year: Int
        let isInternal: Bool
        let kind: String
        let version: Int
        let hasSupersedes: Bool
        let supersedesVersion: Int
        let supersedesDate: String
        let supersedesID: Int64
        let diarienummer: String
        let faststalld: String
        let hasDiarienummer: Bool
        let hasFaststalld: Bool
        let canPrint: Bool
        let pdfReason: String
        struct Item { let title: String; let detail: String; let link: String }
        /// What the year's checklist leaves open, and the figures that moved since a text was saved: publishing
        /// with them asks for a ticked confirmation.
        let openItems: [Item]
        let hasOpenItems: Bool

        init(_ review: PublishReview, context: WorkspaceContext) {
            openItems = review.openItems.map { Item(title: $0.title, detail: $0.detail, link: $0.link) }
            hasOpenItems = !review.openItems.isEmpty
            chrome = Chrome(title: "Publicera lägesbilden \(review.year)", context: context, current: "/rapporter")
            year = review.year
            isInternal = review.internal
            kind = review.internal ? "internt arbetsmaterial med exakta värden, bara för samordnaren" : "publik, för alla som loggar in"
            version = review.version
            hasSupersedes = review.supersedes != nil
            supersedesVersion = review.supersedes?.version ?? 0
            supersedesDate = String(SwedishTime.minute(utc: review.supersedes?.publishedAt ?? "").prefix(10))
            supersedesID = review.supersedes?.id ?? 0
            diarienummer = review.diarienummer ?? ""
            faststalld = review.faststalld ?? ""
            hasDiarienummer = review.diarienummer != nil
            hasFaststalld = review.faststalld != nil
            switch review.pdf {
            case .printable: canPrint = true; pdfReason = ""
            case .unavailable(let reason): canPrint = false; pdfReason = reason
            }
        }
    }

    @Sendable func publish(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(PublishForm.self)
        guard let year = form.ar.flatMap({ Int($0) }), Years.valid.contains(year) else { throw HTTPError(.badRequest) }
        let asked = PublicationRequest(year: year, internal: form.intern != nil, diarienummer: form.diarienummer ?? "", faststalld: form.faststalld ?? "")
        let typed = Typed(year: year, isInternal: asked.internal, diarienummer: asked.diarienummer, faststalld: asked.faststalld)
        do {
            guard form.bekrafta != nil else {
                let review = try await shared.service.reviewPublication(asked, sources: shared.figures.sources, pdf: shared.configuration.pdf)
                return shared.views.page(.publicera, ConfirmPage(review, context: context))
            }
            let outcome = try await shared.service.publish(asked, sources: shared.figures.sources, pdf: shared.configuration.pdf, by: context.actor)
            let report = outcome.report
            var text = "Publicerade lägesbilden \(report.year)\(report.internal ? " (internt arbetsmaterial)" : ""), version \(report.version)"
            if let old = outcome.supersedes { text += ", som ersätter version \(old.version)" }
            let pdfLine = report.pdfSHA256 != nil ? "PDF:en skrevs ut och sparades bredvid HTML-rapporten." : "PDF saknas: \(report.pdfMissing ?? "")."
            let openLine = outcome.openItems.isEmpty ? [] : ["\(outcome.openItems.count) öppna punkter står i rapporten under Källor och begränsningar."]
            return await shared.seeOther("/rapporter/\(report.id)", Flash(text: text + ".", lines: [pdfLine] + openLine), context: context)
        } catch PublishError.refused(let problems) {
            return try await page(context, typed: typed, errors: problems.map { sentence($0.description) }, status: .unprocessableContent)
        } catch let error as PublicationStoreError {
            return try await page(context, typed: typed, errors: [sentence(error.description)], status: .conflict)
        } catch let error as ReportError {
            return errorPage(error, context: context)
        }
    }

    func publication(_ context: WorkspaceContext) async throws -> PublishedReport {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HTTPError(.notFound) }
        do {
            guard let report = try await shared.service.publication(id, for: user) else { throw HTTPError(.notFound) }
            return report
        } catch PublishError.notYours {
            throw HTTPError(.forbidden)
        }
    }

    struct PublicationPage {
        let chrome: Chrome
        let report: Item
        let year: Int
        let pdfFileName: String
    }

    @Sendable func publicationPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let report = try await publication(context)
        let item = Item(report)
        var response = shared.views.page(.rapport, PublicationPage(chrome: Chrome(title: "\(item.title), version \(report.version)", context: context,
                                                                                  current: "/rapporter"),
                                                                   report: item, year: report.year, pdfFileName: report.pdfFileName))
        successorLink(report, &response)
        return response
    }

    func successorLink(_ report: PublishedReport, _ response: inout Response) {
        if let next = report.supersededBy { response.headers[Self.linkHeader] = "</rapporter/\(next)>; rel=\"successor-version\"" }
    }

    @Sendable func publishedHTML(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let report = try await publication(context)
        guard let html = try await shared.service.publishedReport(report.id, for: try context.requireUser()) else { throw HTTPError(.notFound) }
        var response = reportResponse(html)
        successorLink(report, &response)
        return response
    }

    @Sendable func publishedPDF(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let report = try await publication(context)
        do {
            guard let pdf = try await shared.service.publishedPDF(report.id, for: try context.requireUser())?.pdf else { throw HTTPError(.notFound) }
            var response = Response(status: .ok, headers: [.contentType: "application/pdf",
                                                           .contentDisposition: "attachment; filename=\"\(report.pdfFileName)\""],
                                    body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
            successorLink(report, &response)
            return response
        } catch let error as PublishError {
            guard case .noPDF = error else { throw error }
            return shared.views.page(.fel, ErrorPage(status: 404, message: sentence(error.description), context: context), status: .notFound)
        }
    }
}
