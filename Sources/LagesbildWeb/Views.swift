import Foundation
import Hummingbird
import Mustache

/// The workspace's templates (`Web/NAME.mustache`).
enum Template: String, CaseIterable {
    case aktiviteter, anvandare, fel, formular, hjalp, historik, importer, inloggad, inloggning, kod, konto, lagesbild, logg, manad, matpunkter, publicera
    case rapport, rapporter, register, reservkoder, samverkan, sida, text, tvasteg, uppgifter, utloggad
    case oversiktInnehall = "oversikt-innehall"
    // Partials, included by the others.
    case huvud, fot, manadsval, meddelande
}

/// The workspace's pages: Mustache templates from `Web/` (compiled in), which escape every value they insert. Every
/// template is looked up once, at start: a missing one stops the server from starting, never blanks a page.
struct Views: Sendable {
    struct MissingTemplate: Error, CustomStringConvertible {
        let name: String
        var description: String { "mallen Web/\(name).mustache saknas i programmet" }
    }

    let library: MustacheLibrary
    let stylesheet: String
    private let templates: [String: MustacheTemplate]

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in EmbeddedFiles.web where name.hasSuffix(".mustache") {
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        var templates: [String: MustacheTemplate] = [:]
        for template in Template.allCases {
            guard let found = library.getTemplate(named: template.rawValue) else { throw MissingTemplate(name: template.rawValue) }
            templates[template.rawValue] = found
        }
        guard let stylesheet = EmbeddedFiles.web["stil.css"] else { throw MissingTemplate(name: "stil.css") }
        self.library = library
        self.templates = templates
        self.stylesheet = stylesheet
    }

    /// A template's text for a view (every template exists: `init` checked).
    func render(_ template: Template, _ context: Any) -> String {
        templates[template.rawValue]!.render(context, library: library)
    }

    func page(_ template: Template, _ context: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: render(template, context))))
    }
}

/// What every page's header and navigation need (stored properties: Mustache reads them by reflection).
struct Chrome {
    let title: String
    let userName: String
    let roleName: String
    let csrf: String
    let loggedIn: Bool
    let isSamordnare: Bool
    /// Who reads the figures (``RequireRole/figures``) sees the overview and the measurement points linked; läsare only
    /// published reports.
    let seesFigures: Bool
    /// Who reports figures (``RequireRole/reporting``) sees the uploads and forms (Uppgifter) linked.
    let reportsFigures: Bool
    /// Who follows up the year's plan (``RequireRole/planning``) sees its pages linked.
    let followsUpPlan: Bool
    /// The plan's pages in the menu, for who follows up the plan and has no Uppgifter page to find them on (a medlem).
    let planInMenu: Bool
    let onPlan: Bool
    let onCollaboration: Bool
    let onOverview: Bool
    let onData: Bool
    let onIndicators: Bool
    let onImports: Bool
    let onReports: Bool
    let onUsers: Bool
    let onLog: Bool
    let onHelp: Bool
    let onAccount: Bool
    /// The message a save left for this page (post-redirect-get), shown once by `{{> meddelande}}`.
    let flash: Flash?
    let onRegister: Bool
    /// Who writes the group's texts (``RequireRole/groupTexts``) sees the year's lägesbild linked.
    let writesTexts: Bool
    let onLagesbild: Bool
    /// Where the page moves on by itself (`<meta http-equiv="refresh">`): only the page after a sign-in through the
    /// identity provider (see ``ProviderSignInController``).
    var refresh: String?

    init(title: String, context: WorkspaceContext, current: String) {
        self.title = title
        userName = context.user?.name ?? ""
        roleName = context.user?.role.swedishName ?? ""
        csrf = context.session?.csrfToken ?? ""
        loggedIn = context.user != nil
        isSamordnare = context.user.map { RequireRole.samordnare.admits($0.role) } ?? false
        seesFigures = context.user.map { RequireRole.figures.admits($0.role) } ?? false
        reportsFigures = context.user.map { RequireRole.reporting.admits($0.role) } ?? false
        followsUpPlan = context.user.map { RequireRole.planning.admits($0.role) } ?? false
        planInMenu = followsUpPlan && !reportsFigures
        onPlan = current == "/uppgifter/aktiviteter"
        onCollaboration = current == "/uppgifter/samverkan"
        onOverview = current == "/"
        // The plan's pages belong to Uppgifter for who has that page.
        onData = current == "/uppgifter" || (reportsFigures && (onPlan || onCollaboration))
        onIndicators = current == "/matpunkter"
        onImports = current == "/importer"
        onReports = current == "/rapporter"
        onUsers = current == "/anvandare"
        onLog = current == "/logg"
        onHelp = current == "/hjalp"
        onAccount = current == "/konto"
        flash = context.flash
        onRegister = current == "/register"
        writesTexts = context.user.map { RequireRole.groupTexts.admits($0.role) } ?? false
        onLagesbild = current == "/lagesbild"
    }
}

struct ErrorPage {
    let status: Int
    let message: String
    let title: String
    let chrome: Chrome

    init(status: Int, message: String, context: WorkspaceContext) {
        self.status = status
        self.message = message
        title = "Fel \(status)"
        chrome = Chrome(title: title, context: context, current: "")
    }
}

// The most looked-up view values answer by name instead of through reflection (swift-mustache's Mirror lookup is
// the largest cost of rendering the overview's month table and every page's header).
extension Chrome: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "refresh": refresh
        case "userName": userName
        case "roleName": roleName
        case "csrf": csrf
        case "loggedIn": loggedIn
        case "isSamordnare": isSamordnare
        case "seesFigures": seesFigures
        case "reportsFigures": reportsFigures
        case "followsUpPlan": followsUpPlan
        case "planInMenu": planInMenu
        case "onPlan": onPlan
        case "onCollaboration": onCollaboration
        case "onOverview": onOverview
        case "onData": onData
        case "onIndicators": onIndicators
        case "onImports": onImports
        case "onReports": onReports
        case "onUsers": onUsers
        case "onLog": onLog
        case "onHelp": onHelp
        case "onAccount": onAccount
        case "flash": flash
        case "onRegister": onRegister
        case "writesTexts": writesTexts
        case "onLagesbild": onLagesbild
        default: nil
        }
    }
}

extension OverviewController.OverviewPage.Month: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "mark": mark
        case "text": text
        case "style": style
        default: nil
        }
    }
}

extension OverviewController.OverviewPage.Source: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "months": months
        default: nil
        }
    }
}

extension SharedPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "content": content
        default: nil
        }
    }
}
