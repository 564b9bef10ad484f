import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

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
/// The server's is ``HTTPClientTransport``; tests of the refusals give one that answers from memory.
public protocol OIDCTransport: Sendable {
    func get(_ url: URL) async throws -> HTTPReply
    func postForm(_ url: URL, fields: [(String, String)], headers: [(String, String)]) async throws -> HTTPReply
}

/// AsyncHTTPClient, with the limits a sign-in needs: 5 s to connect, 10 s for the whole exchange, at most 1 MiB of
/// body, and no redirects followed (the endpoints are the discovery document's own; a redirect is refused).
public struct HTTPClientTransport: OIDCTransport {
    /// One client for the process (it lives as long as the server; AsyncHTTPClient asks for a shutdown only of
    /// clients that go away).
    static let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                   configuration: HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                                           timeout: .init(connect: .seconds(5), read: .seconds(10))))
    static let bodyLimit = 1 << 20

    public init() {}

    public func get(_ url: URL) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        return try await execute(request)
    }

    public func postForm(_ url: URL, fields: [(String, String)], headers: [(String, String)]) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        return try await execute(request)
    }

    private func execute(_ request: HTTPClientRequest) async throws -> HTTPReply {
        let response = try await Self.client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: Self.bodyLimit)
        return HTTPReply(status: Int(response.status.code), body: Data(buffer: body))
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
