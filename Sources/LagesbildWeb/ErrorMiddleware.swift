import Foundation
import Hummingbird
import LagesbildModel
import LagesbildStore

/// Every error a handler or a middleware below throws, as one Swedish page with the status that fits: an HTTP error
/// its own page (403, 404, 400 …); a `UserFacingError` its sentence (422); a busy database 503 with `Retry-After`; a
/// full disk 507; anything else 500, its cause logged (never shown). Used twice: outermost (for a failure of the
/// session lookup itself) and under the session middleware (so the page carries the user's navigation).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WorkspaceContext
    let views: Views
    /// Where causes go: standard error, as the access log.
    var log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return page(for: error, request: request, context: context)
        }
    }

    func page(for error: any Error, request: Request, context: WorkspaceContext) -> Response {
        let status: HTTPResponse.Status
        let text: String
        var headers: HTTPFields = [:]
        if let error = error as? any HTTPResponseError {
            status = error.status
            text = switch status.code {
            case 403: "Du har inte behörighet till den här sidan eller åtgärden."
            case 404: "Sidan finns inte."
            case 413: "Filen är för stor."
            case 415: "Formuläret skickades på ett sätt som den här sidan inte tar emot."
            case 400: "Begäran kunde inte läsas."
            default: "Något gick fel."
            }
        } else if let failure = StorageFailure(error) {
            log("\(Store.timestamp(Date())) \(request.method) \(request.uri.path): \(failure) (\(error))")
            switch failure {
            case .busy:
                status = .serviceUnavailable
                headers[.retryAfter] = "5"
                text = "Databasen är upptagen just nu (en stor import pågår). Försök igen om en stund; inget har ändrats."
            case .full:
                status = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
                text = "Disken är full på servern, så inget kunde sparas. Be den som sköter servern att frigöra utrymme."
            }
        } else if let error = error as? any UserFacingError {
            status = .unprocessableContent
            text = error.description.capitalizedFirst + "."
        } else {
            log("\(Store.timestamp(Date())) \(request.method) \(request.uri.path): fel 500: \(String(reflecting: error))")
            status = .internalServerError
            text = "Något gick fel på servern. Felet är loggat; försök igen, och säg till samordnaren om det händer igen."
        }
        var response = views.page(.fel, ErrorPage(status: Int(status.code), message: text, context: context), status: status)
        for field in headers { response.headers.append(field) }
        if let user = context.user { response.headers[AccessLogMiddleware.userHeader] = user.name }
        return response
    }
}
