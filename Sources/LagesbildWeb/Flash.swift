import Foundation
import Hummingbird

/// A message shown once on the page a save sends the browser to (post-redirect-get): a POST that changed something
/// answers `303 See Other` to the page's GET address and leaves its message in the server-side session, so that
/// Back and Reload only read again. The message is bound to that page's path: it waits for the browser's next GET
/// of it (the stylesheet or another tab's page does not take it).
///
/// A handler: `return await shared.seeOther("/importer", Flash(text: "Ångrade import 7."), context: context)`; the
/// page shows `chrome.flash` with `{{> meddelande}}` after its `<h1>`. After a refused form, do not redirect: render
/// the form again with what was typed and status 422.
struct Flash: Sendable, Equatable {
    /// The page whose GET shows it: a path without the query.
    var path = ""
    /// The main sentence ("Sparat", "Inget ändrades: filen var redan inläst").
    var text: String
    /// Lines under it (what the import did, file by file).
    var lines: [String] = []
    var isError = false

    init(text: String, lines: [String] = [], isError: Bool = false) {
        self.text = text
        self.lines = lines
        self.isError = isError
    }
}

extension Shared {
    /// `303 See Other` to `location` (a path, optionally with a query), with `flash` kept for its page.
    func seeOther(_ location: String, _ flash: Flash? = nil, context: WorkspaceContext) async -> Response {
        if var flash, let session = context.session {
            flash.path = String(location.prefix { $0 != "?" && $0 != "#" })
            await sessions.setFlash(session.id, flash)
        }
        var response = Response.redirect(to: location, type: .normal)
        if let user = context.user { response.headers[AccessLogMiddleware.userHeader] = user.name }
        return response
    }
}
