import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// The stable JSON contract of `lagesbild indicators --format json` (documented in the README).
/// Exact values always, with the mask as flags; null where a value does not exist.
extension IndicatorReport: Encodable {
    enum CodingKeys: String, CodingKey {
        case kommun, kommunName = "kommun_name", year, baseYear = "base_year", maskThreshold = "mask_threshold", indicators, reference
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kommun.rawValue, forKey: .kommun)
        try container.encode(kommunName, forKey: .kommunName)
        try container.encode(year, forKey: .year)
        try container.encode(baseYear, forKey: .baseYear)
        try container.encode(maskThreshold, forKey: .maskThreshold)
        try container.encode(indicators, forKey: .indicators)
        try container.encode(references, forKey: .reference)
    }

    public func jsonData() throws -> Data { try Self.encoder.encode(self) }

    /// Several municipalities' reports as one JSON array.
    public static func jsonData(_ reports: [IndicatorReport]) throws -> Data { try encoder.encode(reports) }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        // Sorted keys: the same data always gives the same bytes, so outputs can be diffed.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension IndicatorResult: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, title, unit, targetArea = "target_area", direction, value, suppressed, previous
        case previousSuppressed = "previous_suppressed", changeAbs = "change_abs", changeRel = "change_rel"
        case pValue = "p_value", trend, changeTest = "change_test", series, breakdowns, note, listed, comparison
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(definition.id, forKey: .id)
        try container.encode(definition.title, forKey: .title)
        try container.encode(definition.unit.rawValue, forKey: .unit)
        try container.encode(definition.targetArea, forKey: .targetArea)
        try container.encode(definition.direction.rawValue, forKey: .direction)
        try container.encode(value, forKey: .value)
        try container.encode(suppressed, forKey: .suppressed)
        try container.encode(previous, forKey: .previous)
        try container.encode(previousSuppressed, forKey: .previousSuppressed)
        try container.encode(changeAbs, forKey: .changeAbs)
        try container.encode(changeRel, forKey: .changeRel)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(trend, forKey: .trend)
        try container.encode(changeTest, forKey: .changeTest)
        try container.encode(series, forKey: .series)
        var breakdownContainer = container.nestedContainer(keyedBy: DynamicKey.self, forKey: .breakdowns)
        for breakdown in breakdowns {
            try breakdownContainer.encode(breakdown.cells, forKey: DynamicKey(breakdown.field.column.rawValue))
        }
        try container.encode(note, forKey: .note)
        try container.encode(comparison, forKey: .comparison)
        switch definition.measure {
        case .significantIncrease, .carriedOver: try container.encode(listed, forKey: .listed)
        case .sum, .ratio, .rate, .distinct: break
        }
    }
}

extension SeriesPoint: Encodable {
    enum CodingKeys: String, CodingKey { case year, value, suppressed }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(year, forKey: .year)
        try container.encode(value, forKey: .value)
        try container.encode(suppressed, forKey: .suppressed)
    }
}

extension BreakdownCell: Encodable {
    enum CodingKeys: String, CodingKey {
        case key, label, value, suppressed, previous, previousSuppressed = "previous_suppressed", pValue = "p_value", trend
        case changeTest = "change_test"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(label, forKey: .label)
        try container.encode(value, forKey: .value)
        try container.encode(suppressed, forKey: .suppressed)
        try container.encode(previous, forKey: .previous)
        try container.encode(previousSuppressed, forKey: .previousSuppressed)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(trend, forKey: .trend)
        try container.encode(changeTest, forKey: .changeTest)
    }
}

struct DynamicKey: CodingKey {
    let stringValue: String
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// How figures read in Swedish, for the terminal table and the report.
public enum FigureText {
    /// "12", "3,4", "45,0 %"; "–" for no value.
    public static func value(_ value: Double?, _ definition: IndicatorDefinition, separator: String = " ") -> String {
        guard let value else { return "–" }
        let number = definition.decimals == 0 ? SwedishFormat.integer(Int(value.rounded()), separator: separator)
            : SwedishFormat.decimal(value, decimals: definition.decimals, separator: separator)
        return definition.unit == .procent ? number + separator + "%" : number
    }

    /// A masked figure as published: "<5".
    public static func masked(threshold: Int) -> String { "<\(threshold)" }

    /// A figure hidden only so that a masked one beside it cannot be worked out from the total (secondary
    /// suppression). Not `<5`: its own count is not small.
    public static let hidden = ".."

    /// What a legend says of `hidden`.
    public static let hiddenExplanation = "dolt så att ett maskerat värde inte kan räknas fram ur summan"

