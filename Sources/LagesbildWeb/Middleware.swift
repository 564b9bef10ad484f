import Foundation
import HTTPTypes
import Hummingbird
import LagesbildStore

/// One line per request on stderr: time, method, path (never the query or the body), status, milliseconds, user.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = WorkspaceContext
    static let userHeader = HTTPField.Name("X-Lagesbild-User")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        func log(_ status: Int, user: String) {
            let elapsed = ContinuousClock.now - start
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            let line = "\(Store.timestamp(Date())) \(request.method) \(request.uri.path) \(status) \(Int(milliseconds.rounded())) ms \(user)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        do {
            var response = try await next(request, context)
            let user = response.headers[Self.userHeader] ?? "-"
            response.headers[Self.userHeader] = nil
            log(Int(response.status.code), user: user)
            return response
        } catch let error as HTTPResponseError {
            log(Int(error.status.code), user: "-")
            throw error
        } catch {
            log(500, user: "-")
            throw error
        }
    }
}

/// The headers every response carries; a published report keeps its own policy (its styles are inline).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WorkspaceContext
    static let policy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    static let reportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.policy }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
