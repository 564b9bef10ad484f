import Foundation
import LagesbildIndicators
import LagesbildIngest
import LagesbildService
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// After the data change, the measurement points are computed once however many requests ask at the same time: the
/// others await that computation (the load test's stall was every request computing them itself).
@Suite struct SingleFlightTests {
    @Test func manyRequestsAfterAChangeStartOneComputation() async throws {
        let fixture = try WorkspaceFixture()
        let store = fixture.store
        let figures = Figures(store: store, sources: ReportSources(definitions: try DefinitionLoader.resolve(explicit: nil, databasePath: store.path),
                                                                   references: [], producer: "test"))
        let version = try await figures.version()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await figures.exact(year: 2024, version: version).indicators.count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values.count == 50 && Set(values).count == 1)
        #expect(figures.computations == 1)
        // A new state of the data: one more computation, and the new figures.
        _ = try Importer(store: store).importFiles([try WorkspaceRouteTests.write("år;månad;kategori;källa;antal\n2024;5;klotter;Bibliotek;1\n")], addingNames: true)
        let next = try await figures.version()
        #expect(next != version)
        async let first = figures.exact(year: 2024, version: next)
        async let second = figures.exact(year: 2024, version: next)
        _ = try await (first, second)
        #expect(figures.computations == 2)
    }

    /// While the new state is computed, a request is served the previous state at once; the request that started the
    /// computation gets the new one, and so does every request after it.
    @Test func duringAComputationThePreviousStateIsServed() async throws {
        let cache = StateCache<Int>()
        #expect(try await cache.value("a", version: "1") { 1 } == 1)
        let gate = AsyncStream<Void>.makeStream()
        async let starter = cache.value("a", version: "2") {
            for await _ in gate.stream { break }
            return 2
        }
        // Until the gate opens the computation of version 2 runs: others get version 1, without starting another.
        var served: Int?
        for _ in 0..<400 where served == nil {
            if cache.computations == 2 {
                served = try await cache.value("a", version: "2") { Issue.record("a second computation"); return -1 }
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        #expect(served == 1 && cache.computations == 2)
        gate.continuation.yield()
        #expect(try await starter == 2)
        #expect(try await cache.value("a", version: "2") { -1 } == 2)
        #expect(cache.computations == 2)
    }

    @Test func aFailedComputationIsNotKept() async throws {
        let cache = StateCache<Int>()
        struct Failure: Error {}
        await #expect(throws: Failure.self) { try await cache.value("a", version: "1") { throw Failure() } }
        #expect(try await cache.value("a", version: "1") { 7 } == 7)
        #expect(cache.computations == 2)
    }
}
