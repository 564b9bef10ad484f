import Foundation
import LagesbildModel
import LagesbildStore

/// Exact tests for "is this change real or noise?", as R computes them.
public enum Statistics {
    /// Two-sided p-value of the exact conditional test for two Poisson counts.
    ///
    /// Given `x1` events with exposure `e1` (the earlier year) and `x2` with exposure `e2`, under "no change in
    /// rate" x2 ~ Binomial(x1 + x2, e2 / (e1 + e2)). The p-value is that of R's `binom.test`: the sum of the
    /// probabilities of all outcomes no more likely than the one observed (R's relative tolerance 1e-7).
    /// Returns 1 when both counts are 0.
    public static func poissonTestPValue(x1: Int, x2: Int, exposure1: Double = 1, exposure2: Double = 1) -> Double {
        let n = x1 + x2
        guard n > 0, exposure1 > 0, exposure2 > 0 else { return 1 }
        let p = exposure2 / (exposure1 + exposure2)
        return binomialTwoSidedPValue(x: x2, n: n, p: p)
    }

    /// R's `binom.test(x, n, p)$p.value`.
    ///
    /// Walks outward from the distribution's mode with the ratio of neighbouring probabilities instead of
    /// evaluating every term, and stops once the remaining terms cannot change the sum (they shrink
    /// geometrically past the mode): the cost grows with the spread, √n, not with n.
    public static func binomialTwoSidedPValue(x: Int, n: Int, p: Double) -> Double {
        if p <= 0 { return x == 0 ? 1 : 0 }
        if p >= 1 { return x == n ? 1 : 0 }
        let observed = exp(logBinomial(x, n, p))
        let threshold = observed * (1 + 1e-7)
        let mode = min(n, Int((Double(n + 1) * p).rounded(.down)))
        let odds = p / (1 - p)
        let modeProbability = exp(logBinomial(mode, n, p))
        var total = modeProbability <= threshold ? modeProbability : 0
        // Upward from the mode: P(k + 1) = P(k) · (n − k) / (k + 1) · p / (1 − p).
        var probability = modeProbability
        var k = mode
        while k < n {
            probability *= Double(n - k) / Double(k + 1) * odds
            k += 1
            if probability <= threshold { total += probability }
            if probability < threshold * 1e-17 && k > x { break }
        }
        // Downward: P(k − 1) = P(k) · k / (n − k + 1) · (1 − p) / p.
        probability = modeProbability
        k = mode
        while k > 0 {
            probability *= Double(k) / Double(n - k + 1) / odds
            k -= 1
            if probability <= threshold { total += probability }
            if probability < threshold * 1e-17 && k < x { break }
        }
        return min(1, total)
    }

    /// Two-sided p-value of Fisher's exact test for a 2×2 table [[a, b], [c, d]], as R's `fisher.test`
    /// (and SciPy's `fisher_exact`): the sum of the probabilities of all tables with the same margins that are
    /// no more likely than the one observed.
    public static func fisherExactPValue(a: Int, b: Int, c: Int, d: Int) -> Double {
        let row1 = a + b, column1 = a + c, total = a + b + c + d
        guard total > 0 else { return 1 }
        let low = max(0, column1 - (total - row1)), high = min(row1, column1)
        func logP(_ x: Int) -> Double {
            logChoose(row1, x) + logChoose(total - row1, column1 - x) - logChoose(total, column1)
        }
        let threshold = logP(a) + log1p(1e-7)
        var sum = 0.0
        for x in low...high {
            let value = logP(x)
            if value <= threshold { sum += exp(value) }
        }
        return min(1, sum)
    }

    /// The smallest p-value the Poisson test could give for `total` events split between the two years: that of the
    /// most extreme split (all in one year). At or above 0.05, no outcome could be significant.
    public static func smallestPoissonPValue(total: Int, exposure1: Double = 1, exposure2: Double = 1) -> Double {
        guard total > 0, exposure1 > 0, exposure2 > 0 else { return 1 }
        let p = exposure2 / (exposure1 + exposure2)
        return min(binomialTwoSidedPValue(x: 0, n: total, p: p), binomialTwoSidedPValue(x: total, n: total, p: p))
    }

    /// The smallest p-value Fisher's test could give for a 2×2 table with these margins (`row1` the first row's
    /// total, `column1` the first column's): that of one of the two extreme tables.
    public static func smallestFisherPValue(row1: Int, column1: Int, total: Int) -> Double {
        guard total > 0, row1 <= total, column1 <= total else { return 1 }
        let low = max(0, column1 - (total - row1)), high = min(row1, column1)
        func p(_ a: Int) -> Double { fisherExactPValue(a: a, b: row1 - a, c: column1 - a, d: total - row1 - column1 + a) }
        return min(p(low), p(high))
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }

    static func logBinomial(_ k: Int, _ n: Int, _ p: Double) -> Double {
        if p == 0 { return k == 0 ? 0 : -.infinity }
        if p == 1 { return k == n ? 0 : -.infinity }
        return logChoose(n, k) + Double(k) * log(p) + Double(n - k) * log1p(-p)
    }
}
