import Foundation
import Hummingbird
import LagesbildModel
import LagesbildReport
import LagesbildService
import LagesbildStore

/// Published reports (every role reads the public ones; who reads internal material, ``WebRole/readsInternal``, also
/// the internal ones), the preview (who reads internal material) and publishing (the samordnare).
struct ReportsController {
    let shared: Shared

    func addRoutes(readers: RouterGroup<WorkspaceContext>, internalReaders: RouterGroup<WorkspaceContext>, samordnare: RouterGroup<WorkspaceContext>) {
        readers.get("/rapporter", use: reportsPage)
        readers.get("/rapporter/:id", use: publishedReport)
        internalReaders.get("/rapporter/forhandsvisning", use: preview)
        samordnare.post("/rapporter", use: publish)
    }

    struct ReportsPage {
        struct Item { let id: Int64; let year: Int; let kind: String; let by: String; let at: String; let sha: String }
        let chrome: Chrome
        let reports: [Item]
        let hasReports: Bool
        /// The preview's form, for who may open it (``RequireRole/internalMaterial``), and the publish form.
        let canPreview: Bool
        let canPublish: Bool
        let year: Int
    }

    @Sendable func reportsPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let items = try await shared.service.publishedReports(for: user).map { report in
            ReportsPage.Item(id: report.id, year: report.year, kind: report.internal ? "internt arbetsmaterial" : "publik",
                             by: report.publishedBy, at: minute(report.publishedAt), sha: String(report.sha256.prefix(12)))
        }
        let year = (try? request.query("ar", as: Int.self)).flatMap { $0 } ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        return shared.views.page(.rapporter, ReportsPage(chrome: Chrome(title: "Rapporter", context: context, current: "/rapporter"), reports: items,
                                                         hasReports: !items.isEmpty, canPreview: RequireRole.internalMaterial.admits(user.role),
                                                         canPublish: RequireRole.samordnare.admits(user.role), year: year))
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
            return reportResponse(try await shared.service.render(year: year, internal: internalReport, sources: shared.figures.sources))
        } catch let error as ReportError {
            return errorPage(error, context: context)
        }
    }

    struct PublishForm: Decodable {
        let ar: String?
        let intern: String?
    }

    @Sendable func publish(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let form = try context.form(PublishForm.self)
        guard let year = form.ar.flatMap({ Int($0) }), Years.valid.contains(year) else { throw HTTPError(.badRequest) }
        do {
            let id = try await shared.service.publish(year: year, internal: form.intern != nil, sources: shared.figures.sources, by: context.actor)
            return await shared.seeOther("/rapporter/\(id)", context: context)
        } catch let error as ReportError {
            return errorPage(error, context: context)
        }
    }

    @Sendable func publishedReport(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HTTPError(.notFound) }
        do {
            guard let html = try await shared.service.publishedReport(id, for: user) else { throw HTTPError(.notFound) }
            return reportResponse(html)
        } catch PublishError.notYours {
            throw HTTPError(.forbidden)
        }
    }
}
