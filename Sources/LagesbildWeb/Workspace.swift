import Crypto
import Foundation
import Hummingbird
import LagesbildIndicators
import LagesbildIngest
import LagesbildModel
import LagesbildReport
import LagesbildStore
import Logging

/// `lagesbild serve`: the collaboration group's workspace, on the same library and database as the command line.
public struct WorkspaceConfiguration: Sendable {
    public var databasePath: String
    public var host: String
    public var port: Int
    /// Marks the session cookie Secure: for TLS at a reverse proxy in front of the server.
    public var secureCookies: Bool
    public var maxUpload: Int
    /// The program and version stated in the reports it renders.
    public var producer: String

    public init(databasePath: String, host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, maxUpload: Int = 50_000_000,
                producer: String = "lagesbild") {
        self.databasePath = databasePath
        self.producer = producer
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.maxUpload = maxUpload
    }
}

public enum Workspace {
    /// Builds the application (for `serve`, and for tests with Hummingbird's test client).
    public static func application(_ configuration: WorkspaceConfiguration, store: Store) throws -> some ApplicationProtocol {
        let router = try router(configuration, store: store)
        var logger = Logger(label: "lagesbild")
        logger.logLevel = .warning
        return Application(router: router, server: .http1(configuration: .init(additionalChannelHandlers: [ContinueHandler(limit: configuration.maxUpload)])),
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                           logger: logger)
    }

    /// Runs the server until SIGTERM or SIGINT, then lets requests in flight finish.
    public static func serve(_ configuration: WorkspaceConfiguration) async throws {
        let store = try Store.open(path: configuration.databasePath)
        let app = try application(configuration, store: store)
        FileHandle.standardError.write(Data("lagesbild serve: http://\(configuration.host):\(configuration.port)/ (databas \(configuration.databasePath))\n".utf8))
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    static func router(_ configuration: WorkspaceConfiguration, store: Store) throws -> Router<WorkspaceContext> {
        let views = try Views()
        // The measurement points are read once, at start: a changed Indicators/ folder takes effect at the next start.
        let definitions = try DefinitionLoader.resolve(explicit: nil, databasePath: store.path)
        let references = try DefinitionLoader.resolveReferences(explicit: nil, databasePath: store.path)
        let pages = Pages(configuration: configuration, store: store, views: views, sessions: SessionStore(), throttle: LoginThrottle(),
                          uploads: UploadStore(databasePath: configuration.databasePath), definitions: definitions, references: references,
                          cache: IndicatorCache())
        let router = Router(context: WorkspaceContext.self)
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorPageMiddleware(views: views))
        router.add(middleware: SessionMiddleware(store: store, sessions: pages.sessions, views: views))
        pages.register(on: router)
        return router
    }
}

/// The pages and their rules. Every handler checks the role itself (`context.require`); the session middleware has
/// already turned away requests without a login and POSTs without the session's CSRF token.
struct Pages: Sendable {
    let configuration: WorkspaceConfiguration
    let store: Store
    let views: Views
    let sessions: SessionStore
    let throttle: LoginThrottle
    let uploads: UploadStore
    let definitions: [IndicatorDefinition]
    let references: [ReferenceDefinition]
    let cache: IndicatorCache

