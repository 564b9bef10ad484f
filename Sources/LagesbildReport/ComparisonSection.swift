import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// The report's section "Jämförelse med omvärlden": the municipality beside its county and Sweden, from the
/// municipalities the store holds and from official reference series. Masked values stay masked.
struct ComparisonSection {
    let report: IndicatorReport
    let exact: Bool
    let space: String

    var threshold: Int { report.maskThreshold }
    var shortName: String { RegionRegister.region(report.kommun.rawValue)?.name ?? report.kommunName }

    var compared: [IndicatorResult] { report.indicators.filter { $0.comparison != nil } }
    var references: [ReferenceValue] { report.references.filter { $0.kommun != nil || $0.lan != nil || $0.riket != nil } }

    func text(_ value: Double?, masked: Bool, _ definition: IndicatorDefinition) -> String {
        FigureText.published(value, suppressed: masked && !exact, definition, threshold: threshold, separator: space)
    }

    /// A national figure is printed only where it is one: computed from every municipality of Sweden. (Reference
    /// series for Sweden, from Kolada or SCB, stand in their own table with their source.)
    var showsRiket: Bool {
        !compared.isEmpty && compared.allSatisfy { $0.comparison!.riket.municipalities == $0.comparison!.riket.of }
    }

    var riketNote: String? {
        guard !showsRiket, let riket = compared.first?.comparison?.riket else { return nil }
        return "Riket redovisas inte här: databasen har uppgifter från \(riket.municipalities) av \(riket.of) kommuner, och ett värde "
            + "räknat på dem vore inte rikets." + (references.contains { $0.riket != nil } ? " Rikets värden från officiell statistik står i tabellen över referensdata." : "")
    }

    /// The county's name, with how many of its municipalities the store holds when it lacks some.
    func lanLabel(_ lan: ComparisonArea) -> String {
        lan.municipalities == lan.of ? lan.name : "\(lan.name), \(lan.municipalities) av \(lan.of) kommuner"
    }

    /// "högre än övriga kommuner i länet; skillnaden är statistiskt säkerställd" or "kan bero på slumpen".
    func sentence(_ result: IndicatorResult, _ comparison: Comparison) -> String {
        let definition = result.definition, lan = comparison.lan
        let own = text(result.value, masked: result.suppressed, definition)
        let unit = definition.unit == .antal ? "" : " \(definition.unit.rawValue)"
        var sentence = "\(definition.title): \(shortName) \(own)\(unit), \(lan.name) \(text(lan.value, masked: lan.suppressed, definition))"
            + " (\(lan.municipalities) av \(lan.of) kommuner i databasen)"
            + (showsRiket ? ", riket \(text(comparison.riket.value, masked: comparison.riket.suppressed, definition))." : ".")
        switch lan.result {
        case .higher?: sentence += " \(shortName) ligger högre än övriga kommuner i länet; skillnaden är statistiskt säkerställd (p \(pText(lan.pValue)))."
        case .lower?: sentence += " \(shortName) ligger lägre än övriga kommuner i länet; skillnaden är statistiskt säkerställd (p \(pText(lan.pValue)))."
        case .noSignificantDifference?: sentence += " Skillnaden mot övriga kommuner i länet kan bero på slumpen."
        case nil:
            sentence += lan.municipalities <= 1 ? " Inga andra kommuner i länet finns i databasen att pröva mot." : " Skillnaden mot övriga länet kan inte prövas (folkmängd saknas)."
        }
        return sentence
    }

    func pText(_ p: Double?) -> String {
        guard let p else { return "–" }
        return p < 0.001 ? "<\(space)0,001" : "=\(space)" + SwedishFormat.decimal(p, decimals: 3)
    }

    func resultText(_ result: LagesbildIndicators.ComparisonResult?) -> String {
        switch result {
        case .higher?: "högre, säkerställt"
        case .lower?: "lägre, säkerställt"
        case .noSignificantDifference?: "ingen säkerställd skillnad"
        case nil: "–"
        }
    }

