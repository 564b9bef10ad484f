import Foundation
import NIOConcurrencyHelpers

/// Values computed once per state of the data (the measurement points of a year, the overview's content): the first
/// request after a change starts the one computation, every other request for the same key awaits that same task
/// (single flight), never a computation of its own. A failed computation is not kept: the next request tries again.
final class StateCache<Value: Sendable>: Sendable {
    private struct Entry {
        let version: String
        let task: Task<Value, any Error>
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    private let started = NIOLockedValueBox(0)

    func value(_ key: String, version: String, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = entries.withLockedValue { entries in
            if let entry = entries[key], entry.version == version { return entry.task }
            let task = Task { try await compute() }
            started.withLockedValue { $0 += 1 }
            entries[key] = Entry(version: version, task: task)
            return task
        }
        do {
            return try await task.value
        } catch {
            entries.withLockedValue { entries in
                if let entry = entries[key], entry.version == version { entries[key] = nil }
            }
            throw error
        }
    }

    /// How many computations have been started (for the test of single flight).
    var computations: Int { started.withLockedValue { $0 } }
}