    func register(on router: Router<WorkspaceContext>) {
        router.get("/halsa") { _, _ in try await blocking { try health() } }
        router.get("/stil.css") { _, _ in stylesheet() }
        router.get("/inloggning") { _, context in loginPage(context, message: nil) }
        router.post("/inloggning") { _, context in try await login(context) }
        router.post("/utloggning") { _, context in try await logout(context) }
        router.get("/") { request, context in try await blocking { try overview(request, context) } }
        router.get("/matpunkter") { request, context in try await blocking { try indicatorsPage(request, context) } }
        router.get("/api/matpunkter") { request, context in try await blocking { try indicatorsJSON(request, context) } }
        router.get("/rapporter") { request, context in try await blocking { try reportsPage(request, context) } }
        router.get("/rapporter/forhandsvisning") { request, context in try await blocking { try preview(request, context) } }
        router.post("/rapporter") { _, context in try await blocking { try publish(context) } }
        router.get("/rapporter/:id") { _, context in try await blocking { try publishedReport(context) } }
        router.get("/uppgifter") { _, context in try await blocking { try dataPage(context) } }
        router.post("/uppgifter/fil") { request, context in try await upload(request, context) }
        router.post("/uppgifter/spara") { _, context in try await save(context) }
        router.post("/uppgifter/avbryt") { _, context in try await cancel(context) }
        router.get("/uppgifter/formular") { request, context in try formsPage(request, context) }
        router.post("/uppgifter/signal") { _, context in try await saveForm(context, kind: .signal) }
        router.post("/uppgifter/utbildning") { _, context in try await saveForm(context, kind: .utbildning) }
        router.post("/uppgifter/signal/ta-bort") { _, context in try await deleteRow(context, kind: .signal) }
        router.post("/uppgifter/utbildning/ta-bort") { _, context in try await deleteRow(context, kind: .utbildning) }
        router.get("/importer") { _, context in try await blocking { try importsPage(context) } }
        router.post("/importer/:id/angra") { _, context in try await blocking { try undo(context) } }
        router.get("/anvandare") { _, context in try await blocking { try usersPage(context) } }
        router.post("/anvandare") { _, context in try await addUser(context) }
        router.post("/anvandare/avstang") { _, context in try await disableUser(context) }
        router.get("/logg") { _, context in try await blocking { try auditPage(context) } }
    }

    // MARK: - Health, stylesheet, login

    func health() throws -> Response {
        _ = try store.maskThreshold()
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }

