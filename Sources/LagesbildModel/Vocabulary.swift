/// The closed lists of values some columns take. Each value has a stable code (stored) and the Swedish
/// labels people write; matching ignores case, å/ä/ö and hyphens (see ``TextKey``).
public struct Vocabulary: Sendable {
    public let name: String
    /// Codes in display order with their Swedish display label and accepted alternative spellings.
    public let entries: [(code: String, label: String, alternatives: [String])]
    private let lookup: [String: String]
    private let allowedDescription: String?

    init(name: String, entries: [(code: String, label: String, alternatives: [String])], allowedDescription: String? = nil) {
        self.name = name
        self.entries = entries
        self.allowedDescription = allowedDescription
        var lookup: [String: String] = [:]
        for entry in entries {
            for text in [entry.code, entry.label] + entry.alternatives {
                lookup[TextKey.fold(text)] = entry.code
            }
        }
        self.lookup = lookup
    }

    /// The code for a label as a person typed it, or nil when it is not in the list.
    public func code(for text: String) -> String? { lookup[TextKey.fold(text)] }

    /// The Swedish label of a code, or the code itself when unknown.
    public func label(for code: String) -> String {
        entries.first { $0.code == code }?.label ?? code
    }

    package var allowedList: String { allowedDescription ?? entries.map(\.label).joined(separator: ", ") }

    public static let kategori = Vocabulary(name: "kategori", entries: [
        ("flygblad", "Flygblad", []),
        ("klotter", "Klotter", []),
        ("symboler", "Spridande av symboler", ["symboler"]),
        ("negativ-social-kontroll", "Negativ social kontroll", []),
        ("avstandstagande", "Avståndstagande från samhället", ["avståndstagande"]),
        ("motesverksamhet", "Mötesverksamhet", []),
        ("uttalanden", "Uttalanden", []),
        ("ovrigt", "Övrigt", []),
    ])

    public static let miljo = Vocabulary(name: "miljö", entries: [
        ("hoger", "Högerextrem", ["höger", "vit makt"]),
        ("vanster", "Vänsterextrem", ["vänster", "autonom"]),
        ("islamistisk", "Islamistisk", []),
        ("ovrig", "Övrig eller oklar", ["övrig", "oklar", "annan"]),
    ])

    public static let utbildning = Vocabulary(name: "utbildning", entries: [
        ("grund", "Grundutbildning", ["nano", "nano-utbildning", "nanoutbildning"]),
        ("fordjupad", "Fördjupad utbildning", ["fördjupad"]),
        ("fortroendevalda", "Förtroendevalda", []),
    ])

    public static let samverkanstyp = Vocabulary(name: "typ", entries: [
        ("forvaltning", "Förvaltning", []),
        ("myndighet", "Myndighet", []),
        ("foretag", "Företag", []),
        ("forening", "Förening", []),
        ("trossamfund", "Trossamfund", []),
        ("annan", "Annan", []),
    ])

    /// The action plan's three target areas, by number or by name.
    public static let malomrade = Vocabulary(name: "målområde", entries: [
        ("1", "Organisation och samordning", ["Målområde 1", "MO1"]),
        ("2", "Kunskap och stöd", ["Målområde 2", "MO2"]),
        ("3", "Situations- och behovsanpassade åtgärder", ["Målområde 3", "MO3"]),
    ], allowedDescription: "1, 2 eller 3 (eller målområdets namn: Organisation och samordning, Kunskap och stöd, Situations- och behovsanpassade åtgärder)")

    /// The crime-prevention intervention levels the action plan asks each activity to consider.
    public static let insatsniva = Vocabulary(name: "insatsnivå", entries: [
        ("universell", "Universell", ["universell insatsnivå"]),
        ("selektiv", "Selektiv", ["selektiv insatsnivå"]),
        ("indikerad", "Indikerad", ["indikerad insatsnivå"]),
    ])

    public static let aktivitetsstatus = Vocabulary(name: "status", entries: [
        ("genomford", "Genomförd", ["genomfört", "klar"]),
        ("pagaende", "Pågående", ["pågår"]),
        ("ej-paborjad", "Ej påbörjad", ["inte påbörjad", "ej startad"]),
        ("installd", "Inställd", ["inställt"]),
    ])

    /// Kolada's genders; "T" (totalt) is both.
    public static let kon = Vocabulary(name: "kön", entries: [
        ("T", "Totalt", ["alla", "båda könen", "män och kvinnor", "1+2"]),
        ("K", "Kvinnor", ["kvinna", "2"]),
        ("M", "Män", ["man", "1"]),
    ])
}
