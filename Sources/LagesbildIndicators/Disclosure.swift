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

    package static func apply(to result: inout IndicatorResult, threshold: Int) {
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
    package static func protectBySecondarySuppression(_ cells: inout [BreakdownCell], current: Bool) {
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
