import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// Plain-language Swedish sentences about a figure and its change, honest about uncertainty.
enum Sentences {
    static func summary(_ result: IndicatorResult, year: Int, baseYear: Int, threshold: Int, exact: Bool, space: String = " ") -> String {
        let definition = result.definition
        let title = definition.title
        let masked = result.suppressed && !exact
        let previousMasked = result.previousSuppressed && !exact
        guard let value = result.value else {
            return "\(title) kan inte redovisas för \(year): \(result.note ?? "uppgifter saknas")."
        }
        let now = masked ? "färre än \(threshold)" : FigureText.value(value, definition, separator: space)
        // "3 av 4" and similar notes belong right after the figure.
        var detail = ""
        if case .distinct(_, let denominator) = definition.measure, denominator != nil, let note = result.note, !masked {
            detail = " (\(note))"
        }
        var sentence: String
        if let previous = result.previous, !definition.testsTrend, !masked, !previousMasked {
            // Not a random count (the activities of a plan): the change is stated, not tested.
            let before = FigureText.value(previous, definition, separator: space)
            sentence = value == previous ? "\(title) var \(now)\(detail), samma som \(baseYear)."
                : "\(title): \(now) år \(year)\(detail) mot \(before) år \(baseYear)."
        } else if let previous = result.previous, result.trend != nil, masked || previousMasked {
            // No direction and no test: either would tell which way a hidden count went.
            return "\(title): \(now) år \(year) (\(previousMasked ? "färre än \(threshold)" : FigureText.value(previous, definition, separator: space)) år \(baseYear)); "
                + "små antal redovisas inte exakt, och därför inte heller hur de har förändrats."
        } else if let previous = result.previous, result.changeTest == .tooFew {
            // A test applies, but no outcome with so few could be beyond chance: say so, not "may be chance".
            let before = FigureText.value(previous, definition, separator: space)
            sentence = value == previous ? "\(title) var \(now)\(detail), samma som \(baseYear)."
                : "\(title) \(value > previous ? "ökade" : "minskade") från \(before) år \(baseYear) till \(now) år \(year)\(detail); "
                    + "antalen är för få för att pröva statistiskt om förändringen är mer än slump."
        } else if let previous = result.previous, let trend = result.trend {
            let before = FigureText.value(previous, definition, separator: space)
            if value == previous {
                sentence = "\(title) var \(now)\(detail), samma som \(baseYear)"
            } else {
                sentence = "\(title) \(value > previous ? "ökade" : "minskade") från \(before) år \(baseYear) till \(now) år \(year)\(detail)"
            }
            switch trend {
            case .increase: sentence += "; ökningen är statistiskt säkerställd."
            case .decrease: sentence += "; minskningen är statistiskt säkerställd."
            case .noSignificantChange: sentence += value == previous ? "." : "; skillnaden kan bero på slumpen."
            }
        } else {
            sentence = "\(title) var \(now) år \(year)\(detail). Det finns inget värde för \(baseYear) att jämföra med."
        }
        if case .significantIncrease = definition.measure, !result.listed.isEmpty {
            sentence += " Områden: \(result.listed.joined(separator: ", "))."
        }
        if case .carriedOver = definition.measure, !result.listed.isEmpty {
            sentence += " Aktiviteter: \(result.listed.joined(separator: ", "))."
        }
        return sentence
    }
}