    func context() -> ComparisonContext {
        let rows = compared.map { result in
            let comparison = result.comparison!, definition = result.definition
            return ComparisonContext.Row(
                title: "\(definition.id) \(definition.title)",
                unit: definition.unit.rawValue,
                kommun: text(result.value, masked: result.suppressed, definition),
                lan: text(comparison.lan.value, masked: comparison.lan.suppressed, definition),
                riket: text(comparison.riket.value, masked: comparison.riket.suppressed, definition),
                result: resultText(comparison.lan.result)
            )
        }
        let rates = compared.filter { if case .rate = $0.definition.measure { true } else { false } }
        let charts = rates.map { result -> ComparisonContext.Chart in
            let comparison = result.comparison!, definition = result.definition
            let id = "jamforelse-" + definition.id.lowercased()
            func bar(_ label: String, _ value: Double?, _ masked: Bool, emphasised: Bool = false) -> Charts.Bar {
                let hidden = masked && !exact
                return Charts.Bar(label: label, value: hidden ? nil : value,
                                  text: hidden ? FigureText.masked(threshold: threshold) : FigureText.value(value, definition, separator: space),
                                  emphasised: emphasised)
            }
            let bars = [bar(shortName, result.value, result.suppressed, emphasised: true),
                        bar(comparison.lan.name, comparison.lan.value, comparison.lan.suppressed)]
                + (showsRiket ? [bar("Riket", comparison.riket.value, comparison.riket.suppressed)] : [])
            return ComparisonContext.Chart(
                sentence: sentence(result, comparison),
                chart: Charts.columns(id: id, title: "\(definition.title) (\(definition.unit.rawValue)) \(report.year): kommunen\(showsRiket ? ", länet och riket" : " och länet")",
                                        description: "Stapeldiagram: " + bars.map { "\($0.label) \($0.text)" }.joined(separator: ", ") + ".",
                                        bars: bars),
                caption: "\(definition.title) \(report.year), \(definition.unit.rawValue). \(showsRiket ? "Länet och riket räknas" : "Länet räknas") på de kommuner som finns i databasen."
            )
        }
        let referenceRows = references.map { reference -> ComparisonContext.ReferenceRow in
            func format(_ value: Double?) -> String {
                value.map { SwedishFormat.decimal($0, decimals: reference.decimals, separator: space) } ?? "–"
            }
            return ComparisonContext.ReferenceRow(title: reference.title, unit: reference.unit, source: reference.source,
                                                  kommun: format(reference.kommun), lan: format(reference.lan), riket: format(reference.riket))
        }
        let attributions = Array(Set(references.map(\.attribution))).sorted()
        let lanName = RegionRegister.region(RegionRegister.region(report.kommun.rawValue)?.lanCode ?? "")?.name ?? "Länet"
        return ComparisonContext(
            hasComparisons: !compared.isEmpty,
            hasCharts: !charts.isEmpty,
            charts: charts,
            rows: rows,
            kommunName: shortName,
            lanName: lanName,
            lanHeading: compared.compactMap { $0.comparison?.lan }.max { $0.municipalities < $1.municipalities }.map(lanLabel) ?? lanName,
            showsRiket: showsRiket,
            riketNote: riketNote,
            year: report.year,
            hasReferences: !referenceRows.isEmpty,
            references: referenceRows,
            attributions: attributions.map { .init(text: $0) },
            isEmpty: compared.isEmpty && referenceRows.isEmpty,
            countyMap: countyMap(lanName: lanName)
        )
    }

    /// The first compared rate whose county holds at least two municipalities in the store, on a map of the county.
    func countyMap(lanName: String) -> ComparisonContext.CountyMap? {
        guard let result = compared.first(where: { ($0.comparison?.lan.members.count ?? 0) >= 2 }),
              let comparison = result.comparison, case .rate = result.definition.measure else { return nil }
        let definition = result.definition
        let boundaries = KommunBoundaries.inLan(comparison.lan.code)
        guard !boundaries.isEmpty else { return nil }
        let members = Dictionary(uniqueKeysWithValues: comparison.lan.members.map { ($0.kommun, $0) })
        let masked = FigureText.masked(threshold: threshold)
        let own = report.kommun.rawValue
        let shown = boundaries.map { boundary -> (boundary: KommunBoundary, member: ComparisonMember?, hidden: Bool) in
            let member = members[boundary.kod]
            return (boundary, member, (member?.suppressed ?? false) && !exact)
        }
        let anyHidden = shown.contains { $0.hidden && $0.member?.secondary == true }
        func hiddenText(_ member: ComparisonMember) -> String { FigureText.mark(secondary: member.secondary, threshold: threshold) }
        let classes = Maps.classes(for: shown.compactMap { $0.hidden ? nil : $0.member?.value }, decimals: definition.decimals)
        let areas = shown.map { item in
            Maps.Area(code: item.boundary.kod, name: item.boundary.namn, polygons: item.boundary.polygons, labelPoint: item.boundary.labelPoint,
                      value: item.hidden ? nil : item.member?.value,
                      text: item.hidden ? item.member.map(hiddenText) ?? masked : item.member?.value.map { FigureText.value($0, definition, separator: space) } ?? "–",
                      masked: item.hidden, emphasised: item.boundary.kod == own)
        }
        let perText = definition.unit.rawValue
        let id = "karta-lan-" + definition.id.lowercased()
        let title = "\(definition.title) i \(lanName) \(report.year)"
        let map = Maps.choropleth(
            id: id, title: "Karta: \(title)",
            description: "Länets kommuner skuggade efter \(definition.title.lowercased()); \(shortName) markerad med tjock kant. "
                + "Samma siffror står i tabellen bredvid kartan.",
            areas: areas, classes: classes, maskedLabel: Maps.maskedLabel(masked, anyHidden: anyHidden))
        // By name, as a reader looks a municipality up (by the figure, a masked one's place would tell its size).
        let byName = shown.sorted { $0.boundary.namn.compare($1.boundary.namn, locale: Locale(identifier: "sv_SE")) == .orderedAscending }
        let rows = byName.map { item -> ComparisonContext.CountyMap.Row in
            let member = item.member
            return .init(name: item.boundary.namn,
                         count: member.map { item.hidden ? hiddenText($0) : SwedishFormat.integer($0.count, separator: space) } ?? "–",
                         population: member?.population.map { SwedishFormat.integer($0, separator: space) } ?? "–",
                         value: member.map { item.hidden ? hiddenText($0) : $0.value.map { FigureText.value($0, definition, separator: space) } ?? "–" } ?? "–",
                         emphasised: item.boundary.kod == own)
        }
        return .init(heading: title, map: map,
                     caption: "\(definition.title) per kommun \(report.year). "
                        + (exact ? "Internt arbetsmaterial: alla värden visas, också små antal;"
                           : "Kommuner med ett antal under \(threshold) är streckade och redovisas inte (\(masked))"
                             + (anyHidden ? ", och så är kommunen med näst minst antal (\(FigureText.hidden)), eftersom länets summa annars skulle avslöja den enda dolda;" : ";"))
                        + " \(comparison.lan.members.count) av \(boundaries.count) kommuner i länet finns i databasen.",
                     valueHeading: perText.capitalizedFirst, rows: rows, attribution: KommunBoundaries.attribution)
    }
}
