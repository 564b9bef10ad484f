import LagesbildModel
import Testing

/// The prioritised problems' form, as the group writes it: a heading per problem and the lines Orsaksanalys:,
/// Åtgärd: and Mätpunkt:. A text off the form is refused with its line, never read by guess.
@Suite struct PriorityProblemTests {
    @Test func problemsAreReadWithTheirCausesMeasureAndPoint() throws {
        let problems = try PriorityProblem.parse("""
            ## Klotter i Centrum

            Orsaksanalys: Få vuxna ute på kvällarna.
            Unga samlas vid busstationen.

            ### Vad polisen ser
            Samma grupp återkommer.

            Åtgärd: Leda samverkan
            Mätpunkt: MO1-01

            ## Uttalanden i Gäddede
            orsaksanalys: Okänt.
            MÄTPUNKT: MO1-07
            """)
        #expect(problems == [
            PriorityProblem(line: 1, title: "Klotter i Centrum",
                            causes: "Få vuxna ute på kvällarna.\nUnga samlas vid busstationen.\n\n### Vad polisen ser\nSamma grupp återkommer.",
                            measure: "Leda samverkan", indicator: "MO1-01"),
            PriorityProblem(line: 12, title: "Uttalanden i Gäddede", causes: "Okänt.", measure: nil, indicator: "MO1-07"),
        ])
        #expect(try PriorityProblem.parse("").isEmpty)
    }

    @Test(arguments: [
        ("Klotter\nOrsaksanalys: x\nMätpunkt: MO1-01", 1, "texten före första problemets rubrik (## …) hör inte till något problem"),
        ("Orsaksanalys: x", 1, "Orsaksanalys: står före första problemets rubrik (## …)"),
        ("# Klotter\nOrsaksanalys: x", 1, "\"# Klotter\": varje problem börjar med en rubrik på formen \"## Problemet\""),
        ("##\nOrsaksanalys: x", 1, "rubriken saknar problemets namn"),
        ("## Klotter\nMätpunkt: MO1-01", 1, "problemet \"Klotter\" saknar raden Orsaksanalys:"),
        ("## Klotter\nOrsaksanalys: x", 1, "problemet \"Klotter\" saknar raden Mätpunkt: (t.ex. MO1-01)"),
        ("## Klotter\nOrsaksanalys: x\nOrsaksanalys: y\nMätpunkt: MO1-01", 3, "problemet \"Klotter\" har redan en rad Orsaksanalys:"),
        ("## Klotter\nOrsaksanalys: x\nÅtgärd: Leda\nsamverkan\nMätpunkt: MO1-01", 4, "Åtgärd: ska stå på en rad"),
        ("## Klotter\nFritt skrivet här", 2, "\"Fritt skrivet här\" står utanför raderna Orsaksanalys:, Åtgärd: och Mätpunkt:"),
    ])
    func aTextOffTheFormIsRefusedWithItsLine(text: String, line: Int, message: String) {
        #expect(throws: PriorityProblem.ParseError(line: line, message: message)) { try PriorityProblem.parse(text) }
    }
}
