/// Where a long Swedish compound in a narrow table cell may break: before the heads that the report's own labels
/// end in ("Samhällsbyggnads|förvaltningen", "Social|tjänsten"), marked with a soft hyphen (U+00AD), which the
/// browser shows as "-" only where it breaks the line. Written by hand: headless Chromium on Linux has no Swedish
/// hyphenation dictionary (CSS `hyphens: auto` does nothing there), and a full hyphenator is far more than the labels
/// need; a word without one of these heads keeps the stylesheet's last resort of breaking where it must.
enum Hyphenation {
    static let heads = ["förvaltning", "nämnd", "verksamhet", "tjänst", "utbildning", "kontor", "avdelning", "enhet", "skola", "område"]
    static let softHyphen: Character = "\u{00AD}"

    /// The text with a soft hyphen before each head that follows at least four letters of the same word.
    static func compounds(_ text: String) -> String {
        guard text.count > 12 else { return text }
        var result = ""
        let characters = Array(text)
        var index = 0
        var letters = 0
        while index < characters.count {
            if letters >= 4, let head = heads.first(where: { head in
                let end = index + head.count
                return end <= characters.count && String(characters[index..<end]).lowercased() == head
            }) {
                result.append(softHyphen)
                result += String(characters[index..<(index + head.count)])
                index += head.count
                letters += head.count
                continue
            }
            let character = characters[index]
            letters = character.isLetter ? letters + 1 : 0
            result.append(character)
            index += 1
        }
        return result
    }
}
