import HTTPTypes
import NIOCore
import NIOHTTPTypes

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
