import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

/// A small deterministic pseudo-random generator (SplitMix64), so the demo and benchmark data are the
/// same on every machine and every run.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A Poisson-distributed count (Knuth's method; fine for the small means used here).
    public mutating func poisson(_ mean: Double) -> Int {
        let limit = exp(-mean)
        var product = Double.random(in: 0..<1, using: &self)
        var count = 0
        while product > limit {
            product *= Double.random(in: 0..<1, using: &self)
            count += 1
        }
        return count
    }
}

/// Realistic, clearly fictitious data for Strömsunds kommun (2313), 2022–2025, written as the CSV files a
/// coordinator would export from Excel (in their real encodings), for `lagesbild demo`.
public enum DemoData {
    public static let kommun = KommunCode("2313")!
    public static let kommunName = "Strömsunds kommun"
    public static let years = 2022...2025

    static let areas: [(name: String, weight: Double)] = [
        ("Strömsund", 3.0), ("Hammerdal", 1.4), ("Hoting", 0.9), ("Backe", 0.6), ("Gäddede", 0.7), ("Rossön", 0.3), ("Tåsjö", 0.2),
    ]
    static let sources = ["Grundskola", "Gymnasieskola", "Socialtjänst", "Fritidsgård", "Polisen", "Bibliotek"]
    static let categories: [(label: String, weight: Double)] = [
        ("Klotter", 2.2), ("Spridande av symboler", 1.6), ("Flygblad", 1.0), ("Uttalanden", 1.2),
        ("Negativ social kontroll", 0.7), ("Avståndstagande från samhället", 0.5), ("Mötesverksamhet", 0.3),
    ]
    static let environments: [(label: String, weight: Double)] = [("Högerextrem", 0.55), ("Islamistisk", 0.2), ("Vänsterextrem", 0.1), ("Oklar", 0.15)]
    static let departments = ["Kommunledningsförvaltningen", "Barn- och utbildningsförvaltningen", "Socialförvaltningen", "Samhällsbyggnadsförvaltningen"]

    /// Writes the demo's files into a folder and returns their paths.
    public static func write(to folder: URL, seed: UInt64 = 2313) throws -> [String] {
        var random = SeededGenerator(seed: seed)
        var paths: [String] = []
        for year in years {
            paths.append(try write(signals(year: year, random: &random), to: folder.appendingPathComponent("signaler-\(year).csv"), encoding: .windows1252))
        }
        paths.append(try write(training(), to: folder.appendingPathComponent("utbildning-2022-2025.csv"), encoding: .utf8WithByteOrderMark))
        paths.append(try write(population(), to: folder.appendingPathComponent("befolkning.csv"), encoding: .utf8))
        paths.append(try write(collaboration(), to: folder.appendingPathComponent("samverkan-2022-2025.csv"), encoding: .utf8))
        paths.append(try write(activities(), to: folder.appendingPathComponent("aktiviteter-2022-2025.csv"), encoding: .windows1252))
        var countyRandom = SeededGenerator(seed: seed + 23)
        paths.append(try write(countySignals(random: &countyRandom), to: folder.appendingPathComponent("signaler-lanet-2022-2025.csv"), encoding: .utf8))
        paths.append(try write(countyPopulation(), to: folder.appendingPathComponent("befolkning-lanet.csv"), encoding: .utf8))
        let areas = folder.appendingPathComponent("omraden-fiktiva.geojson")
        try Data(DemoAreas.geoJSON().utf8).write(to: areas)
        paths.append(areas.path)
        return paths
    }

    static func write(_ rows: [[String]], to url: URL, encoding: TextEncoding) throws -> String {
        let text = rows.map { $0.joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
        let data: Data
        switch encoding {
        case .windows1252: data = text.data(using: .windowsCP1252)!
        case .utf8WithByteOrderMark: data = Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        default: data = Data(text.utf8)
        }
        try data.write(to: url)
        return url.path
    }

    static func pick<T>(_ items: [(T, Double)], _ random: inout SeededGenerator) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var point = Double.random(in: 0..<total, using: &random)
        for item in items {
            point -= item.1
            if point < 0 { return item.0 }
        }
        return items.last!.0
    }

