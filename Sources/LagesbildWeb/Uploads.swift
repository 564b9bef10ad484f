import Foundation
import Hummingbird
import LagesbildModel
import LagesbildIngest
import LagesbildStore
import NIOCore

/// Uploads between their preview and their saving: files in a folder beside the database (the folder 0700, each file
/// 0600, named by number: an uploaded name is never a path), bound to the session that sent them, removed after
/// saving, cancelling, logging out or an hour. A session keeps at most ``perSession`` previews: a new one pushes out its
/// oldest.
actor UploadStore {
    struct Upload: Sendable {
        let id: String
        let sessionID: String
        let folder: URL
        let paths: [String]
        let names: [String]
        let created: Date
        /// The samordnare chose to add the files' unknown names to the registers (the preview said which).
        var addingNames = false
        /// What the preview said would be read (shown again at every GET of the preview's page).
        var lines: [String] = []
    }

    static let lifetime: TimeInterval = 60 * 60
    static let perSession = 5
    let root: URL
    private var uploads: [String: Upload] = [:]
    /// Previews saved within the hour, by id, with their session: Back to a saved preview, or its Spara sent again,
    /// says that it was saved instead of asking for the files again.
    private var saved: [String: (sessionID: String, at: Date)] = [:]

    init(databasePath: String) {
        root = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent(".lagesbild-uppladdningar")
    }

    /// A new, empty folder for one upload.
    func newFolder() throws -> URL {
        sweep()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let folder = root.appendingPathComponent(Random.hex(bytes: 16))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return folder
    }

    func keep(_ upload: Upload) {
        let own = uploads.values.filter { $0.sessionID == upload.sessionID }.sorted { $0.created < $1.created }
        for old in own.prefix(max(own.count - Self.perSession + 1, 0)) {
            try? FileManager.default.removeItem(at: old.folder)
            uploads[old.id] = nil
        }
        uploads[upload.id] = upload
    }

    /// Removes every preview of a session (at logout).
    func discardAll(sessionID: String) {
        for (id, upload) in uploads where upload.sessionID == sessionID {
            try? FileManager.default.removeItem(at: upload.folder)
            uploads[id] = nil
        }
    }

    /// The upload, if it belongs to this session and has not expired; it is no longer kept.
    func take(_ id: String, sessionID: String) -> Upload? {
        sweep()
        guard let upload = uploads[id], upload.sessionID == sessionID else { return nil }
        uploads[id] = nil
        return upload
    }

    /// The upload, if it belongs to this session and has not expired; it stays kept.
    func peek(_ id: String, sessionID: String) -> Upload? {
        sweep()
        guard let upload = uploads[id], upload.sessionID == sessionID else { return nil }
        return upload
    }

    func markSaved(_ id: String, sessionID: String, now: Date = Date()) { saved[id] = (sessionID, now) }

    /// Whether this session saved this preview within the hour.
    func wasSaved(_ id: String, sessionID: String) -> Bool { saved[id]?.sessionID == sessionID }

    func discard(_ folder: URL) { try? FileManager.default.removeItem(at: folder) }

    /// Removes expired uploads, and folders no upload refers to (left by a restart).
    func sweep(now: Date = Date()) {
        saved = saved.filter { now.timeIntervalSince($0.value.at) <= Self.lifetime }
        for (id, upload) in uploads where now.timeIntervalSince(upload.created) > Self.lifetime {
            try? FileManager.default.removeItem(at: upload.folder)
            uploads[id] = nil
        }
        let kept = Set(uploads.values.map { $0.folder.lastPathComponent })
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] where !kept.contains(name) {
            let folder = root.appendingPathComponent(name)
            let attributes = (try? FileManager.default.attributesOfItem(atPath: folder.path)) ?? [:]
            let created = (attributes[.creationDate] ?? attributes[.modificationDate]) as? Date ?? .distantPast
            if now.timeIntervalSince(created) > Self.lifetime { try? FileManager.default.removeItem(at: folder) }
        }
    }
}

/// Reads a `multipart/form-data` body as it streams in: the first field must be the session's CSRF token (checked
/// before any file byte is written), then one or more `fil` fields, each written to its own file. The whole body may
/// not exceed `limit` bytes, nor hold more than ``fileLimit`` files.
struct UploadReceiver {
    enum Failure: Error { case forbidden, tooLarge, tooManyFiles, malformed }
    static let fileLimit = 20

    let csrfToken: String
    let limit: Int
    let folder: URL

    /// The files written, with the names the browser gave them (directories stripped, control characters removed).
    func receive(_ request: Request) async throws -> (paths: [String], names: [String]) {
        guard let contentType = request.headers[.contentType], let boundary = Self.boundary(contentType) else { throw Failure.malformed }
        // A body declared too large is refused before a byte of it is read.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw Failure.tooLarge }
        var reader = MultipartReader(boundary: boundary)
        var field = ""
        var csrf = ""
        var checked = false
        var file: FileHandle?
        var paths: [String] = []
        var names: [String] = []
        defer { try? file?.close() }
        /// A part's headers: which field it is, and for a file, the file it is written to. A file field without a
        /// name is an empty file input.
        func begin(_ headers: [String: String]) throws {
            let disposition = headers["content-disposition"] ?? ""
            field = Self.parameter("name", in: disposition) ?? "?"
            let fileName = Self.parameter("filename", in: disposition) ?? ""
            guard field == "fil", !fileName.isEmpty else { return }
            guard checked else { throw Failure.forbidden }
            guard paths.count < Self.fileLimit else { throw Failure.tooManyFiles }
            let path = folder.appendingPathComponent("\(paths.count + 1).upload").path
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = FileHandle(forWritingAtPath: path) else { throw Failure.malformed }
            file = handle
            paths.append(path)
            names.append(Self.displayName(fileName, number: paths.count))
        }
        func handle(_ event: MultipartReader.Event) throws {
            switch event {
            case .headers(let headers):
                try begin(headers)
            case .body(let bytes):
                if field == "csrf" {
                    if csrf.utf8.count < 200 { csrf += String(decoding: bytes, as: UTF8.self) }
                } else if let file {
                    try file.write(contentsOf: bytes)
                }
            case .partEnd:
                if field == "csrf" {
                    checked = constantTimeEqual(csrf, csrfToken)
                    if !checked { throw Failure.forbidden }
                }
                try file?.close()
                file = nil
                field = ""
            }
        }
        var total = 0
        do {
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total > limit { throw Failure.tooLarge }
                try reader.feed(buffer, handle)
            }
            try reader.finish()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.malformed
        }
        guard checked else { throw Failure.forbidden }
        return (paths, names)
    }

    /// The boundary of a `multipart/form-data` body: 1–70 characters (RFC 2046 § 5.1.1). An empty one would make every
    /// line starting with `--` a delimiter.
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = parameter("boundary", in: contentType),
              (1...70).contains(boundary.utf8.count) else { return nil }
        return boundary
    }

    /// A parameter of a header value: `name="value"` or `name=value`.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = String(pair[1])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// The name shown in messages: the last component of what the browser sent, printable characters only.
    static func displayName(_ sent: String, number: Int) -> String {
        let last = sent.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(200).map(Character.init))
        return clean.isEmpty ? "fil \(number)" : clean
    }
}
