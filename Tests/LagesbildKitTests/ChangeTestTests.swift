import LagesbildModel
import Testing
@testable import LagesbildIndicators

/// Whether a change is tested, too few to test, or a fact: worked by hand.
@Suite struct ChangeTestTests {
    typealias Observation = IndicatorEngine.Observation
    let sampleSelection = Selection(kind: .signaler, field: nil, conditions: [])

    /// 1 → 3 events: n = 4, p = ½; the most extreme split (0 and 4) has P = 2 · (½)⁴ = 0,125 ≥ 0,05: too few.
    /// 0 → 6: n = 6, P(6) · 2 = 2/64 = 0,03125 < 0,05: testable, and significant.
    @Test func poissonCountsTooFewAndEnough() {
        #expect(abs(Statistics.smallestPoissonPValue(total: 4) - 0.125) < 1e-12)
        #expect(abs(Statistics.smallestPoissonPValue(total: 5) - 0.0625) < 1e-12)
        #expect(abs(Statistics.smallestPoissonPValue(total: 6) - 0.03125) < 1e-12)
        let few = IndicatorEngine.test(.sum(sampleSelection), Observation(value: 1, numerator: 1), Observation(value: 3, numerator: 3))
        #expect(few.2 == .tooFew && few.1 == nil && abs((few.0 ?? 0) - 0.625) < 1e-12)
        let enough = IndicatorEngine.test(.sum(sampleSelection), Observation(value: 0, numerator: 0), Observation(value: 6, numerator: 6))
        #expect(enough.2 == .tested && enough.1 == .increase)
        let nothing = IndicatorEngine.test(.sum(sampleSelection), Observation(value: 0, numerator: 0), Observation(value: 0, numerator: 0))
        #expect(nothing.2 == .notTested && nothing.1 == nil)
    }

    /// Fisher, margins row 1 = 2, column 1 = 2, total 4: the extreme tables [[2,0],[0,2]] and [[0,2],[2,0]] each have
    /// P = 1/C(4,2) = 1/6, and the two-sided p of either is 1/6 + 1/6 = 1/3 ≥ 0,05: too few. With 10 and 10 people
    /// and 10 successes: the extreme table has P = 1/C(20,10) = 1/184 756, two-sided 2/184 756.
    @Test func fisherSharesTooFewAndEnough() {
        #expect(abs(Statistics.smallestFisherPValue(row1: 2, column1: 2, total: 4) - 1.0 / 3.0) < 1e-9)
        #expect(abs(Statistics.smallestFisherPValue(row1: 10, column1: 10, total: 20) - 2.0 / 184_756) < 1e-12)
    }
}
