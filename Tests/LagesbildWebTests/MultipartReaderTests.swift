import Foundation
import NIOCore
import Testing
@testable import LagesbildWeb

/// The upload's multipart reader: every part's bytes come back exactly, however the body is cut into pieces on the way,
/// even when a file contains most of the delimiter; a body that breaks the framing is refused.
@Suite struct MultipartReaderTests {
    struct Part: Equatable {
        var headers: [String: String]
        var content: [UInt8]
    }

    static func body(_ parts: [Part], boundary: String, preamble: String = "", epilogue: String = "") -> [UInt8] {
        var bytes = Array(preamble.utf8)
        for part in parts {
            bytes += Array("--\(boundary)\r\n".utf8)
            for (name, value) in part.headers.sorted(by: { $0.key < $1.key }) { bytes += Array("\(name): \(value)\r\n".utf8) }
            bytes += Array("\r\n".utf8) + part.content + Array("\r\n".utf8)
        }
        return bytes + Array("--\(boundary)--\r\n\(epilogue)".utf8)
    }

    /// Reads `body` fed in pieces of the given sizes (the last piece takes the rest).
    static func read(_ body: [UInt8], boundary: String, pieces: [Int]) throws -> [Part] {
        var reader = MultipartReader(boundary: boundary)
        var parts: [Part] = []
        var offset = 0
        var sizes = pieces.makeIterator()
        while offset < body.count {
            let size = min(max(sizes.next() ?? body.count, 1), body.count - offset)
            try reader.feed(ByteBuffer(bytes: body[offset..<offset + size])) { event in
                switch event {
                case .headers(let headers): parts.append(Part(headers: headers, content: []))
                case .body(let bytes): parts[parts.count - 1].content += Array(bytes)
                case .partEnd: break
                }
            }
            offset += size
        }
        try reader.finish()
        return parts
    }

    @Test func partsComeBackExactlyHoweverTheBodyIsCut() throws {
        var generator = SystemRandomNumberGenerator()
        let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
        // Contents full of the delimiter's beginnings: CR, CRLF, CRLF--, CRLF-- and most of the boundary, at the ends too.
        let near = ["\r", "\r\n", "\r\n-", "\r\n--", "\r\n--" + boundary.dropLast(), "--" + boundary.dropLast(2), "år;antal\r\n2025;3\r\n", "\n", "-"]
        for round in 0..<300 {
            let parts = (0..<Int.random(in: 1...4, using: &generator)).map { index -> Part in
                var content: [UInt8] = []
                for _ in 0..<Int.random(in: 0...12, using: &generator) {
                    content += Bool.random(using: &generator) ? Array(near.randomElement(using: &generator)!.utf8)
                        : (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                            // Any byte but the boundary's last, so that the content never holds the whole delimiter.
                            let byte = UInt8.random(in: 0...254, using: &generator)
                            return byte == UInt8(ascii: "W") ? 255 : byte
                        }
                }
                let disposition = index == 0 ? "form-data; name=\"csrf\"" : "form-data; name=\"fil\"; filename=\"fil \(index).csv\""
                return Part(headers: ["content-disposition": disposition, "content-type": "text/csv"], content: content)
            }
            let body = Self.body(parts, boundary: boundary, preamble: round % 7 == 0 ? "ignoreras\r\n" : "", epilogue: round % 5 == 0 ? "också" : "")
            let pieces = (0..<50).map { _ in Int.random(in: 1...(round % 3 == 0 ? 3 : 200), using: &generator) }
            #expect(try Self.read(body, boundary: boundary, pieces: pieces) == parts, "omgång \(round)")
        }
    }

    @Test func aLargeFileWithWindowsLineEndsIsHandedOverInLargePieces() throws {
        let boundary = "xyz"
        let content = Array(String(repeating: "2313;2025;1;klotter;Centrum;Skola;3\r\n", count: 20_000).utf8)
        var body = Array("--xyz\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"a.csv\"\r\n\r\n".utf8)
        body += content + Array("\r\n--xyz--\r\n".utf8)
        var reader = MultipartReader(boundary: boundary)
        var received: [UInt8] = []
        var pieces = 0
        for start in stride(from: 0, to: body.count, by: 65_536) {
            try reader.feed(ByteBuffer(bytes: body[start..<min(start + 65_536, body.count)])) { event in
                if case .body(let bytes) = event { received += Array(bytes); pieces += 1 }
            }
        }
        try reader.finish()
        #expect(received == content)
        // One piece per chunk read from the network (about 12 here), not one per line (20 000).
        #expect(pieces <= body.count / 65_536 + 2)
    }