    /// The mark a masked figure is published as: `hidden` when it is masked only to protect another, else "<5".
    public static func mark(secondary: Bool, threshold: Int) -> String { secondary ? hidden : masked(threshold: threshold) }

    public static func published(_ value: Double?, suppressed: Bool, secondary: Bool = false, _ definition: IndicatorDefinition, threshold: Int,
                                 separator: String = " ") -> String {
        suppressed ? mark(secondary: secondary, threshold: threshold) : self.value(value, definition, separator: separator)
    }

    /// "+30", "−2,5", "±0"; percentages change in percentage points.
    public static func change(_ change: Double?, _ definition: IndicatorDefinition, separator: String = " ") -> String {
        guard let change else { return "–" }
        if change == 0 { return "±0" }
        let magnitude = definition.decimals == 0 ? SwedishFormat.integer(Int(abs(change).rounded()), separator: separator)
            : SwedishFormat.decimal(abs(change), decimals: definition.decimals, separator: separator)
        let suffix = definition.unit == .procent ? separator + "procentenheter" : ""
        return (change > 0 ? "+" : "−") + magnitude + suffix
    }

    /// The trend column: the test's verdict, or that the counts are too few for a test to say anything.
    public static func trend(_ trend: Trend?, _ test: ChangeTest) -> String {
        test == .tooFew ? tooFew : self.trend(trend)
    }

    /// Where a test applies but could not reach p < 0.05 whatever the outcome.
    public static let tooFew = "för få för att pröva"

    public static func trend(_ trend: Trend?) -> String {
        switch trend {
        case .increase: "↑ ökning"
        case .decrease: "↓ minskning"
        case .noSignificantChange: "→ ingen säkerställd förändring"
        case nil: "–"
        }
    }

    /// "0,005" or "<0,001".
    public static func pValue(_ p: Double?) -> String {
        guard let p else { return "–" }
        if p < 0.001 { return "<0,001" }
        return SwedishFormat.decimal(p, decimals: 3)
    }
}

/// Tables for the terminal and CSV for analysts.
public enum IndicatorFormatter {
    /// The published view (masked cells as "<5") unless `exact`.
    public static func table(_ report: IndicatorReport, exact: Bool) -> String {
        var lines: [String] = []
        lines.append("Mätpunkter \(report.year) för \(report.kommunName) (\(report.kommun)), jämfört med \(report.baseYear)"
                     + (exact ? " – EXAKTA VÄRDEN, ej röjandekontrollerade" : ""))
        lines.append("")
        var table = TextTable(headers: ["Id", "Mätpunkt", String(report.year), String(report.baseYear), "Förändring", "p", "Trend"],
                              rightAligned: [2, 3, 4, 5])
        var anyMasked = false, anyHidden = false
        for result in report.indicators {
            let definition = result.definition
            let valueMasked = result.suppressed && !exact, previousMasked = result.previousSuppressed && !exact
            anyMasked = anyMasked || valueMasked || previousMasked
            table.add([
                definition.id, definition.title,
                FigureText.published(result.value, suppressed: valueMasked, definition, threshold: report.maskThreshold),
                FigureText.published(result.previous, suppressed: previousMasked, definition, threshold: report.maskThreshold),
                valueMasked || previousMasked ? "–" : FigureText.change(result.changeAbs, definition).replacingOccurrences(of: " procentenheter", with: " p.e."),
                valueMasked || previousMasked ? "–" : FigureText.pValue(result.pValue),
                FigureText.trend(result.trend, result.changeTest),
            ])
        }
        lines.append(table.render())
        for result in report.indicators {
            if let note = result.note { lines.append("\(result.definition.id): \(note)") }
        }
        for result in report.indicators where !result.breakdowns.isEmpty {
            for breakdown in result.breakdowns where !breakdown.cells.isEmpty {
                lines.append("")
                lines.append("\(result.definition.id) \(result.definition.title) per \(breakdown.field.name)")
                var cells = TextTable(headers: [breakdown.field.name.capitalized, String(report.year), String(report.baseYear), "Trend"], rightAligned: [1, 2])
                for cell in breakdown.cells {
                    let masked = cell.suppressed && !exact, previousMasked = cell.previousSuppressed && !exact
                    anyMasked = anyMasked || masked || previousMasked
                    anyHidden = anyHidden || (!exact && (cell.secondary || cell.previousSecondary))
                    cells.add([cell.label,
                               FigureText.published(cell.value, suppressed: masked, secondary: cell.secondary, result.definition,
                                                    threshold: report.maskThreshold),
                               FigureText.published(cell.previous, suppressed: previousMasked, secondary: cell.previousSecondary, result.definition,
                                                    threshold: report.maskThreshold),
                               FigureText.trend(cell.trend, cell.changeTest)])
                }
                lines.append(cells.render())
            }
        }
        lines.append("")
        if anyMasked {
            lines.append("<\(report.maskThreshold) = maskerat: färre än \(report.maskThreshold) händelser (röjandekontroll); visa exakta värden med --exact.")
        }
        if anyHidden {
            lines.append("\(FigureText.hidden) = \(FigureText.hiddenExplanation).")
        }
        lines.append("Trend: exakt test mot \(report.baseYear), p < 0,05 räknas som säkerställd förändring.")
        return lines.joined(separator: "\n")
    }