    static func signals(year: Int, random: inout SeededGenerator) -> [[String]] {
        var rows: [[String]] = [["År", "Månad", "Kategori", "Miljö", "Område", "Källa", "Antal", "Orosanmälningar", "Polisanmälningar"]]
        var cells: [String: (Int, Int, Int)] = [:]
        var order: [String] = []
        // The story: signals in the main town rise sharply in 2025, elsewhere they stay level.
        let base: [Int: Double] = [2022: 44, 2023: 52, 2024: 50, 2025: 58]
        for _ in 0..<random.poisson(base[year]!) {
            let area = pick(areas.map { ($0.name, $0.weight) }, &random)
            addSignal(area: area, year: year, random: &random, cells: &cells, order: &order)
        }
        if year == 2025 {
            for _ in 0..<32 { addSignal(area: "Strömsund", year: year, random: &random, cells: &cells, order: &order, category: "Klotter") }
        }
        for key in order {
            let (count, concern, police) = cells[key]!
            rows.append(key.split(separator: "|", omittingEmptySubsequences: false).map(String.init) + [String(count), String(concern), String(police)])
        }
        // A source that saw nothing in a month says so with a zero report (no kategori, antal 0), so that the month
        // counts as reported. The last source has not yet reported November and December 2025: the overview shows them
        // missing.
        for source in sources {
            let reported = Set(order.filter { $0.hasSuffix("|\(source)") }.compactMap { Int($0.split(separator: "|", omittingEmptySubsequences: false)[1]) })
            for month in 1...12 where !reported.contains(month) && !(year == 2025 && source == sources.last && month >= 11) {
                rows.append([String(year), String(month), "", "", "", source, "0", "", ""])
            }
        }
        return rows
    }

    static func addSignal(area: String, year: Int, random: inout SeededGenerator, cells: inout [String: (Int, Int, Int)], order: inout [String], category: String? = nil) {
        let month = Int.random(in: 1...12, using: &random)
        let chosen = category ?? pick(categories.map { ($0.label, $0.weight) }, &random)
        let environment = pick(environments.map { ($0.label, $0.weight) }, &random)
        let source = sources[Int.random(in: 0..<sources.count, using: &random)]
        let key = [String(year), String(month), chosen, environment, area, source].joined(separator: "|")
        if cells[key] == nil { order.append(key) }
        var cell = cells[key] ?? (0, 0, 0)
        cell.0 += 1
        if Double.random(in: 0..<1, using: &random) < 0.2 { cell.1 += 1 }
        if Double.random(in: 0..<1, using: &random) < 0.3 { cell.2 += 1 }
        cells[key] = cell
    }

    /// The other municipalities of Jämtlands län with their real population (SCB, 31 December 2024) and a fictitious
    /// level of signals per 10 000 inhabitants, so that the comparison chapter and the county map have a county.
    static let county: [(kod: String, population: Int, rate: Double)] = [
        ("2303", 5_146, 11), ("2305", 6_035, 4), ("2309", 15_680, 15), ("2321", 12_693, 18),
        ("2326", 7_108, 13), ("2361", 10_175, 12), ("2380", 64_979, 22),
    ]

    /// Fictitious signals per municipality, year and category (no month, area or source: what a county network
    /// would exchange).
    static func countySignals(random: inout SeededGenerator) -> [[String]] {
        var rows: [[String]] = [["kommun", "år", "kategori", "antal"]]
        let kinds: [(String, Double)] = [("Klotter", 2.0), ("Spridande av symboler", 1.4), ("Uttalanden", 1.0)]
        for municipality in county {
            for year in years {
                let total = random.poisson(Double(municipality.population) * municipality.rate / 10_000)
                var counts: [String: Int] = [:]
                for _ in 0..<total { counts[pick(kinds, &random), default: 0] += 1 }
                if total == 0 { rows.append([municipality.kod, String(year), "Övrigt", "0"]) }
                for (kind, _) in kinds where counts[kind] != nil {
                    rows.append([municipality.kod, String(year), kind, String(counts[kind]!)])
                }
            }
        }
        return rows
    }

    /// The county's real population at the end of 2024 (SCB), also used for 2025, whose figures were not out when
    /// the demo was written.
    static func countyPopulation() -> [[String]] {
        [["kommun", "år", "invånare"]] + county.flatMap { municipality in
            [2024, 2025].map { [municipality.kod, String($0), String(municipality.population)] }
        }
    }

    /// An example of the group's own assessment, in two paragraphs, written to fit the demo's figures and marked as
    /// fictitious like them. lagesbild never writes a real assessment.
    static let assessment = """
        *Fiktivt exempel, skrivet för demon.* Samverkansgruppen bedömer att läget i Strömsunds kommun har förändrats under
        2025. Antalet registrerade signaler ökade från 61 till 95, och ökningen är statistiskt säkerställd; den gäller
        framför allt klotter i centralorten Strömsund. Kommunen har också fler signaler per invånare än övriga kommuner i
        länet. Gruppen tolkar ökningen både som en verklig förändring och som ett tecken på att fler verksamheter nu
        rapporterar det de ser.

        Utbildningen har gått enligt planen: tre av fyra anställda har grundutbildning och varje förvaltning har en
        fördjupat utbildad funktion. Inför 2026 föreslår gruppen riktade insatser i centralorten tillsammans med polisen och
        fritidsgårdarna, att de tre aktiviteter som förs över prioriteras, och att skolorna rapporterar varje månad.

        """