    @Test func headerNamesAreCaseInsensitiveAndAPartMayHaveNone() throws {
        let body = Array("--b\r\nCONTENT-DISPOSITION: form-data; name=\"a\"\r\n\r\nett\r\n--b\r\n\r\ntvå\r\n--b--".utf8)
        let parts = try Self.read(body, boundary: "b", pieces: [1, 2, 3, 5, 8])
        #expect(parts == [Part(headers: ["content-disposition": "form-data; name=\"a\""], content: Array("ett".utf8)),
                          Part(headers: [:], content: Array("två".utf8))])
    }

    @Test(arguments: [
        ("no delimiter at all", "bara text"),
        ("cut off inside a file", "--b\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"a.csv\"\r\n\r\når;antal\r\n2025"),
        ("cut off before the closing dashes", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nett\r\n--b"),
        ("something else after a delimiter", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nett\r\n--bXY\r\n--b--"),
        ("a header line without a colon", "--b\r\nContent-Disposition form-data\r\n\r\nett\r\n--b--"),
        ("a folded header line", "--b\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nett\r\n--b--"),
    ])
    func aBodyThatBreaksTheFramingIsRefused(_ case: (String, String)) {
        #expect(throws: MultipartReader.Failure.malformed, "\(`case`.0)") {
            _ = try Self.read(Array(`case`.1.utf8), boundary: "b", pieces: [7])
        }
    }

    @Test func theBoundaryIsOneToSeventyCharacters() {
        #expect(UploadReceiver.boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW") == "----WebKitFormBoundary7MA4YWxkTrZu0gW")
        #expect(UploadReceiver.boundary("Multipart/Form-Data; boundary=\"abc\"") == "abc")
        #expect(UploadReceiver.boundary("multipart/form-data; boundary=") == nil)
        #expect(UploadReceiver.boundary("multipart/form-data; boundary=\"\"") == nil)
        #expect(UploadReceiver.boundary("multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
        #expect(UploadReceiver.boundary("application/x-www-form-urlencoded") == nil)
    }

    @Test func headersWithoutEndAreRefusedBeforeTheyGrowLarge() {
        let body = Array(("--b\r\nX-Fyllnad: " + String(repeating: "a", count: 40_000)).utf8)
        #expect(throws: MultipartReader.Failure.headersTooLong) {
            var reader = MultipartReader(boundary: "b")
            for start in stride(from: 0, to: body.count, by: 1_000) {
                try reader.feed(ByteBuffer(bytes: body[start..<min(start + 1_000, body.count)])) { _ in }
            }
        }
    }
}

/// curl, PowerShell and .NET ask `Expect: 100-continue` before a large upload; the server answers at once, so they do
/// not wait a second before sending the file (and the request is still checked: without a login it is turned away).
/// An upload declared larger than the limit is not asked for: 413 comes first, and nothing is read.
/// A time limit as well: a live server that never starts must fail the run, not hold it.
@Suite(.timeLimit(.minutes(2))) struct ContinueTests {
    /// Whether "localhost" resolves here. Hummingbird's live test server binds to that name; where it resolves to no
    /// address (a bare root without /etc/hosts) the server never starts and the test would wait for it for ever.
    static func requireLocalhost() throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        defer { if let addresses { freeaddrinfo(addresses) } }
        let resolves = getaddrinfo("localhost", nil, &hints, &addresses) == 0 && addresses != nil
        try #require(resolves, "\"localhost\" resolves to no address here (is /etc/hosts missing?): the live test server listens on that name")
    }

    @Test func aClientAskingToContinueIsToldToAtOnce() async throws {
        try Self.requireLocalhost()
        let fixture = try WorkspaceFixture()
        let app = try Workspace.application(WorkspaceConfiguration(databasePath: fixture.store.path, port: 0), store: fixture.store)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let head = "POST /uppgifter/fil HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 3\r\nExpect: 100-continue\r\n\r\n"
            // curl waits a second for the interim answer: it must come well before.
            let answer = try await Task.detached { try Self.exchange(port: port, head: head, body: "x=1", firstWait: 0.8) }.value
            #expect(answer.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
            #expect(answer.contains("HTTP/1.1 302 Found"))
            #expect(answer.lowercased().contains("location: /inloggning"))
        }
    }

    @Test func anUploadDeclaredTooLargeIsRefusedBeforeItIsSent() async throws {
        try Self.requireLocalhost()
        let fixture = try WorkspaceFixture()
        let app = try Workspace.application(WorkspaceConfiguration(databasePath: fixture.store.path, port: 0, maxUpload: 2_000), store: fixture.store)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let browser = try await Browser.login(client, as: "samordnare")
            let head = "POST /uppgifter/fil HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: lagesbild_sid=\(browser.cookie ?? "")\r\n"
                + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"
            // No body is sent: the answer must come without it.
            let answer = try await Task.detached { try Self.exchange(port: port, head: head, body: nil, firstWait: 10) }.value
            #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer.prefix(80))")
            #expect(!answer.contains("100 Continue"))
            #expect(answer.contains("Filen är för stor: högst 2 kB per uppladdning."))
        }
    }

    /// A TCP socket connected to the server (the caller closes it). The live test server listens on "localhost", which
    /// is ::1 where /etc/hosts names it for IPv6 too (as Debian's installer writes it) and 127.0.0.1 elsewhere: as a
    /// browser does, each address "localhost" resolves to is tried in turn.
    static func connected(port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &addresses) == 0, let first = addresses else {
            throw POSIXError(.EADDRNOTAVAIL)
        }
        defer { freeaddrinfo(first) }
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next {
            let socket = Foundation.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if socket >= 0 {
                if connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return socket }
                close(socket)
            }
            next = address.pointee.ai_next
        }
        throw POSIXError(.ECONNREFUSED)
    }

    /// Sends a request's head, reads what comes within `firstWait` seconds, then sends the body (if any) and reads until
    /// the final answer has come (at most 10 s more).
    static func exchange(port: Int, head: String, body: String?, firstWait: Double) throws -> String {
        let socket = try connected(port: port)
        defer { close(socket) }
        func wait(_ seconds: Double) {
            var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        func send(_ text: String) { _ = text.withCString { Foundation.send(socket, $0, strlen($0), 0) } }
        func receive() -> String {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = recv(socket, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : ""
        }
        send(head)
        wait(firstWait)
        var answer = receive()
        if let body { send(body) }
        wait(10)
        // Until the final answer: a redirect, or a page to its end.
        while !(answer.contains("302 Found") || answer.contains("</html>")) {
            let more = receive()
            if more.isEmpty { break }
            answer += more
        }
        return answer
    }
}