    static let csvHeader = ["id", "mätpunkt", "enhet", "nedbrytning", "nyckel", "etikett", "år", "värde", "maskerat",
                            "jämförelseår", "jämförelsevärde", "jämförelsevärde_maskerat", "förändring", "relativ_förändring",
                            "p_värde", "trend", "anmärkning"]

    /// Semicolon-separated, UTF-8 with BOM, decimal comma: opens as columns in Swedish Excel. One row per
    /// indicator and one per breakdown cell; exact values plus the mask.
    public static func csv(_ report: IndicatorReport, kommunColumn: Bool = false) -> String {
        var rows: [[String]] = [csvHeader]
        func number(_ value: Double?) -> String {
            guard let value else { return "" }
            if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
            return String(value).replacingOccurrences(of: ".", with: ",")
        }
        for result in report.indicators {
            let definition = result.definition
            rows.append([definition.id, definition.title, definition.unit.rawValue, "", "", "", String(report.year),
                         number(result.value), result.suppressed ? "ja" : "nej", String(report.baseYear), number(result.previous),
                         result.previousSuppressed ? "ja" : "nej", number(result.changeAbs), number(result.changeRel),
                         number(result.pValue), result.trend?.rawValue ?? "", result.note ?? ""])
            for breakdown in result.breakdowns {
                for cell in breakdown.cells {
                    rows.append([definition.id, definition.title, definition.unit.rawValue, breakdown.field.name, cell.key, cell.label,
                                 String(report.year), number(cell.value), cell.suppressed ? "ja" : "nej", String(report.baseYear),
                                 number(cell.previous), cell.previousSuppressed ? "ja" : "nej", "", "", number(cell.pValue),
                                 cell.trend?.rawValue ?? "", ""])
                }
            }
        }
        if kommunColumn {
            rows = rows.enumerated().map { [$0.offset == 0 ? "kommun" : report.kommun.rawValue] + $0.element }
        }
        return "\u{FEFF}" + rows.map { $0.map(CSVCell.escape).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
    }
}

/// Writing cells of CSV files the tool produces.
public enum CSVCell {
    /// Quotes a cell when needed, and neutralises a cell that a spreadsheet would run as a formula (one starting
    /// with =, +, -, @, TAB or CR) by putting an apostrophe first, as OWASP recommends against CSV injection.
    public static func escape(_ text: String) -> String {
        var cell = text
        if let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first),
           Double(cell.replacingOccurrences(of: ",", with: ".")) == nil {
            cell = "'" + cell
        }
        if cell.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return cell
    }
}

extension Comparison: Encodable {
    enum CodingKeys: String, CodingKey { case lan, riket }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lan, forKey: .lan)
        try container.encode(RiketArea(area: riket), forKey: .riket)
    }

    /// Riket carries no code, name or test.
    private struct RiketArea: Encodable {
        let area: ComparisonArea
        enum CodingKeys: String, CodingKey { case value, suppressed, municipalities, of }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(area.value, forKey: .value)
            try container.encode(area.suppressed, forKey: .suppressed)
            try container.encode(area.municipalities, forKey: .municipalities)
            try container.encode(area.of, forKey: .of)
        }
    }
}

extension ComparisonArea: Encodable {
    enum CodingKeys: String, CodingKey { case code, name, value, suppressed, municipalities, of, pValue = "p_value", result }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        try container.encode(suppressed, forKey: .suppressed)
        try container.encode(municipalities, forKey: .municipalities)
        try container.encode(of, forKey: .of)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(result, forKey: .result)
    }
}

extension ReferenceValue: Encodable {
    enum CodingKeys: String, CodingKey { case id, title, unit, source, year, kommun, lan, riket }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(unit, forKey: .unit)
        try container.encode(source, forKey: .source)
        try container.encode(year, forKey: .year)
        try container.encode(kommun, forKey: .kommun)
        try container.encode(lan, forKey: .lan)
        try container.encode(riket, forKey: .riket)
    }
}