    /// The group's other texts for the demo year, as fictitious as the figures: two prioritised problems linked to the
    /// demo's activity plan and measurement points, BRÅ's four questions answered, and the watch on the surroundings.
    static let texts: [(TextSection, String)] = [
        (.bedomning, assessment),
        (.problem, """
            ## Klotter med våldsbejakande budskap i centralorten

            Orsaksanalys: *Fiktivt exempel.* Klottret finns där unga samlas på kvällar och helger, nära busstationen; få
            vuxna rör sig där efter skoltid.

            Åtgärd: Identifiera riskmiljöer och aktivera berörda aktörer

            Mätpunkt: MO1-01

            ## Signaler som inte når socialtjänsten

            Orsaksanalys: *Fiktivt exempel.* Skolor och fritid rapporterar signaler men gör sällan en orosanmälan; rutinen
            för informationsdelning och sekretess är inte klar.

            Åtgärd: Rutiner för informationsdelning och sekretess

            Mätpunkt: MO1-05
            """),
        (.kallor, """
            ### Varför valdes just de här problemen?

            *Fiktivt exempel.* Signalerna och polisens lägesbild pekar båda ut centralorten; orosanmälningarna är få.

            ### Vilka källor användes och vilka valdes bort?

            Kommunens signaler, polisens underlag och SCB:s befolkning. Sociala medier bevakas inte och ingår inte.

            ### Hur begränsar urvalet det vi vet?

            Signalerna visar vad personalen ser och rapporterar, inte hela förekomsten.

            ### Vad betyder begränsningarna för arbetet?

            Ökningen tolkas försiktigt, och gruppen följer upp att alla enheter rapporterar varje månad.
            """),
        (.omvarld, """
            *Fiktivt exempel.* Samordnaren har haft kontakt med CVE, kommunpolisen, Länsstyrelsen och grannkommunernas
            samordnare, och följer CVE:s och Säkerhetspolisens lägesbeskrivningar.
            """),
    ]

    static func training() -> [[String]] {
        var rows: [[String]] = [["år", "förvaltning", "utbildning", "målgrupp", "genomfört"]]
        let staff = [120, 640, 520, 210]
        let share: [Int: Double] = [2022: 0.18, 2023: 0.41, 2024: 0.58, 2025: 0.74]
        let deep: [Int: [Int]] = [2022: [1, 0, 0, 0], 2023: [1, 1, 0, 0], 2024: [1, 1, 1, 0], 2025: [1, 2, 1, 1]]
        let elected: [Int: Int] = [2022: 6, 2023: 14, 2024: 19, 2025: 27]
        for year in years {
            for (index, department) in departments.enumerated() {
                let completed = Int((Double(staff[index]) * share[year]! * (0.85 + 0.1 * Double(index))).rounded())
                rows.append([String(year), department, "Grundutbildning", String(staff[index]), String(min(completed, staff[index]))])
                rows.append([String(year), department, "Fördjupad", "2", String(deep[year]![index])])
            }
            rows.append([String(year), "Kommunfullmäktige", "Förtroendevalda", "41", String(elected[year]!)])
        }
        return rows
    }

    static func population() -> [[String]] {
        [["år", "område", "invånare"], ["2022", "Hela kommunen", "11 624"], ["2023", "Hela kommunen", "11 560"],
         ["2024", "Hela kommunen", "11 493"], ["2025", "Hela kommunen", "11 420"]]
    }

    static func collaboration() -> [[String]] {
        let actors: [(String, String, Int)] = [
            ("Polisen, lokalpolisområde Strömsund", "Myndighet", 2022), ("Socialförvaltningen", "Förvaltning", 2022),
            ("Barn- och utbildningsförvaltningen", "Förvaltning", 2022), ("Länsstyrelsen i Jämtlands län", "Myndighet", 2023),
            ("Svenska kyrkan, Strömsunds församling", "Trossamfund", 2023), ("Kultur- och fritidsenheten", "Förvaltning", 2024),
            ("Idrottsföreningen Norrsken (fiktiv)", "Förening", 2024), ("Företagarföreningen (fiktiv)", "Företag", 2025),
            ("Studieförbundet (fiktivt)", "Förening", 2025),
        ]
        var rows: [[String]] = [["år", "aktör", "typ", "möten"]]
        for year in years {
            for (index, actor) in actors.enumerated() where actor.2 <= year {
                rows.append([String(year), actor.0, actor.1, String(2 + (index + year) % 5)])
            }
        }
        return rows
    }

