import Foundation
import LagesbildModel
import LagesbildReport
import LagesbildStore

extension WorkspaceService {
    /// The year's checklist before publishing, in the order a coordinator works: the monthly reports of every källa,
    /// the population, the activity plan's follow-up, the group's texts (written, and written against the data as they
    /// are), and the masking threshold. Each item links to the page where it is put right.
    /// `figures` are the year's as they are now, if the caller has them (else they are computed).
    public func checklist(year: Int, sources: ReportSources, figures: [String: Double]? = nil) async throws -> [CheckItem] {
        let kommun = store.ownKommun
        let now = clock()
        let facts = try await store.asyncRead { db in
            (status: try db.reportingStatus(kommun: kommun, year: year),
             previous: try db.reportingStatus(kommun: kommun, year: year - 1),
             population: try db.populationRows(kommun: kommun, year: year),
             activities: try db.activities(kommun: kommun, year: year),
             threshold: try db.maskThreshold())
        }
        var items: [CheckItem] = []

        let months = ReportingStatus.expectedMonths(year: year, now: now)
        let gaps = facts.status.gaps(previous: facts.previous, months: months)
        if gaps.isEmpty {
            let count = Set(facts.status.signalSources.map(\.kalla)).filter { !$0.isEmpty }.count
            items.append(CheckItem(title: "Månadsrapporter", done: !months.isEmpty || count > 0,
                                   detail: months.isEmpty ? "\(year) har inga avslutade månader ännu."
                                       : "Alla \(count) källor har rapporterat signaler eller en nollrapport för varje månad.",
                                   link: "/?ar=\(year)", publicText: ""))
        }
        for gap in gaps {
            let missing = Self.monthList(gap.missing)
            let first = gap.missing[0]
            items.append(CheckItem(
                title: "Månadsrapporter: \(gap.kalla)", done: false,
                detail: "\(gap.kalla) har inte rapporterat för \(missing) (varken signaler eller en nollrapport).",
                link: "/uppgifter/manad?ar=\(year)&manad=\(first)&kalla=\(Self.query(gap.kalla))",
                publicText: "\(gap.kalla) har inte rapporterat för \(missing) \(year); siffrorna för de månaderna saknas, de är inte noll."))
        }

        items.append(CheckItem(
            title: "Befolkning", done: facts.population > 0,
            detail: facts.population > 0 ? "Befolkningen för \(year) finns (\(facts.population) rader)."
                : "Befolkningen för \(year) saknas: andelar per 10 000 invånare kan inte räknas.",
            link: "/uppgifter?ar=\(year)",
            publicText: "Befolkningen för \(year) saknas; mått per 10 000 invånare redovisas inte."))

        let unexplained = facts.activities.filter { $0.status != "genomford" && $0.comment.trimmingCharacters(in: .whitespaces).isEmpty }
        let planDone = !facts.activities.isEmpty && unexplained.isEmpty
        items.append(CheckItem(
            title: "Aktivitetsplanen följd upp", done: planDone,
            detail: facts.activities.isEmpty ? "Aktivitetsplanen för \(year) har inga aktiviteter."
                : planDone ? "Alla \(facts.activities.count) aktiviteter har status, och de som inte är genomförda har en kommentar."
                : "\(unexplained.count) av \(facts.activities.count) aktiviteter är inte genomförda och saknar kommentar: "
                    + unexplained.prefix(3).map { "\"\($0.name)\"" }.joined(separator: ", ") + (unexplained.count > 3 ? " …" : "") + ".",
            link: "/uppgifter/aktiviteter?ar=\(year)",
            publicText: facts.activities.isEmpty ? "Aktivitetsplanen för \(year) är inte inläst."
                : "Aktivitetsplanen är inte helt följd upp: \(unexplained.count) av \(facts.activities.count) aktiviteter saknar kommentar om varför de inte är genomförda."))

        for state in try await textStates(year: year, sources: sources, figures: figures) {
            let section = state.section
            let link = "/lagesbild/text?ar=\(year)&avsnitt=\(section.rawValue)"
            guard let latest = state.latest else {
                items.append(CheckItem(title: section.title, done: false, detail: "Texten är inte skriven ännu.", link: link,
                                       publicText: "Avsnittet \(section.title.lowercased()) är inte skrivet."))
                continue
            }
            let saved = "version \(latest.version), sparad \(SwedishTime.minute(utc: latest.savedAt)) av \(latest.savedBy)"
            if state.moved.isEmpty {
                items.append(CheckItem(title: section.title, done: true, detail: "Skriven (\(saved)); inga mätpunkter har ändrats sedan dess.",
                                       link: link, publicText: ""))
            } else {
                let count = state.moved.count
                items.append(CheckItem(
                    title: section.title, done: false,
                    detail: "\(count) \(count == 1 ? "mätpunkt har" : "mätpunkter har") ändrats sedan \(section.definiteName) sparades "
                        + "\(SwedishTime.day(utc: latest.savedAt)): " + state.moved.map(\.exactText).joined(separator: ", ") + ".",
                    link: link,
                    publicText: "\(section.title) skrevs innan uppgifterna ändrades senast: \(count) \(count == 1 ? "mätpunkt har" : "mätpunkter har") "
                        + "ändrats sedan dess (\(state.moved.map(\.id).joined(separator: ", ")))."))
            }
            if section == .problem, let problems = try? PriorityProblem.parse(latest.text) {
                let names = facts.activities.map { TextKey.fold($0.name) }
                for problem in problems {
                    if let measure = problem.measure {
                        if !names.contains(TextKey.fold(measure)) {
                            items.append(CheckItem(
                                title: "Problem: \(problem.title)", done: false,
                                detail: "Åtgärden \"\(measure)\" finns inte längre i aktivitetsplanen för \(year).", link: link,
                                publicText: "Problemet \"\(problem.title)\" hänvisar till en åtgärd som inte finns i aktivitetsplanen."))
                        }
                    } else {
                        items.append(CheckItem(
                            title: "Problem: \(problem.title)", done: false,
                            detail: "Problemet har ingen åtgärd i aktivitetsplanen (raden Åtgärd: saknas).", link: link,
                            publicText: "Problemet \"\(problem.title)\" har ännu ingen åtgärd i aktivitetsplanen."))
                    }
                }
            }
        }

        items.append(CheckItem(
            title: "Röjandekontroll", done: true,
            detail: "Publika rapporter visar antal under \(facts.threshold) som \(FigureText.masked(threshold: facts.threshold)) "
                + "(gränsen ställs in på servern, av den som driver arbetsytan).",
            link: "/hjalp", publicText: ""))
        return items
    }

    /// "november och december", "januari, mars och maj".
    static func monthList(_ months: [Int]) -> String {
        let names = months.map { SwedishFormat.monthNames[$0 - 1] }
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " och " + names.last!
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
