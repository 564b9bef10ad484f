/// Where a long Swedish compound in a narrow table cell may break: before the heads that the report's own labels
/// end in ("Samhällsbyggnads|förvaltningen", "Social|tjänsten"), marked with a soft hyphen (U+00AD), which the
/// browser shows as "-" only where it breaks the line. Written by hand: headless Chromium on Linux has no Swedish
/// hyphenation dictionary (CSS `hyphens: auto` does nothing there), and a full hyphenator is far more than the labels
/// need; a word without one of these heads keeps the stylesheet's last resort of breaking where it must.
///
/// A first part still too long for a narrow cell on its own ("Samhällsbyggnads", ten letters or more) also gets soft
/// hyphens between its syllables by the Swedish rule of thumb: of the consonants between two vowels, the last begins
/// the next syllable ("Sam-hälls-bygg-nads"); never inside "ng", "ck", "sj", "tj" or "kj", with two letters at least
/// before a break and three after it.
enum Hyphenation {
    static let heads = ["förvaltning", "nämnd", "verksamhet", "tjänst", "utbildning", "kontor", "avdelning", "enhet", "skola", "område"]
    static let softHyphen: Character = "\u{00AD}"

    /// The text with a soft hyphen before each head that follows at least four letters of the same word, and between
    /// the syllables of a part of ten letters or more before a head.
    static func compounds(_ text: String) -> String {
        guard text.count > 12 else { return text }
        return syllables(heads(text))
    }

    static let vowels = Set("aeiouyåäöéAEIOUYÅÄÖÉ")
    static let digraphs: Set<String> = ["ng", "ck", "sj", "tj", "kj"]

    /// Soft hyphens between the syllables of each run of ten letters or more that ends at a soft hyphen (the part
    /// before a head).
    static func syllables(_ text: String) -> String {
        var result = ""
        var run: [Character] = []
        func flush(beforeHead: Bool) {
            defer { run = [] }
            guard beforeHead, run.count >= 10 else { result += String(run); return }
            let positions = run.indices.filter { vowels.contains(run[$0]) }
            var breaks: [Int] = []
            for (vowel, next) in zip(positions, positions.dropFirst()) where next - vowel >= 2 {
                let at = next - 1
                let pair = String(run[at - 1...at]).lowercased()
                guard !digraphs.contains(pair), at >= 2 + (breaks.last ?? 0), run.count - at >= 3 else { continue }
                breaks.append(at)
            }
            for (index, character) in run.enumerated() {
                if breaks.contains(index) { result.append(softHyphen) }
                result.append(character)
            }
        }
        for character in text {
            if character.isLetter {
                run.append(character)
            } else {
                flush(beforeHead: character == softHyphen)
                result.append(character)
            }
        }
        flush(beforeHead: false)
        return result
    }

    static func heads(_ text: String) -> String {
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
