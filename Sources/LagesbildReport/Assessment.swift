import Foundation
import Ink
import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// The collaboration group's own assessment, written by the coordinator in Markdown. lagesbild never
/// writes it; it only renders it safely.
public enum Assessment {
    /// Markdown to HTML that can only contain text and Markdown's own formatting: raw HTML is shown as
    /// text, links become their text (a public document has no external references), images their alt
    /// text, and headings start at h3 so the report keeps one h1 and an ordered hierarchy.
    public static func html(fromMarkdown markdown: String) -> String {
        // Ink passes raw HTML through; hide "<" from it and put it back escaped afterwards.
        let placeholder = "\u{E000}"
        let source = markdown.replacingOccurrences(of: placeholder, with: "").replacingOccurrences(of: "<", with: placeholder)
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .links) { _, markdown in
            // "[text](url)": keep the text only.
            let text = markdown.dropFirst().prefix { $0 != "]" }
            return HTMLText.escape(String(text))
        })
        parser.addModifier(Modifier(target: .images) { _, markdown in
            let alt = markdown.dropFirst(2).prefix { $0 != "]" }
            return HTMLText.escape(String(alt))
        })
        parser.addModifier(Modifier(target: .headings) { html, _ in
            var shifted = html
            for level in stride(from: 4, through: 1, by: -1) {
                let to = min(level + 2, 6)
                shifted = shifted.replacingOccurrences(of: "<h\(level)", with: "<h\(to)").replacingOccurrences(of: "</h\(level)>", with: "</h\(to)>")
            }
            return shifted
        })
        let html = parser.html(from: source)
        return html.replacingOccurrences(of: placeholder, with: "&lt;")
    }
}
