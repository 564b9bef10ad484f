import Foundation
import Hummingbird
import LagesbildService
import LagesbildStore
import NIOCore

/// One request's context: where it came from, and once the session middleware has run, who sent it; once the form
/// middleware has run, the form it posted (read only after its CSRF token was checked).
public struct WorkspaceContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (behind a reverse proxy: the proxy's), for login throttling and the audit log.
    public let address: String
    var session: Session?
    /// The signed-in user: set only for a session whose sign-in is complete (``SignInStage/complete``).
    var user: WebUser?
    /// The user of a session halfway through signing in (password right, second factor not yet): reaches only the
    /// next step's page.
    var pendingUser: WebUser?
    /// The `application/x-www-form-urlencoded` body of a POST whose CSRF token matched.
    var formBody = ""
    /// The state of the data, read with the session's user in the same snapshot (one database read per request).
    var dataVersion: String?
    /// The message a save left for this page (``Flash``), taken from the session for this GET.
    var flash: Flash?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        address = source.channel.remoteAddress?.ipAddress ?? "okänd"
    }

    /// The user the route group's role middleware let through (403 if a route was registered outside every group).
    func requireUser() throws -> WebUser {
        guard let user else { throw HTTPError(.forbidden) }
        return user
    }

    /// Who the audit log names for what this request does.
    var actor: Actor { Actor(name: user?.name ?? pendingUser?.name ?? "", address: address) }

    /// The posted form as its typed fields. A body that is not a well-formed form (bad %-encoding, a field twice) is
    /// refused with 400, never read as empty fields.
    func form<Form: Decodable>(_ type: Form.Type) throws -> Form {
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: formBody)
        } catch {
            throw HTTPError(.badRequest)
        }
    }
}

extension WorkspaceContext {
    /// The same request seen as no one's (for the login page's chrome).
    var anonymous: WorkspaceContext {
        var copy = self
        copy.user = nil
        copy.pendingUser = nil
        copy.session = nil
        return copy
    }
}

/// A query parameter as typed, or 400: `?ar=tjugo` is an error, not the default year.
extension Request {
    func query<Value: LosslessStringConvertible>(_ name: String, as type: Value.Type) throws -> Value? {
        guard let text = uri.queryParameters[name[...]] else { return nil }
        guard let value = Value(String(text)) else { throw HTTPError(.badRequest) }
        return value
    }

    func query(_ name: String) -> String? { uri.queryParameters[name[...]].map(String.init) }
}