    func stylesheet() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: views.stylesheet)))
    }

    struct LoginPage {
        let chrome: Chrome
        let message: String?
        let name: String
    }

    func loginPage(_ context: WorkspaceContext, message: String?, name: String = "", status: HTTPResponse.Status = .ok) -> Response {
        views.page("inloggning", LoginPage(chrome: Chrome(title: "Logga in", context: WorkspaceContext.anonymous(context), current: ""),
                                           message: message, name: name), status: status)
    }

    func login(_ context: WorkspaceContext) async throws -> Response {
        let name = context.form["anvandare"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let password = context.form["losenord"] ?? ""
        // The same words whether the account exists or not, and whether the password or the name was wrong.
        let refused = "Fel användarnamn eller lösenord, eller för många misslyckade försök; vänta en stund och försök igen."
        if await throttle.isBlocked(account: name, address: context.address) {
            try store.audit(user: name, address: context.address, action: "inloggning spärrad")
            return loginPage(context, message: refused, name: name, status: .tooManyRequests)
        }
        let user = try store.user(named: name)
        let hash = user?.passwordHash ?? Passwords.decoy
        let valid = try await blocking { Passwords.verify(password, hash: hash) }
        guard let user, valid, !user.disabled else {
            await throttle.recordFailure(account: name, address: context.address)
            try store.audit(user: name, address: context.address, action: "misslyckad inloggning")
            return loginPage(context, message: refused, name: name, status: .unauthorized)
        }
        await throttle.recordSuccess(account: name)
        // A new session (and id) at every login; an older session of this browser ends.
        if let old = context.session { await sessions.end(old.id) }
        let session = await sessions.create(userID: user.id)
        try store.audit(user: user.name, address: context.address, action: "inloggning")
        var response = Response.redirect(to: user.role == .lasare ? "/rapporter" : "/", type: .found)
        response.setCookie(sessionCookie(session.id, maxAge: Int(SessionStore.absoluteTimeout)))
        response.headers[AccessLogMiddleware.userHeader] = user.name
        return response
    }

    func logout(_ context: WorkspaceContext) async throws -> Response {
        if let session = context.session {
            await sessions.end(session.id)
            try store.audit(user: context.user?.name ?? "", address: context.address, action: "utloggning")
        }
        var response = Response.redirect(to: "/inloggning", type: .found)
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: SessionMiddleware.cookieName, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies,
               httpOnly: true, sameSite: .strict)
    }

    // MARK: - Overview and measurement points

    /// `?ar=` or the newest year with any data, else this year.
    func year(_ request: Request, version: String? = nil) throws -> Int {
        if let text = request.uri.queryParameters["ar"] {
            guard let year = Int(String(text)), Years.valid.contains(year) else { throw HTTPError(.badRequest) }
            return year
        }
        return try defaultYear(version: version)
    }

    /// The latest year with data, else the current year. Given the state of the data already read, the latest year
    /// is looked up once per state.
    func defaultYear(version: String? = nil) throws -> Int {
        if let version, let cached = cache.latestYear(version: version) { return cached }
        guard let latest = try store.latestYear(kommun: store.ownKommun) else {
            return Calendar(identifier: .gregorian).component(.year, from: Date())
        }
        if let version { cache.store(latestYear: latest, version: version) }
        return latest
    }

    /// The year's measurement points, computed once per state of the data (an import, an undo or a new masking
    /// threshold makes a new state).
    func evaluate(year: Int) throws -> IndicatorReport {
        let version = try store.dataVersion()
        if let cached = cache.report(year: year, version: version) { return cached }
        let report = try IndicatorEngine(store: store, definitions: definitions, references: references).evaluate(kommun: store.ownKommun, year: year)
        cache.store(report, year: year, version: version)
        return report
    }

    struct FigureRow {
        let id: String
        let title: String
        let value: String
        let previous: String
        let trend: String
    }

    func figureRows(_ report: IndicatorReport, summaryOnly: Bool) -> [FigureRow] {
        let results = summaryOnly ? report.indicators.filter { $0.definition.inSummary && !$0.series.isEmpty } : report.indicators
        return results.map { result in
            FigureRow(id: result.definition.id, title: result.definition.title,
                      value: FigureText.published(result.value, suppressed: result.suppressed, result.definition, threshold: report.maskThreshold),
                      previous: FigureText.published(result.previous, suppressed: result.previousSuppressed, result.definition, threshold: report.maskThreshold),
                      trend: FigureText.trend(result.trend))
        }
    }

    struct OverviewPage {
        struct Source { let name: String; let months: [Month] }
        struct Month { let label: String; let reported: Bool; let text: String }
        struct LastImport { let kind: String; let file: String; let at: String }
        let year: Int
        let kommunName: String
        let monthHeaders: [String]
        let sources: [Source]
        let hasSources: Bool
        let departments: [String]
        let hasDepartments: Bool
        let lastImports: [LastImport]
        let figures: [FigureRow]
        let hasFigures: Bool
        let baseYear: Int
        let maskText: String
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

    /// A page whose content is the same for everyone who may see it, rendered once per state of the data.
    struct SharedPage {
        let chrome: Chrome
        let content: String
    }

    func overview(_ request: Request, _ context: WorkspaceContext) throws -> Response {
        if context.user?.role == .lasare { return .redirect(to: "/rapporter", type: .found) }
        _ = try context.require(.samordnare, .rapportor)
        let version = try store.dataVersion()
        let year = try year(request, version: version)
        let content: String
        if let cached = cache.page("oversikt", year: year, version: version) {
            content = cached
        } else {
            content = try overviewContent(year: year)
            cache.store(page: content, "oversikt", year: year, version: version)
        }
        return views.page("sida", SharedPage(chrome: Chrome(title: "Översikt \(year)", context: context, current: "/"), content: content))
    }

    func overviewContent(year: Int) throws -> String {
        let status = try store.reportingStatus(kommun: store.ownKommun, year: year)
        let sources = status.signalSources.map { source in
            OverviewPage.Source(name: source.kalla.isEmpty ? "(ingen källa angiven)" : source.kalla, months: (1...12).map { month in
                let reported = source.months.contains(month) || source.months.contains(0)
                return OverviewPage.Month(label: Self.monthNames[month - 1], reported: reported, text: reported ? "rapporterat" : "saknas")
            })
        }
        let lastImports = try store.lastImports()
            .map { OverviewPage.LastImport(kind: $0.kind.rawValue, file: $0.entry.fileName, at: minute($0.entry.importedAt)) }
        let report = try evaluate(year: year)
        let figures = figureRows(report, summaryOnly: true)
        let page = OverviewPage(year: year,
                                kommunName: try store.kommunName(store.ownKommun), monthHeaders: Self.monthNames, sources: sources,
                                hasSources: !sources.isEmpty, departments: status.departments, hasDepartments: !status.departments.isEmpty,
                                lastImports: lastImports, figures: figures, hasFigures: !figures.isEmpty, baseYear: report.baseYear,
                                maskText: FigureText.masked(threshold: report.maskThreshold))
        return views.library.render(page, withTemplate: "oversikt-innehall") ?? ""
    }

    struct IndicatorsPage {
        let chrome: Chrome
        let year: Int
        let baseYear: Int
        let figures: [FigureRow]
        let maskText: String
    }

    func indicatorsPage(_ request: Request, _ context: WorkspaceContext) throws -> Response {
        _ = try context.require(.samordnare, .rapportor)
        let year = try year(request)
        let report = try evaluate(year: year)
        return views.page("matpunkter", IndicatorsPage(chrome: Chrome(title: "Mätpunkter \(year)", context: context, current: "/matpunkter"),
                                                       year: year, baseYear: report.baseYear,
                                                       figures: figureRows(report, summaryOnly: false),
                                                       maskText: FigureText.masked(threshold: report.maskThreshold)))
    }

    /// The CLI's JSON contract (`indicators --format json`).
    func indicatorsJSON(_ request: Request, _ context: WorkspaceContext) throws -> Response {
        _ = try context.require(.samordnare, .rapportor)
        let data = try evaluate(year: try year(request)).jsonData() + Data("\n".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Reports

    struct ReportsPage {
        struct Item { let id: Int64; let year: Int; let kind: String; let by: String; let at: String; let sha: String }
        let chrome: Chrome
        let reports: [Item]
        let hasReports: Bool
        let canPublish: Bool
        let year: Int
        let message: String?
    }

    func reportsPage(_ request: Request, _ context: WorkspaceContext) throws -> Response {
        let user = try context.require(.samordnare, .rapportor, .lasare)
        let items = try store.publishedReports(includeInternal: user.role == .samordnare).map { report in
            ReportsPage.Item(id: report.id, year: report.year, kind: report.internal ? "internt arbetsmaterial" : "publik",
                             by: report.publishedBy, at: minute(report.publishedAt),
                             sha: String(report.sha256.prefix(12)))
        }
        let year = (try? self.year(request)) ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        return views.page("rapporter", ReportsPage(chrome: Chrome(title: "Rapporter", context: context, current: "/rapporter"), reports: items,
                                                   hasReports: !items.isEmpty, canPublish: user.role == .samordnare, year: year,
                                                   message: nil))
    }

    func render(year: Int, internal: Bool) throws -> String {
        var options = ReportOptions(year: year, kommun: store.ownKommun)
        options.isInternal = `internal`
        options.producer = configuration.producer
        return try ReportBuilder(store: store, definitions: definitions, references: references).render(options)
    }

    func reportResponse(_ html: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: SecurityHeadersMiddleware.reportPolicy],
                 body: .init(byteBuffer: ByteBuffer(bytes: html)))
    }

    func preview(_ request: Request, _ context: WorkspaceContext) throws -> Response {
        _ = try context.require(.samordnare)
        let internalReport = request.uri.queryParameters["intern"] != nil
        do {
            return reportResponse(Data(try render(year: try year(request), internal: internalReport).utf8))
        } catch let error as ReportError {
            return views.page("fel", ErrorPage(status: 422, message: error.description, context: context), status: .unprocessableContent)
        }
    }

    func publish(_ context: WorkspaceContext) throws -> Response {
        let user = try context.require(.samordnare)
        guard let text = context.form["ar"], let year = Int(text), Years.valid.contains(year) else { throw HTTPError(.badRequest) }
        let internalReport = context.form["intern"] != nil
        let html: Data
        do {
            html = Data(try render(year: year, internal: internalReport).utf8)
        } catch let error as ReportError {
            return views.page("fel", ErrorPage(status: 422, message: error.description, context: context), status: .unprocessableContent)
        }
        let sha256 = SHA256.hash(data: html).map { String(format: "%02x", $0) }.joined()
        let id = try store.publishReport(kommun: store.ownKommun, year: year, internal: internalReport, html: html, sha256: sha256, by: user.name)
        try store.audit(user: user.name, address: context.address, action: "publicering",
                        detail: "rapport \(id), \(year)\(internalReport ? ", internt" : ""), sha256 \(sha256.prefix(12))")
        return .redirect(to: "/rapporter/\(id)", type: .found)
    }

    func publishedReport(_ context: WorkspaceContext) throws -> Response {
        let user = try context.require(.samordnare, .rapportor, .lasare)
        guard let id = context.parameters.get("id", as: Int64.self), let report = try store.publishedReportHTML(id: id) else {
            throw HTTPError(.notFound)
        }
        if report.internal && user.role != .samordnare { throw HTTPError(.forbidden) }
        return reportResponse(report.html)
    }

    // MARK: - Uploads: preview, then save

    struct DataPage {
        struct Submission { let at: String; let detail: String }
        let chrome: Chrome
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
    }

    func scope(of user: WebUser) -> ImportScope? {
        user.role == .rapportor ? ImportScope(kallor: user.kallor, forvaltningar: user.forvaltningar) : nil
    }

    func dataPage(_ context: WorkspaceContext, heading: String? = nil, lines: [String] = [], errors: [String] = [],
                  uploadID: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let user = try context.require(.samordnare, .rapportor)
        let submissions = try store.auditLog(limit: 2000).filter { $0.user == user.name && $0.action == "spara" }.prefix(20)
            .map { DataPage.Submission(at: minute($0.at), detail: $0.detail) }
        let page = DataPage(chrome: Chrome(title: "Uppgifter", context: context, current: "/uppgifter"),
                            scope: scope(of: user).map { "Ditt konto rapporterar \($0.allowedInSwedish)." },
                            maxUpload: maxUploadText, submissions: Array(submissions),
                            hasSubmissions: !submissions.isEmpty, heading: heading, lines: lines, errors: errors, hasErrors: !errors.isEmpty,
                            uploadID: uploadID)
        return views.page("uppgifter", page, status: status)
    }

    /// The upload limit as the pages state it: "50 MB", "1,5 MB", "500 kB".
    var maxUploadText: String {
        let limit = configuration.maxUpload
        if limit < 1_000_000 { return "\(SwedishFormat.decimal(Double(limit) / 1_000, decimals: limit % 1_000 == 0 ? 0 : 1, separator: " ")) kB" }
        return "\(SwedishFormat.decimal(Double(limit) / 1_000_000, decimals: limit % 1_000_000 == 0 ? 0 : 1, separator: " ")) MB"
    }

    /// Receives the files, checks them as `import --dry-run` does and shows the preview; keeps them for `Spara`.
    func upload(_ request: Request, _ context: WorkspaceContext) async throws -> Response {
        let user = try context.require(.samordnare, .rapportor)
        guard let session = context.session else { throw HTTPError(.forbidden) }
        let folder = try await uploads.newFolder()
        let received: (paths: [String], names: [String])
        do {
            received = try await UploadReceiver(csrfToken: session.csrfToken, limit: configuration.maxUpload, folder: folder).receive(request)
        } catch let failure as UploadReceiver.Failure {
            await uploads.discard(folder)
            switch failure {
            case .forbidden: throw HTTPError(.forbidden)
            case .tooLarge:
                // The upload page again, with the form, saying what the limit is.
                return try dataPage(context, heading: "Filerna togs inte emot; inget sparades", errors: ["Filen är för stor: högst \(maxUploadText) per uppladdning. Dela upp filen, eller be "
                                                      + "samordnaren höja gränsen (lagesbild serve --max-upload)."], status: .contentTooLarge)
            case .malformed: throw HTTPError(.badRequest)
            }
        }
        guard !received.paths.isEmpty else {
            await uploads.discard(folder)
            return try dataPage(context, heading: "Ingen fil togs emot", errors: ["Välj minst en fil."], status: .badRequest)
        }
        let files = received.names.joined(separator: ", ")
        do {
            let scope = scope(of: user)
            let report = try await background { try Importer(store: store).importFiles(received.paths, names: received.names, dryRun: true, scope: scope) }
            let id = Random.hex(bytes: 16)
            await uploads.keep(.init(id: id, sessionID: session.id, folder: folder, paths: received.paths, names: received.names, created: Date()))
            try store.audit(user: user.name, address: context.address, action: "förhandsgranskning", detail: files)
            return try dataPage(context, heading: "Förhandsgranskning: så här skulle filerna läsas in", lines: report.lines, uploadID: id)
        } catch let failure as ImportFailure {
            await uploads.discard(folder)
            try store.audit(user: user.name, address: context.address, action: "förhandsgranskning", detail: "\(files): \(failure.errors.count) fel")
            return try dataPage(context, heading: "Filerna kan inte läsas in; inget sparades", errors: failure.description.components(separatedBy: "\n"),
                                status: .unprocessableContent)
        }
    }

    /// Saves a previewed upload: all or nothing, with the command line's history and idempotency.
    func save(_ context: WorkspaceContext) async throws -> Response {
        let user = try context.require(.samordnare, .rapportor)
        guard let session = context.session, let id = context.form["uppladdning"],
              let upload = await uploads.take(id, sessionID: session.id) else {
            return try dataPage(context, heading: "Inget sparades", errors: ["Förhandsgranskningen finns inte längre (den sparas i en timme); ladda upp filerna igen."],
                                status: .gone)
        }
        defer { Task { await uploads.discard(upload.folder) } }
        let files = upload.names.joined(separator: ", ")
        do {
            let scope = scope(of: user)
            let report = try await background { try Importer(store: store).importFiles(upload.paths, names: upload.names, scope: scope) }
            let ids = report.files.compactMap(\.importID).map(String.init).joined(separator: ", ")
            try store.audit(user: user.name, address: context.address, action: "spara", detail: "\(files)" + (ids.isEmpty ? "" : " (import \(ids))"))
            return try dataPage(context, heading: "Sparat", lines: report.lines)
        } catch let failure as ImportFailure {
            return try dataPage(context, heading: "Filerna kan inte läsas in; inget sparades", errors: failure.description.components(separatedBy: "\n"),
                                status: .unprocessableContent)
        }
    }

    func cancel(_ context: WorkspaceContext) async throws -> Response {
        _ = try context.require(.samordnare, .rapportor)
        if let session = context.session, let id = context.form["uppladdning"], let upload = await uploads.take(id, sessionID: session.id) {
            await uploads.discard(upload.folder)
        }
        return .redirect(to: "/uppgifter", type: .found)
    }

    // MARK: - Import log and undo

    struct ImportsPage {
        struct Row {
            let id: Int64
            let at: String
            let kind: String
            let file: String
            let sha: String
            let inserted: String
            let replaced: String
            let unchanged: String
            let deleted: String
            let remark: String
            let canUndo: Bool
        }
        let chrome: Chrome
        let rows: [Row]
        let message: String?
        let isError: Bool
    }

    func importsPage(_ context: WorkspaceContext, message: String? = nil, isError: Bool = false,
                     status: HTTPResponse.Status = .ok) throws -> Response {
        _ = try context.require(.samordnare)
        let rows = try store.importLog().reversed().map { entry in
            ImportsPage.Row(id: entry.id, at: minute(entry.importedAt), kind: entry.kind.rawValue,
                            file: entry.fileName, sha: String(entry.sha256.prefix(12)), inserted: SwedishFormat.integer(entry.rowsInserted),
                            replaced: SwedishFormat.integer(entry.rowsReplaced), unchanged: SwedishFormat.integer(entry.rowsUnchanged),
                            deleted: SwedishFormat.integer(entry.rowsDeleted), remark: entry.remark,
                            canUndo: entry.action == .import && entry.undoneBy == nil)
        }
        return views.page("importer", ImportsPage(chrome: Chrome(title: "Importer", context: context, current: "/importer"), rows: rows,
                                                  message: message, isError: isError), status: status)
    }

    /// Undoes an import with the command line's rules (`lagesbild undo`).
    func undo(_ context: WorkspaceContext) throws -> Response {
        let user = try context.require(.samordnare)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HTTPError(.notFound) }
        do {
            let result = try store.undo(importID: id)
            try store.audit(user: user.name, address: context.address, action: "ångra", detail: "import \(id)")
            return try importsPage(context, message: "Ångrade import \(result.undoneImport): \(SwedishFormat.integer(result.removed)) rader borttagna, "
                                   + "\(SwedishFormat.integer(result.restored)) rader återställda till tidigare värden.")
        } catch let error as UndoError {
            return try importsPage(context, message: error.description, isError: true, status: .conflict)
        }
    }

    // MARK: - Users and audit log

    struct UsersPage {
        struct Row { let name: String; let role: String; let scope: String; let state: String; let canDisable: Bool }
        let chrome: Chrome
        let users: [Row]
        let message: String?
        let isError: Bool
    }

    func usersPage(_ context: WorkspaceContext, message: String? = nil, isError: Bool = false, status: HTTPResponse.Status = .ok) throws -> Response {
        let me = try context.require(.samordnare)
        let rows = try store.users().map { user in
            UsersPage.Row(name: user.name, role: user.role.swedishName,
                          scope: (user.kallor.map { "källa \($0)" } + user.forvaltningar.map { "förvaltning \($0)" }).joined(separator: ", "),
                          state: user.disabled ? "avstängd" : "aktiv", canDisable: !user.disabled && user.id != me.id)
        }
        return views.page("anvandare", UsersPage(chrome: Chrome(title: "Användare", context: context, current: "/anvandare"), users: rows,
                                                 message: message, isError: isError), status: status)
    }

    /// A new account from the form: the command line's rules (name, role, scope, a password of at least 12 characters).
    func addUser(_ context: WorkspaceContext) async throws -> Response {
        let me = try context.require(.samordnare)
        let form = context.form
        let name = (form["namn"] ?? "").trimmingCharacters(in: .whitespaces)
        func list(_ field: String) -> [String] {
            (form[field] ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let kallor = list("kallor"), forvaltningar = list("forvaltningar")
        let password = form["losenord"] ?? ""
        var problem: String?
        let role = WebRole(rawValue: form["roll"] ?? "")
        if role == nil { problem = "välj en roll" }
        else if !Store.isValidUserName(name) { problem = WorkspaceError.invalidUserName(name).description }
        else if role == .rapportor && kallor.isEmpty && forvaltningar.isEmpty { problem = "en rapportör behöver minst en källa eller förvaltning" }
        else if role != .rapportor && !(kallor.isEmpty && forvaltningar.isEmpty) { problem = "källor och förvaltningar gäller bara rapportörer" }
        else if password != form["upprepa"] { problem = "lösenorden är inte lika" }
        else if let refused = Passwords.problem(with: password) { problem = refused }
        if let problem { return try await blocking { try usersPage(context, message: problem, isError: true, status: .unprocessableContent) } }
        do {
            let hash = try await blocking { Passwords.hash(password) }
            let user = try store.addUser(name: name, role: role!, passwordHash: hash, kallor: kallor, forvaltningar: forvaltningar)
            try store.audit(user: me.name, address: context.address, action: "användare skapad", detail: "\(user.name), \(user.role.swedishName)")
            return try usersPage(context, message: "Skapade användaren \(user.name) (\(user.role.swedishName)).")
        } catch let error as WorkspaceError {
            return try usersPage(context, message: error.description, isError: true, status: .conflict)
        }
    }

    /// Disables an account: it cannot log in, and its sessions end at once. Nobody disables their own.
    func disableUser(_ context: WorkspaceContext) async throws -> Response {
        let me = try context.require(.samordnare)
        guard let name = context.form["namn"], let user = try store.user(named: name) else { throw HTTPError(.notFound) }
        guard user.id != me.id else {
            return try usersPage(context, message: "Du kan inte stänga av ditt eget konto.", isError: true, status: .conflict)
        }
        try store.disableUser(name)
        await sessions.endAll(userID: user.id)
        try store.audit(user: me.name, address: context.address, action: "användare avstängd", detail: name)
        return try usersPage(context, message: "Stängde av \(name); kontots inloggningar avslutades.")
    }

    struct AuditPage {
        let chrome: Chrome
        let entries: [AuditEntry]
    }

    func auditPage(_ context: WorkspaceContext) throws -> Response {
        _ = try context.require(.samordnare)
        return views.page("logg", AuditPage(chrome: Chrome(title: "Logg", context: context, current: "/logg"), entries: try store.auditLog()))
    }
}

extension WorkspaceContext {
    /// The same request seen as no one's (for the login page's chrome).
    static func anonymous(_ context: WorkspaceContext) -> WorkspaceContext {
        var copy = context
        copy.user = nil
        copy.session = nil
        return copy
    }
}

/// Runs blocking work (SQLite, an import, the indicator engine, bcrypt) on a thread of its own, so that the server's
/// few cooperative threads keep answering other requests meanwhile.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
    }
}

