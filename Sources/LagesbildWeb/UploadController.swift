import Foundation
import Hummingbird
import LagesbildIngest
import LagesbildModel
import LagesbildService
import LagesbildStore
import NIOPosix

/// Uploads: the page, the preview (as `import --dry-run`) and saving it. The upload is the one route that takes
/// `multipart/form-data`; it checks the session's token as the body's first field, before any file is written.
struct UploadController {
    let shared: Shared

    func addRoutes(upload uploadGroup: RouterGroup<WorkspaceContext>, forms: RouterGroup<WorkspaceContext>,
                   samordnare: RouterGroup<WorkspaceContext>) {
        // Adding names to the registers is the samordnare's alone.
        samordnare.post("/uppgifter/nya-namn", use: addNames)
        uploadGroup.post("/uppgifter/fil", use: upload)
        forms.get("/uppgifter", use: dataPage)
        forms.get("/uppgifter/mall", use: template)
        forms.post("/uppgifter/spara", use: save)
        forms.post("/uppgifter/avbryt", use: cancel)
    }

    struct DataPage {
        struct Submission { let at: String; let detail: String }
        /// A kind the user may upload and its columns, the required ones marked.
        struct KindColumns { let kind: String; let columns: String }
        let chrome: Chrome
        let kinds: [KindColumns]
        let year: Int
        let scope: String?
        let maxUpload: String
        let submissions: [Submission]
        let hasSubmissions: Bool
        /// After an upload or a save: what the import did, or every error.
        let heading: String?
        let lines: [String]
        let errors: [String]
        let hasErrors: Bool
        let uploadID: String?
        /// A samordnare's upload refused only for names not in the registers: it is kept, to be previewed again with
        /// the names added.
        let unknownNamesUploadID: String?
    }

    func dataPage(_ context: WorkspaceContext, heading: String? = nil, lines: [String] = [], errors: [String] = [],
                  uploadID: String? = nil, unknownNamesUploadID: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let user = try context.requireUser()
        let submissions = try await shared.service.submissions(of: user.name).map { DataPage.Submission(at: minute($0.at), detail: $0.detail) }
        let scope = shared.service.scope(of: user)
        let kinds = DataKind.allCases.filter { $0 != .omraden && (scope == nil || scope!.allows($0)) }.map { kind in
            DataPage.KindColumns(kind: kind.rawValue, columns: kind.columns.filter { $0.db != .kommun || scope == nil }
                .map { $0.required ? "\($0.name) (obligatorisk)" : $0.name }.joined(separator: ", "))
        }
        let year = try await shared.figures.defaultYear(version: try await shared.figures.version())
        let page = DataPage(chrome: Chrome(title: "Uppgifter", context: context, current: "/uppgifter"), kinds: kinds, year: year,
                            scope: shared.service.scope(of: user).map { "Ditt konto rapporterar \($0.allowedInSwedish)." },
                            maxUpload: maxUploadText, submissions: submissions, hasSubmissions: !submissions.isEmpty, heading: heading, lines: lines,
                            errors: errors, hasErrors: !errors.isEmpty, uploadID: uploadID, unknownNamesUploadID: unknownNamesUploadID)
        return shared.views.page(.uppgifter, page, status: status)
    }

