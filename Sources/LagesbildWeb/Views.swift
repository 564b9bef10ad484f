import Foundation
import Hummingbird
import Mustache

/// The workspace's pages: Mustache templates from `Web/` (compiled in), which escape every value they insert.
struct Views: Sendable {
    let library: MustacheLibrary
    let stylesheet: String

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in EmbeddedFiles.web where name.hasSuffix(".mustache") {
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
        stylesheet = EmbeddedFiles.web["stil.css"] ?? ""
    }

    func page(_ template: String, _ context: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(context, withTemplate: template) ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
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
    /// Samordnare and rapportörer see the figures; läsare only published reports.
    let seesFigures: Bool
    let onOverview: Bool
    let onData: Bool
    let onIndicators: Bool
    let onImports: Bool
    let onReports: Bool
    let onUsers: Bool
    let onLog: Bool

    init(title: String, context: WorkspaceContext, current: String) {
        self.title = title
        userName = context.user?.name ?? ""
        roleName = context.user?.role.swedishName ?? ""
        csrf = context.session?.csrfToken ?? ""
        loggedIn = context.user != nil
        isSamordnare = context.user?.role == .samordnare
        seesFigures = context.user.map { $0.role != .lasare } ?? false
        onOverview = current == "/"
        onData = current == "/uppgifter"
        onIndicators = current == "/matpunkter"
        onImports = current == "/importer"
        onReports = current == "/rapporter"
        onUsers = current == "/anvandare"
        onLog = current == "/logg"
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
        case "userName": userName
        case "roleName": roleName
        case "csrf": csrf
        case "loggedIn": loggedIn
        case "isSamordnare": isSamordnare
        case "seesFigures": seesFigures
        case "onOverview": onOverview
        case "onData": onData
        case "onIndicators": onIndicators
        case "onImports": onImports
        case "onReports": onReports
        case "onUsers": onUsers
        case "onLog": onLog
        default: nil
        }
    }
}

extension Pages.OverviewPage.Month: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "reported": reported
        case "text": text
        default: nil
        }
    }
}

extension Pages.OverviewPage.Source: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "months": months
        default: nil
        }
    }
}

extension Pages.SharedPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": chrome
        case "content": content
        default: nil
        }
    }
}
