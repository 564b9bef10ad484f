import Foundation
import Hummingbird
import HummingbirdCore
import LagesbildIndicators
import LagesbildModel
import LagesbildOIDC
import LagesbildService
import LagesbildStore
import Logging
import NIOCore

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
    /// How each publication's PDF is printed (Chromium on PATH unless `serve --chromium` names one).
    public var pdf = PDFSettings()
    /// A connection that sends nothing for this long (between requests, or in the middle of one) is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// Sign-in with the municipality's identity provider (`serve --oidc FIL`), or nil for local accounts only.
    public var identityProvider: IdentityProvider?

    public init(databasePath: String, host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, maxUpload: Int = 50_000_000,
                producer: String = "lagesbild", pdf: PDFSettings = PDFSettings()) {
        self.databasePath = databasePath
        self.pdf = pdf
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
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [ContinueHandler(limit: configuration.maxUpload)],
                                              idleTimeout: TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000
                                                  + configuration.idleTimeout.components.attoseconds / 1_000_000_000))
        return Application(router: router, server: .http1(configuration: http),
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

    /// The route table. Each controller registers its routes on a group whose middleware names the roles it admits;
    /// the README's architecture section lists them.
    static func router(_ configuration: WorkspaceConfiguration, store: Store) throws -> Router<WorkspaceContext> {
        let views = try Views()
        // The measurement points are read once, at start: a changed Indicators/ folder takes effect at the next start.
        let sources = ReportSources(definitions: try DefinitionLoader.resolve(explicit: nil, databasePath: store.path),
                                    references: try DefinitionLoader.resolveReferences(explicit: nil, databasePath: store.path),
                                    producer: configuration.producer)
        let service = WorkspaceService(store: store)
        let shared = Shared(configuration: configuration, service: service, views: views, sessions: SessionStore(),
                            uploads: UploadStore(databasePath: configuration.databasePath), figures: Figures(store: store, sources: sources))

        // HEAD answers on every GET route, with the GET's status and headers and no body.
        let router = Router(context: WorkspaceContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware(views: views))
        router.add(middleware: SessionMiddleware(service: service, sessions: shared.sessions,
                                                 cookieName: SessionMiddleware.cookieName(secure: configuration.secureCookies)))
        router.add(middleware: ErrorMiddleware(views: views))

        // Anyone: health, stylesheet, the login form (its POST checks the login page's token). The throttle also
        // counts wrong current passwords when a password is changed.
        let throttle = LoginThrottle()
        let signIn = SignInController(shared: shared, throttle: throttle)
        signIn.addRoutes(to: router)
        // Anyone, with an identity provider configured: the sign-in through it and its way back.
        if let provider = configuration.identityProvider {
            ProviderSignInController(shared: shared, provider: provider, pending: PendingSignIns(), signIn: signIn).addRoutes(to: router)
        }
        // Every role (``RequireRole/signedIn``): the reports, logging out; the overview sends a läsare to the reports.
        // The preview, internal or public, for who reads internal material (samordnare, medlem); publishing for the
        // samordnare.
        ReportsController(shared: shared).addRoutes(
            readers: router.group().add(middleware: RequireRole.signedIn).add(middleware: FormMiddleware(token: .session)),
            internalReaders: router.group().add(middleware: RequireRole.internalMaterial),
            samordnare: router.group().add(middleware: RequireRole.samordnare).add(middleware: FormMiddleware(token: .session)))
        // The figures, read-only (``RequireRole/figures``: samordnare, rapportörer, medlemmar): the overview and the
        // measurement points.
        OverviewController(shared: shared).addRoutes(overview: router.group().add(middleware: RequireRole.overview),
                                                     figures: router.group().add(middleware: RequireRole.figures))
        // Samordnare and rapportörer (``RequireRole/reporting``): uploads and forms (a rapportör's own källor and
        // förvaltningar only).
        let reporting = router.group().add(middleware: RequireRole.reporting)
        // The samordnare alone: the import log and undo, accounts, registers, the audit log, names added in an upload.
        let samordnare = router.group().add(middleware: RequireRole.samordnare).add(middleware: FormMiddleware(token: .session))
        UploadController(shared: shared).addRoutes(upload: reporting, forms: reporting.group().add(middleware: FormMiddleware(token: .session)),
                                                   samordnare: samordnare)
        FormsController(shared: shared).addRoutes(to: reporting.group().add(middleware: FormMiddleware(token: .session)))
        MonthController(shared: shared).addRoutes(to: reporting.group().add(middleware: FormMiddleware(token: .session)))
        // Who follows up the year's plan (``RequireRole/planning``: samordnare, medlemmar): the activity plan and samverkan.
        let planning = router.group().add(middleware: RequireRole.planning).add(middleware: FormMiddleware(token: .session))
        ActivityPlanController(shared: shared).addRoutes(to: planning)
        CollaborationController(shared: shared).addRoutes(to: planning)
        // Who writes the group's texts (``RequireRole/groupTexts``): the year's lägesbild, its texts and their versions.
        GroupTextController(shared: shared).addRoutes(to: router.group().add(middleware: RequireRole.groupTexts).add(middleware: FormMiddleware(token: .session)))
        ImportsController(shared: shared).addRoutes(to: samordnare)
        UsersController(shared: shared).addRoutes(to: samordnare)
        RegisterController(shared: shared).addRoutes(to: samordnare)
        AuditController(shared: shared).addRoutes(to: samordnare)
        // Every role: the own account and the help; the samordnare also sets another account's password.
        let everyone = router.group().add(middleware: RequireRole.signedIn).add(middleware: FormMiddleware(token: .session))
        AccountController(shared: shared, throttle: throttle).addRoutes(everyone: everyone, samordnare: samordnare)
        // The second factor: the code after the password and a samordnare's enrolment before the sign-in completes
        // (sessions halfway through signing in, ``RequireSignInStage``: nothing else admits them), and enrolment and
        // recovery codes on the own account (every role).
        TwoFactorController(shared: shared, throttle: throttle).addRoutes(
            awaitingCode: router.group().add(middleware: RequireSignInStage.awaitingCode).add(middleware: FormMiddleware(token: .session)),
            mustEnrol: router.group().add(middleware: RequireSignInStage.mustEnrol).add(middleware: FormMiddleware(token: .session)),
            everyone: everyone)
        HelpController(shared: shared).addRoutes(to: everyone)
        return router
    }
}

/// What every controller works with.
struct Shared: Sendable {
    let configuration: WorkspaceConfiguration
    let service: WorkspaceService
    let views: Views
    let sessions: SessionStore
    let uploads: UploadStore
    let figures: Figures

    var store: Store { service.store }
}

/// A stored UTC time to the minute in Swedish local time, as the pages show it: "2026-11-30 11:41".
func minute(_ timestamp: String) -> String { SwedishTime.minute(utc: timestamp) }

/// The year of `?ar=` (400 when it is not one), else `fallback`.
func year(_ request: Request, fallback: @autoclosure () async throws -> Int) async throws -> Int {
    if let year = try request.query("ar", as: Int.self) {
        guard Years.valid.contains(year) else { throw HTTPError(.badRequest) }
        return year
    }
    return try await fallback()
}