    /// The activity plan, drawn from the action plan's own activities (sections 2.1–2.3), with a status per
    /// year: 2022 is the first plan, some activities run over several years, one is cancelled and moved.
    static func activities() -> [[String]] {
        typealias Plan = (area: String, name: String, responsible: String, level: String, statuses: [Int: (String, String)])
        let plan: [Plan] = [
            ("1", "Leda den lokala samverkansgruppen mot VBE", "Säkerhetssamordnare", "Universell",
             [2022: ("Genomförd", "Fyra möten"), 2023: ("Genomförd", "Fyra möten"), 2024: ("Genomförd", "Fem möten"), 2025: ("Genomförd", "Fyra möten")]),
            ("1", "Identifiera riskmiljöer och aktivera berörda aktörer", "Lokal samordnare mot VBE", "Selektiv",
             [2022: ("Pågående", ""), 2023: ("Pågående", "Underlag från polisen saknas"), 2024: ("Genomförd", ""), 2025: ("Genomförd", "")]),
            ("1", "Utveckla samverkan med företag och föreningsliv", "Lokal samordnare mot VBE", "Universell",
             [2022: ("Ej påbörjad", ""), 2023: ("Pågående", ""), 2024: ("Pågående", "Två föreningar anslutna"), 2025: ("Genomförd", "")]),
            ("1", "Samverkanskartläggning med Resurscentrums metodstöd", "Säkerhetssamordnare", "Universell",
             [2023: ("Pågående", ""), 2024: ("Genomförd", "")]),
            ("1", "Befästa samverkansgruppen som lokalt kompetensteam", "Kommundirektör", "Universell",
             [2022: ("Pågående", ""), 2023: ("Genomförd", "Uppdraget beslutat i ledningsgruppen")]),
            ("2", "Nano-utbildning för samtliga anställda", "HR-chef", "Universell",
             [2022: ("Pågående", ""), 2023: ("Pågående", "Hälften av förvaltningarna klara"), 2024: ("Genomförd", ""), 2025: ("Genomförd", "Repetition för nyanställda")]),
            ("2", "Kartläggning av förtroendevaldas kompetensbehov", "Kommunsekreterare", "Universell",
             [2022: ("Ej påbörjad", ""), 2023: ("Genomförd", ""), 2025: ("Genomförd", "Ny mandatperiod")]),
            ("2", "Fördjupad utbildning för en funktion per förvaltning", "Förvaltningschefer", "Selektiv",
             [2022: ("Ej påbörjad", ""), 2023: ("Pågående", ""), 2024: ("Pågående", "Tre av fyra förvaltningar"), 2025: ("Genomförd", "")]),
            ("2", "Rutiner för kontakt mellan skola, fritid, socialtjänst och polis", "Socialchef", "Selektiv",
             [2023: ("Pågående", ""), 2024: ("Genomförd", "")]),
            ("2", "Rutiner för informationsdelning och sekretess", "Säkerhetssamordnare", "Selektiv",
             [2024: ("Ej påbörjad", ""), 2025: ("Pågående", "Remiss till förvaltningarna")]),
            ("2", "Utbildningsdag för förtroendevalda", "Kommunsekreterare", "Universell",
             [2024: ("Inställd", "Flyttad till 2025"), 2025: ("Genomförd", "")]),
            ("3", "Årlig lägesbild till KS, KF och BRÅ", "Säkerhetssamordnare", "Universell",
             [2022: ("Genomförd", ""), 2023: ("Genomförd", ""), 2024: ("Genomförd", ""), 2025: ("Genomförd", "")]),
            ("3", "Rutin för ärenden som rör VBE", "Socialchef", "Indikerad",
             [2022: ("Pågående", ""), 2023: ("Genomförd", "")]),
            ("3", "Informationsmaterial till aktörer utanför kommunen", "Kommunikationschef", "Universell",
             [2023: ("Ej påbörjad", ""), 2024: ("Pågående", ""), 2025: ("Pågående", "Översätts till fler språk")]),
            ("3", "Demokratiaktiviteter för kommunmedborgare", "Kultur- och fritidschef", "Universell",
             [2022: ("Inställd", "Ingen lokal"), 2023: ("Genomförd", ""), 2024: ("Genomförd", ""), 2025: ("Genomförd", "")]),
            ("3", "Information om kommunens strategi mot VBE på webben", "Kommunikationschef", "Universell",
             [2024: ("Genomförd", "")]),
            ("3", "Stöd till den som vill lämna en våldsbejakande miljö", "Socialchef", "Indikerad",
             [2025: ("Ej påbörjad", "Väntar på regional modell")]),
        ]
        var rows: [[String]] = [["År", "Målområde", "Aktivitet", "Ansvarig", "Insatsnivå", "Status", "Kommentar"]]
        for year in years {
            for activity in plan {
                guard let (status, comment) = activity.statuses[year] else { continue }
                rows.append([String(year), activity.area, activity.name, activity.responsible, activity.level, status, comment])
            }
        }
        return rows
    }
}
