import Foundation
import NIOConcurrencyHelpers

/// Values computed once per state of the data (the measurement points of a year, the overview's content): the first
/// request after a change starts the one computation and awaits it; a request that arrives while it runs is served
/// the previous state at once, or, when there is none yet, awaits the same computation (single flight): never a
/// computation of its own. So a change under load costs one computation and delays one request, and a page is at
/// most one computation behind the data. A failed computation is not kept: the next request tries again.
final class StateCache<Value: Sendable>: Sendable {
    private struct State {
        /// The computation for the newest version asked for.
        var running: (version: String, task: Task<Value, any Error>)?
        /// The last value computed, and for which version.
        var done: (version: String, value: Value)?
    }

    private let states = NIOLockedValueBox<[String: State]>([:])
    private let started = NIOLockedValueBox(0)

    private enum Plan {
        case value(Value)
        case wait(Task<Value, any Error>)
    }

    func value(_ key: String, version: String, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let box = states
        let plan: Plan = states.withLockedValue { all in
            var state = all[key] ?? State()
            if let done = state.done, done.version == version { return .value(done.value) }
            if let running = state.running, running.version == version {
                // Computing already: the previous state now, rather than a wait.
                if let done = state.done { return .value(done.value) }
                return .wait(running.task)
            }
            let task = Task {
                let value = try await compute()
                box.withLockedValue { all in
                    if all[key]?.running?.version == version { all[key]?.done = (version, value) }
                }
                return value
            }
            started.withLockedValue { $0 += 1 }
            state.running = (version, task)
            all[key] = state
            return .wait(task)
        }
        switch plan {
        case .value(let value): return value
        case .wait(let task):
            do {
                return try await task.value
            } catch {
                states.withLockedValue { all in
                    if all[key]?.running?.version == version { all[key]?.running = nil }
                }
                throw error
            }
        }
    }

    /// How many computations have been started (for the test of single flight).
    var computations: Int { started.withLockedValue { $0 } }
}
