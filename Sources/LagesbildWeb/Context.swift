import Foundation
import Hummingbird
import LagesbildStore
import NIOCore

/// One request's context: where it came from, and once the session middleware has run, who sent it and the form it
/// posted (read only after its CSRF token was checked).
public struct WorkspaceContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (behind a reverse proxy: the proxy's), for login throttling and the audit log.
    public let address: String
    var session: Session?
    var user: WebUser?
    /// The fields of an `application/x-www-form-urlencoded` POST whose CSRF token matched.
    var form: [String: String] = [:]

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        address = source.channel.remoteAddress?.ipAddress ?? "okänd"
    }

    /// The logged-in user, or 403 when the role may not do this (the session middleware has already sent anyone
    /// without a session to the login page).
    func require(_ roles: WebRole...) throws -> WebUser {
        guard let user, roles.contains(user.role) else { throw HTTPError(.forbidden) }
        return user
    }
}