    /// The page; with `?granska=ID` a preview's result (post-redirect-get after the upload), which Back and Reload
    /// show again as long as the preview is kept, and after it was saved say so.
    @Sendable func dataPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        guard let sent = request.query("granska"), let session = context.session else { return try await dataPage(context) }
        let id = String(sent.prefix(64))
        if let upload = await shared.uploads.peek(id, sessionID: session.id) {
            return try await dataPage(context, heading: "Förhandsgranskning: så här skulle filerna läsas in", lines: upload.lines, uploadID: id)
        }
        if await shared.uploads.wasSaved(id, sessionID: session.id) {
            return try await dataPage(context, heading: "Förhandsgranskningen är redan sparad", lines: ["Se Dina inlämningar nedan."])
        }
        return try await dataPage(context, heading: "Förhandsgranskningen finns inte längre",
                                  errors: ["Den sparas i en timme och tas bort när den sparas eller avbryts; ladda upp filerna igen."], status: .gone)
    }

    /// The Excel template for a year (`lagesbild mall`), for this user: a rapportör's sheets only, with their own källor
    /// and förvaltningar as the only choices, and the registers' names as lists.
    @Sendable func template(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        let year = try await LagesbildWeb.year(request, fallback: try await shared.figures.defaultYear(version: try await shared.figures.version()))
        let store = shared.store, scope = shared.service.scope(of: user)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-mall-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        let data = try await NIOThreadPool.singleton.runIfActive {
            try LagesbildIngest.Template.write(to: url, year: year, store: store, audience: .workspace(scope: scope))
            return try Data(contentsOf: url)
        }
        return Response(status: .ok, headers: [
            .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            .contentDisposition: "attachment; filename=\"lagesbild-mall-\(year).xlsx\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The upload limit as the pages state it: "50 MB", "1,5 MB", "500 kB".
    var maxUploadText: String {
        let limit = shared.configuration.maxUpload
        if limit < 1_000_000 { return "\(SwedishFormat.decimal(Double(limit) / 1_000, decimals: limit % 1_000 == 0 ? 0 : 1, separator: " ")) kB" }
        return "\(SwedishFormat.decimal(Double(limit) / 1_000_000, decimals: limit % 1_000_000 == 0 ? 0 : 1, separator: " ")) MB"
    }

    /// Receives the files, checks them as `import --dry-run` does and shows the preview; keeps them for `Spara`.
    @Sendable func upload(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        guard let session = context.session else { throw HTTPError(.forbidden) }
        let uploads = shared.uploads
        let folder = try await uploads.newFolder()
        let received: (paths: [String], names: [String])
        do {
            received = try await UploadReceiver(csrfToken: session.csrfToken, limit: shared.configuration.maxUpload, folder: folder).receive(request)
        } catch let failure as UploadReceiver.Failure {
            await uploads.discard(folder)
            let refused = "Filerna togs inte emot; inget sparades"
            switch failure {
            case .forbidden: throw HTTPError(.forbidden)
            case .tooLarge:
                // The upload page again, with the form, saying what the limit is.
                return try await dataPage(context, heading: refused, errors: ["Filen är för stor: högst \(maxUploadText) per uppladdning. Dela upp filen, "
                                                                                + "eller be den som sköter servern att höja gränsen."],
                                          status: .contentTooLarge)
            case .tooManyFiles:
                return try await dataPage(context, heading: refused, errors: ["Högst \(UploadReceiver.fileLimit) filer per uppladdning; "
                                                                                + "ladda upp resten i en uppladdning till."], status: .contentTooLarge)
            case .malformed: throw HTTPError(.badRequest)
            }
        }
        guard !received.paths.isEmpty else {
            await uploads.discard(folder)
            return try await dataPage(context, heading: "Ingen fil togs emot", errors: ["Välj minst en fil."], status: .badRequest)
        }
        let files = received.names.joined(separator: ", ")
        do {
            let scope = shared.service.scope(of: user)
            let store = shared.store
            let report = try await background { try Importer(store: store).importFiles(received.paths, names: received.names, dryRun: true, scope: scope) }
            let id = Random.hex(bytes: 16)
            await uploads.keep(.init(id: id, sessionID: session.id, folder: folder, paths: received.paths, names: received.names, created: Date(),
                                     lines: WebWords.lines(report)))
            try await shared.service.audit(.preview, by: context.actor, detail: files)
            return await shared.seeOther("/uppgifter?granska=\(id)", context: context)
        } catch let failure as ImportFailure {
            try await shared.service.audit(.preview, by: context.actor, detail: "\(files): \(failure.errors.count) fel")
            var kept: String?
            if user.role == .samordnare, !failure.truncated, failure.errors.allSatisfy(\.isUnknownName) {
                let id = Random.hex(bytes: 16)
                await uploads.keep(.init(id: id, sessionID: session.id, folder: folder, paths: received.paths, names: received.names, created: Date()))
                kept = id
            } else {
                await uploads.discard(folder)
            }
            return try await dataPage(context, heading: "Filerna kan inte läsas in; inget sparades", errors: WebWords.errors(failure),
                                      unknownNamesUploadID: kept, status: .unprocessableContent)
        }
    }

    /// The samordnare's choice after a preview refused only for unknown names: the same files previewed again with the
    /// names added to the registers (the preview lists them), kept for Spara with that choice.
    @Sendable func addNames(_ request: Request, context: WorkspaceContext) async throws -> Response {
        guard let session = context.session, let id = try context.form(UploadForm.self).uppladdning,
              let upload = await shared.uploads.take(id, sessionID: session.id) else {
            return try await dataPage(context, heading: "Inget sparades", errors: ["Förhandsgranskningen finns inte längre (den sparas i en timme); ladda upp filerna igen."],
                                      status: .gone)
        }
        let store = shared.store
        let paths = upload.paths, names = upload.names
        do {
            let report = try await background { try Importer(store: store).importFiles(paths, names: names, dryRun: true, addingNames: true) }
            let newID = Random.hex(bytes: 16)
            await shared.uploads.keep(.init(id: newID, sessionID: session.id, folder: upload.folder, paths: paths, names: names, created: Date(),
                                            addingNames: true, lines: WebWords.lines(report)))
            return await shared.seeOther("/uppgifter?granska=\(newID)", context: context)
        } catch let failure as ImportFailure {
            await shared.uploads.discard(upload.folder)
            return try await dataPage(context, heading: "Filerna kan inte läsas in; inget sparades", errors: WebWords.errors(failure),
                                      status: .unprocessableContent)
        }
    }

    struct UploadForm: Decodable { let uppladdning: String? }

    /// Saves a previewed upload: all or nothing, with the command line's history and idempotency; then sends the
    /// browser to the page (303) with what was saved, or that nothing changed.
    @Sendable func save(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        guard let session = context.session else { throw HTTPError(.forbidden) }
        let id = String((try context.form(UploadForm.self).uppladdning ?? "").prefix(64))
        guard let upload = await shared.uploads.take(id, sessionID: session.id) else {
            if await shared.uploads.wasSaved(id, sessionID: session.id) {
                return await shared.seeOther("/uppgifter", Flash(text: "Uppladdningen är redan sparad; den sparades inte en gång till."), context: context)
            }
            return try await dataPage(context, heading: "Inget sparades",
                                      errors: ["Förhandsgranskningen finns inte längre (den sparas i en timme); ladda upp filerna igen."], status: .gone)
        }
        defer { Task { [uploads = shared.uploads] in await uploads.discard(upload.folder) } }
        let files = upload.names.joined(separator: ", ")
        do {
            let scope = shared.service.scope(of: user)
            let store = shared.store
            // Names are added only on the samordnare's explicit choice in the preview; a rapportör never adds any.
            let adding = upload.addingNames && user.role == .samordnare
            let report = try await background {
                try Importer(store: store).importFiles(upload.paths, names: upload.names, scope: scope, addingNames: adding)
            }
            let ids = report.files.compactMap(\.importID).map(String.init).joined(separator: ", ")
            try await shared.service.audit(.save, by: context.actor, detail: "\(files)" + (ids.isEmpty ? "" : " (import \(ids))"))
            await shared.uploads.markSaved(id, sessionID: session.id)
            return await shared.seeOther("/uppgifter", Flash(text: WebWords.savedHeading(report), lines: WebWords.lines(report)), context: context)
        } catch let failure as ImportFailure {
            return try await dataPage(context, heading: "Filerna kan inte läsas in; inget sparades", errors: WebWords.errors(failure),
                                      status: .unprocessableContent)
        }
    }

    @Sendable func cancel(_ request: Request, context: WorkspaceContext) async throws -> Response {
        if let session = context.session, let id = try context.form(UploadForm.self).uppladdning,
           let upload = await shared.uploads.take(id, sessionID: session.id) {
            await shared.uploads.discard(upload.folder)
        }
        return await shared.seeOther("/uppgifter", context: context)
    }
}

/// Runs a long import (an upload's preview or save) on a thread of its own at a lower scheduling priority (nice 10), so
/// that pages keep answering quickly while it runs on a small server. A thread of its own, not one of NIO's pool or
/// Swift's: an unprivileged process cannot raise a thread's priority back, and those threads serve the pages. (Neither
/// Foundation nor NIO offers a thread at a lower priority, hence this small helper.)
func background<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            #if os(Linux)
            // On Linux the nice value belongs to the thread: `who` 0 is the calling thread only (setpriority(2), BUGS).
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            #endif
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
