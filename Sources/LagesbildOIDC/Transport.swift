import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A reply from the identity provider: its status and body.
public struct HTTPReply: Sendable {
    public let status: Int
    public let body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// How the workspace talks to the identity provider: GET for discovery and keys, a form POST for the token endpoint.
/// The server's is ``URLSessionTransport``; tests of the refusals give one that answers from memory.
public protocol OIDCTransport: Sendable {
    func get(_ url: URL) async throws -> HTTPReply
    func postForm(_ url: URL, fields: [(String, String)], headers: [(String, String)]) async throws -> HTTPReply
}

/// Foundation's URLSession (on Linux over the system's libcurl, with the system's trust roots from ca-certificates),
/// with the limits a sign-in needs: 10 s for an answer, 15 s for the whole exchange, at most 1 MiB of body, no cookies,
/// no cache, and no redirect followed (the endpoints are the discovery document's own; a redirect is an answer that is
/// refused).
///
/// Not swift-server/async-http-client: with swift-nio-ssl (a second BoringSSL) and its other packages it added about
/// 460 s of CPU to a clean debug build (651 s against 192 s for swift-crypto and SwiftNIO alone, measured on this
/// machine's kind) and as much again to the release build, which took CI past its 30 minutes; URLSession comes with the
/// Swift toolchain and does the same three requests.
public final class URLSessionTransport: NSObject, OIDCTransport, URLSessionTaskDelegate, @unchecked Sendable {
    static let bodyLimit = 1 << 20
    /// Immutable after init; URLSession is thread-safe.
    private var session: URLSession!

    public override init() {
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 15
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    public func get(_ url: URL) async throws -> HTTPReply {
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return try await execute(request)
    }

    public func postForm(_ url: URL, fields: [(String, String)], headers: [(String, String)]) async throws -> HTTPReply {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(FormEncoding.encode(fields).utf8)
        return try await execute(request)
    }

    private func execute(_ request: URLRequest) async throws -> HTTPReply {
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        guard data.count <= Self.bodyLimit else { throw URLError(.dataLengthExceedsMaximum) }
        return HTTPReply(status: http.statusCode, body: data)
    }

    /// No redirect is followed: the answer with its 3xx status is what the caller sees (and refuses).
    public func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                           newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// `application/x-www-form-urlencoded` (the token request, and a client's id and secret in HTTP Basic, RFC 6749
/// §2.3.1): every byte but the unreserved ones percent-encoded.
public enum FormEncoding {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }
}
