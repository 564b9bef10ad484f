import Foundation
import LagesbildIndicators
import LagesbildModel
import LagesbildStore

/// "Var signalerna finns": the municipality's områden on a map, shaded by the year's signals, from the boundaries
/// imported as `omraden`. The figures are the first signal measure's breakdown by område, masked exactly as its table
/// is; where every mapped område with signals has its population in the store, the map shows signals per 1 000
/// inhabitants, else counts.
struct AreaMapSection {
    let report: IndicatorReport
    let boundaries: [(name: String, polygons: [GridPolygon])]
    /// Inhabitants per område for the year.
    let population: [String: Int]
    let exact: Bool
    let space: String

    var threshold: Int { report.maskThreshold }

    func context() -> ReportContext.AreaMap? {
        guard !boundaries.isEmpty,
              let result = report.indicators.first(where: { result in
                  result.definition.measure.primary.kind == .signaler && result.breakdowns.contains { $0.field.column == .area }
              }),
              let breakdown = result.breakdowns.first(where: { $0.field.column == .area }) else { return nil }
        let cells = Dictionary(breakdown.cells.map { (TextKey.fold($0.key), $0) }, uniquingKeysWith: { first, _ in first })
        let mapped = boundaries.map { boundary in (boundary: boundary, cell: cells[TextKey.fold(boundary.name)]) }
        let perThousand = mapped.allSatisfy { item in
            guard let cell = item.cell, (cell.value ?? 0) > 0 else { return true }
            return (population[item.boundary.name] ?? 0) > 0
        } && mapped.contains { $0.cell != nil }
        let masked = FigureText.masked(threshold: threshold)
        let anyHidden = !exact && mapped.contains { $0.cell?.secondary == true }
        func shown(_ cell: BreakdownCell?, _ name: String) -> (value: Double?, text: String, hidden: Bool) {
            guard let cell, let count = cell.value else { return (nil, "–", false) }
            if cell.suppressed && !exact { return (nil, FigureText.mark(secondary: cell.secondary, threshold: threshold), true) }
            if perThousand, let inhabitants = population[name], inhabitants > 0 {
                let rate = IndicatorEngine.rounded(count * 1000 / Double(inhabitants), 1)
                return (rate, SwedishFormat.decimal(rate, decimals: 1, separator: space), false)
            }
            return (count, SwedishFormat.integer(Int(count), separator: space), false)
        }
        let figures = mapped.map { shown($0.cell, $0.boundary.name) }
        let classes = Maps.classes(for: figures.compactMap { $0.hidden ? nil : $0.value }, decimals: perThousand ? 1 : 0)
        let areas = zip(mapped, figures).compactMap { item, figure -> Maps.Area? in
            guard let point = AreaGeometry.labelPoint(item.boundary.polygons) else { return nil }
            return Maps.Area(code: item.boundary.name, name: item.boundary.name, polygons: item.boundary.polygons, labelPoint: point,
                             value: figure.value, text: figure.text, masked: figure.hidden, emphasised: false)
        }
        let measure = perThousand ? "signaler per 1 000 invånare" : "registrerade signaler"
        let title = "Signaler per område \(report.year)"
        let map = Maps.choropleth(
            id: "karta-omraden", title: "Karta: \(title)",
            description: "Kommunens områden skuggade efter \(measure). Samma siffror står i tabellen bredvid kartan.",
            areas: areas, classes: classes, maskedLabel: Maps.maskedLabel(masked, anyHidden: anyHidden))
        let rows = zip(mapped, figures).map { item, figure in
            ReportContext.AreaMap.Row(name: item.boundary.name,
                                      count: item.cell.map { cell in
                                          cell.suppressed && !exact ? FigureText.mark(secondary: cell.secondary, threshold: threshold)
                                              : cell.value.map { SwedishFormat.integer(Int($0), separator: space) } ?? "–"
                                      } ?? "–",
                                      population: population[item.boundary.name].map { SwedishFormat.integer($0, separator: space) } ?? "–",
                                      value: figure.text)
        }
        let unmatched = breakdown.cells.filter { cell in !cell.key.isEmpty && !boundaries.contains { TextKey.fold($0.name) == TextKey.fold(cell.key) } }
        var caption = "\(measure.capitalizedFirst) per område \(report.year)"
            + (perThousand ? "." : " (antal: folkmängden per område är inte känd, så tal per invånare kan inte räknas).")
        caption += exact ? " Internt arbetsmaterial: alla värden visas." : " Områden med färre än \(threshold) signaler är streckade och redovisas inte (\(masked))."
        if anyHidden {
            caption += " Så är också området med näst minst antal (\(FigureText.hidden)), eftersom summan annars skulle avslöja det enda dolda."
        }
        if !unmatched.isEmpty {
            caption += " Utan gräns på kartan: " + unmatched.map(\.label).joined(separator: ", ") + "."
        }
        return .init(heading: title, map: map, caption: caption, showsRate: perThousand,
                     valueHeading: perThousand ? "Per 1 000 inv." : "Signaler", rows: rows)
    }
}
