import LagesbildModel
import LagesbildStore

/// Disclosure control: published figures must not reveal small counts of events.
///
/// Applies to indicators that count signals (and rates and percentages derived from them): a non-zero count
/// below the threshold is masked, and so is every figure computed from it. In a breakdown shown with its
/// total, if exactly one cell is masked the next smallest non-zero cell is masked too, so the masked value
/// cannot be recovered by subtraction. Zero is shown as 0. Values stay exact; only the flags change.
public enum Disclosure {
    public static func isSmall(_ count: Int, threshold: Int) -> Bool { count > 0 && count < threshold }

    static func apply(to result: inout IndicatorResult, threshold: Int) {
        guard result.definition.masksSmallCounts else { return }
        result.suppressed = isSmall(result.numerator, threshold: threshold)
        result.previousSuppressed = isSmall(result.previousNumerator, threshold: threshold)
        for index in result.series.indices {
            result.series[index].suppressed = isSmall(result.series[index].numerator, threshold: threshold)
        }
        for index in result.breakdowns.indices {
            var cells = result.breakdowns[index].cells
            for cellIndex in cells.indices {
                cells[cellIndex].suppressed = isSmall(cells[cellIndex].numerator, threshold: threshold)
                cells[cellIndex].previousSuppressed = isSmall(cells[cellIndex].previousNumerator, threshold: threshold)
            }
            protectBySecondarySuppression(&cells, current: true)
            protectBySecondarySuppression(&cells, current: false)
            result.breakdowns[index].cells = cells
        }
    }

    /// If exactly one cell is masked, also masks the smallest non-zero unmasked one.
    static func protectBySecondarySuppression(_ cells: inout [BreakdownCell], current: Bool) {
        let masked = cells.indices.filter { current ? cells[$0].suppressed : cells[$0].previousSuppressed }
        guard masked.count == 1 else { return }
        let candidates = cells.indices.filter { index in
            let count = current ? cells[index].numerator : cells[index].previousNumerator
            let isMasked = current ? cells[index].suppressed : cells[index].previousSuppressed
            return count > 0 && !isMasked
        }
        guard let next = candidates.min(by: {
            let a = current ? cells[$0].numerator : cells[$0].previousNumerator
            let b = current ? cells[$1].numerator : cells[$1].previousNumerator
            return a != b ? a < b : $0 < $1
        }) else { return }
        if current {
            cells[next].suppressed = true
            cells[next].secondary = true
        } else {
            cells[next].previousSuppressed = true
            cells[next].previousSecondary = true
        }
    }
}

extension IndicatorReport {
    /// The report as a non-samordnare may receive it (HTML, JSON, CSV alike): every masked value is removed (nil),
    /// and with it every figure computed from it: a change, a p-value or a trend from or to a masked value, a
    /// comparison area's test. The flags stay, so a reader sees that a value is masked, never what it is.
    public func published() -> IndicatorReport {
        var copy = self
        copy.indicators = indicators.map { $0.published() }
        return copy
    }
}

extension IndicatorResult {
    public func published() -> IndicatorResult {
        var copy = self
        if suppressed { copy.value = nil }
        if previousSuppressed { copy.previous = nil }
        if suppressed || previousSuppressed {
            copy.changeAbs = nil
            copy.changeRel = nil
            copy.pValue = nil
            copy.trend = nil
            copy.changeTest = .notTested
        }
        copy.series = series.map { point in
            SeriesPoint(year: point.year, value: point.suppressed ? nil : point.value, suppressed: point.suppressed, numerator: point.numerator)
        }
        copy.breakdowns = breakdowns.map { breakdown in
            var breakdown = breakdown
            breakdown.cells = breakdown.cells.map { cell in
                var cell = cell
                if cell.suppressed { cell.value = nil }
                if cell.previousSuppressed { cell.previous = nil }
                if cell.suppressed || cell.previousSuppressed {
                    cell.pValue = nil
                    cell.trend = nil
                    cell.changeTest = .notTested
                }
                return cell
            }
            return breakdown
        }
        if let comparison {
            copy.comparison = Comparison(lan: comparison.lan.published(), riket: comparison.riket.published())
        }
        return copy
    }
}

extension ComparisonArea {
    func published() -> ComparisonArea {
        guard suppressed else { return self }
        return ComparisonArea(code: code, name: name, value: nil, suppressed: true, municipalities: municipalities, of: of, pValue: nil, result: nil,
                              members: members)
    }
}