/// Runs a long import (an upload's preview or save) on a thread of its own at a lower scheduling priority (nice 10), so
/// that pages keep answering quickly while it runs on a small server. A thread of its own, not one of the shared pool:
/// an unprivileged process cannot raise a thread's priority back, and the pool's threads serve the pages.
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

/// Measurement points per year, for one state of the data.
final class IndicatorCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Int: (version: String, report: IndicatorReport)] = [:]
    private var pages: [String: (version: String, html: String)] = [:]
    private var latest: (version: String, year: Int)?

    func latestYear(version: String) -> Int? {
        lock.withLock { latest.flatMap { $0.version == version ? $0.year : nil } }
    }

    func store(latestYear year: Int, version: String) {
        lock.withLock { latest = (version, year) }
    }

    func page(_ name: String, year: Int, version: String) -> String? {
        lock.withLock { pages["\(name)-\(year)"].flatMap { $0.version == version ? $0.html : nil } }
    }

    func store(page html: String, _ name: String, year: Int, version: String) {
        lock.withLock { pages["\(name)-\(year)"] = (version, html) }
    }

    func report(year: Int, version: String) -> IndicatorReport? {
        lock.withLock { entries[year].flatMap { $0.version == version ? $0.report : nil } }
    }

    func store(_ report: IndicatorReport, year: Int, version: String) {
        lock.withLock { entries[year] = (version, report) }
    }
}

/// A log's ISO time to the minute, as the pages show it: "2026-11-30 10:41".
func minute(_ timestamp: String) -> String { String(timestamp.prefix(16)).replacingOccurrences(of: "T", with: " ") }
