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
    /// text, and the text's highest heading becomes `topLevel` (the others keep their distance below it, at most h6),
    /// so that the page keeps one h1 and an ordered hierarchy wherever the text stands.
    public static func html(fromMarkdown markdown: String, topLevel: Int = 3) -> String {
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
        let html = parser.html(from: source)
        // Every "<" of the text is the placeholder now: each "<hN" and "</hN>" left is Ink's own.
        let levels = html.matches(of: /<h([1-6])/).compactMap { Int($0.1) }
        let shift = levels.min().map { topLevel - $0 } ?? 0
        let shifted = html.replacing(/<(\/?)h([1-6])/) { match in
            "<\(match.1)h\(min(max((Int(match.2) ?? 1) + shift, 1), 6))"
        }
        return shifted.replacingOccurrences(of: placeholder, with: "&lt;")
    }
}
