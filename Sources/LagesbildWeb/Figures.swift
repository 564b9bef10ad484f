import Foundation
import LagesbildIndicators
import LagesbildModel
import LagesbildReport
import LagesbildService
import LagesbildStore
import NIOPosix

/// The measurement points and the pages made from them, computed once per state of the data (an import, an undo or
/// a new masking threshold makes a new state) and per year, with single flight: after a change, one computation runs
/// on NIO's thread pool and every request awaits it.
struct Figures: Sendable {
    let store: Store
    let sources: ReportSources
    private let reports = StateCache<IndicatorReport>()
    private let pages = StateCache<String>()
    private let years = StateCache<Int>()

    init(store: Store, sources: ReportSources) {
        self.store = store
        self.sources = sources
    }

    /// The state of the data now (as the session middleware read it with the user, when it did).
    func version(_ context: WorkspaceContext? = nil) async throws -> String {
        if let known = context?.dataVersion { return known }
        return try await store.asyncRead { db in try db.dataVersion() }
    }

    /// The latest year with data, else the current year.
    func defaultYear(version: String) async throws -> Int {
        let kommun = store.ownKommun
        return try await years.value("latest", version: version) { [store] in
            try await store.asyncRead { db in try db.latestYear(kommun: kommun) } ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        }
    }

    /// The year's measurement points, exact (the samordnare's JSON); ``published(year:version:)`` for everyone else.
    func exact(year: Int, version: String) async throws -> IndicatorReport {
        try await reports.value(String(year), version: version) { [store, sources] in
            try await NIOThreadPool.singleton.runIfActive {
                try IndicatorEngine(store: store, definitions: sources.definitions, references: sources.references).evaluate(kommun: store.ownKommun, year: year)
            }
        }
    }

    /// The year's measurement points as published: what disclosure control lets a non-samordnare see.
    func published(year: Int, version: String) async throws -> IndicatorReport {
        try await exact(year: year, version: version).published()
    }

    /// A page's content that is the same for everyone who may see it, rendered once per state and year.
    func page(_ name: String, year: Int, version: String, render: @escaping @Sendable () async throws -> String) async throws -> String {
        try await pages.value("\(name)-\(year)", version: version, compute: render)
    }

    /// How many computations of measurement points have started (for the test of single flight).
    var computations: Int { reports.computations }
}
