import Foundation
import HTTPTypes
import Hummingbird
import LagesbildStore
import NIOCore
import NIOHTTPTypes

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

/// Errors as Swedish pages with their status: 403, 404, 413 and the rest.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WorkspaceContext
    let views: Views

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            return Self.page(for: error, context: context, views: views)
        }
    }

    /// The Swedish page for an HTTP error, with the navigation of the user who got it.
    static func page(for error: HTTPResponseError, context: WorkspaceContext, views: Views) -> Response {
        let status = error.status
        let text = switch status.code {
        case 403: "Du har inte behörighet till den här sidan eller åtgärden."
        case 404: "Sidan finns inte."
        case 413: "Filen är för stor; gränsen sätts med lagesbild serve --max-upload."
        case 400: "Begäran kunde inte läsas."
        default: "Något gick fel."
        }
        var response = views.page("fel", ErrorPage(status: Int(status.code), message: text, context: context), status: status)
        if let user = context.user { response.headers[AccessLogMiddleware.userHeader] = user.name }
        return response
    }
}

/// Finds the session behind the cookie, sends anyone without one to the login page, and checks the CSRF token of
/// every POST before its form reaches a handler (a multipart upload's token is checked by the upload handler, as
/// the first field of the body, before any file is read).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WorkspaceContext
    static let cookieName = "lagesbild_sid"
    static let publicPaths: Set<String> = ["/inloggning", "/halsa", "/stil.css"]
    static let formLimit = 1 << 20

    let store: Store
    let sessions: SessionStore
    let views: Views

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let id = request.cookies[Self.cookieName]?.value, let session = await sessions.session(id),
           let user = try store.user(id: session.userID), !user.disabled {
            context.session = session
            context.user = user
        }
        if context.user == nil && !Self.publicPaths.contains(request.uri.path) {
            return .redirect(to: "/inloggning", type: .found)
        }
        if request.method == .post, !(request.headers[.contentType] ?? "").hasPrefix("multipart/form-data") {
            let body = try await request.body.collect(upTo: Self.formLimit)
            let fields = Self.decodeForm(String(buffer: body))
            if let session = context.session {
                // Every POST of a logged-in session carries the session's token; the login form has none yet.
                guard let token = fields["csrf"], constantTimeEqual(token, session.csrfToken) else { throw HTTPError(.forbidden) }
            }
            context.form = fields
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = ErrorPageMiddleware.page(for: error, context: context, views: views)
        }
        if let user = context.user, response.headers[AccessLogMiddleware.userHeader] == nil {
            response.headers[AccessLogMiddleware.userHeader] = user.name
        }
        return response
    }

    /// `application/x-www-form-urlencoded` fields, percent-decoded by Foundation; the first value of a repeated name.
    static func decodeForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}

/// Answers `Expect: 100-continue` at once. Browsers never ask, but curl, PowerShell and .NET clients ask before
/// sending a large body and, with no answer, wait a second before they send it anyway (Hummingbird does not answer it
/// itself). The request still goes through every check: a client told to continue may get 403 or 413 after its body.
/// A body declared larger than the upload limit is not asked for: the upload answers 413 without reading it, and the
/// client, told nothing else first, does not send it. (HTTP/1.0 clients must not be told, but the HTTP types this
/// handler sees carry no version; no HTTP/1.0 client is known to send the expectation.)
final class ContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let limit: Int

    init(limit: Int) { self.limit = limit }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), let expect = head.headerFields[.expect],
           expect.lowercased() == "100-continue", (head.headerFields[.contentLength].flatMap { Int($0) } ?? 0) <= limit {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}
