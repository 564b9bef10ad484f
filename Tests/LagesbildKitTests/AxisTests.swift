import Testing
@testable import LagesbildReport

/// Axis ticks at round numbers: 1, 2, 2,5 or 5 × 10^k, at most five steps over the largest value.
@Suite struct AxisTests {
    @Test(arguments: [
        (25.0, 5.0, 5), (20.9, 5.0, 5), (86.0, 20.0, 5), (100.0, 20.0, 5), (74.4, 20.0, 4), (3.0, 1.0, 3), (4.0, 1.0, 4),
        (0.0, 1.0, 4), (12.0, 2.5, 5), (37.5, 10.0, 4), (962.1, 200.0, 5), (0.4, 0.1, 4),
    ])
    func ticksAreRound(largest: Double, step: Double, count: Int) {
        let axis = Charts.ticks(for: largest)
        #expect(abs(axis.step - step) < 1e-9 && axis.count == count, "\(largest): \(axis)")
        #expect(axis.step * Double(axis.count) >= largest)
    }
}

/// Long compounds in narrow cells break before their head, with a hyphen, not mid-word.
@Suite struct HyphenationTests {
    @Test func compoundsBreakBeforeTheirHead() {
        #expect(Hyphenation.compounds("Kulturförvaltningen") == "Kultur\u{00AD}förvaltningen")
        #expect(Hyphenation.compounds("Socialtjänsten") == "Social\u{00AD}tjänsten")
        #expect(Hyphenation.compounds("Centrum") == "Centrum")
        #expect(Hyphenation.compounds("Förvaltningen för något") == "Förvaltningen för något")
    }

    /// A first part too long for the cell on its own ("Samhällsbygg/nadsförvaltnin/gen" on the demo's page 9) breaks
    /// between its syllables, never inside "ng", "ck", "sj", "tj" or "kj", and leaves no piece under three letters.
    @Test func aLongFirstPartBreaksBetweenItsSyllables() {
        let h = "\u{00AD}"
        #expect(Hyphenation.compounds("Samhällsbyggnadsförvaltningen") == "Sam\(h)hälls\(h)bygg\(h)nads\(h)förvaltningen")
        #expect(Hyphenation.compounds("Kommunledningsförvaltningen") == "Kom\(h)mun\(h)led\(h)nings\(h)förvaltningen")
        #expect(Hyphenation.compounds("Barn- och utbildningsförvaltningen") == "Barn- och ut\(h)bild\(h)nings\(h)förvaltningen")
        // Short first parts and heads stay whole.
        #expect(Hyphenation.compounds("Socialförvaltningen") == "Social\(h)förvaltningen")
        #expect(Hyphenation.compounds("Räddningstjänsten") == "Räddnings\(h)tjänsten")
    }
}
