import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

/// Reference p-values computed with SciPy 1.17 (`scipy.stats.binomtest(...).pvalue`,
/// `scipy.stats.fisher_exact(...).pvalue`), which follow R's `binom.test` and `fisher.test`.
@Suite struct StatisticsTests {
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 + 1e-6 * abs(b) }

    @Test func poissonTestIssueExamples() {
        #expect(close(Statistics.poissonTestPValue(x1: 40, x2: 70), 0.005447429511444476))
        #expect(close(Statistics.poissonTestPValue(x1: 4, x2: 7), 0.548828125))
    }

    @Test(arguments: [
        // x1, x2, e1, e2, scipy p
        (12, 30, 10_000.0, 12_000.0, 0.02998975417563915),
        (6, 0, 1.0, 1.0, 0.03125),
        (0, 1, 1.0, 1.0, 1.0),
        (200, 250, 1.0, 1.0, 0.02079180024760781),
        (45, 86, 11_700.0, 11_500.0, 0.00022595506023675318),
        (2, 12, 1.0, 1.0, 0.012939453125),
    ])
    func poissonTestAgainstSciPy(_ x1: Int, _ x2: Int, _ e1: Double, _ e2: Double, _ expected: Double) {
        #expect(close(Statistics.poissonTestPValue(x1: x1, x2: x2, exposure1: e1, exposure2: e2), expected))
    }

    @Test func bothCountsZeroIsNoEvidence() {
        #expect(Statistics.poissonTestPValue(x1: 0, x2: 0) == 1)
    }

    @Test(arguments: [
        (80, 40, 150, 150, 0.002320154209704108),
        (3, 7, 9, 1, 0.019766611097880443),
        (0, 5, 5, 0, 0.007936507936507938),
        (120, 380, 200, 300, 7.632748578252527e-08),
        (18, 68, 6, 39, 0.3471054426863489),
        (300, 200, 230, 270, 1.1946628538231831e-05),
    ])
    func fisherExactAgainstSciPy(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ expected: Double) {
        #expect(close(Statistics.fisherExactPValue(a: a, b: b, c: c, d: d), expected))
    }
}
