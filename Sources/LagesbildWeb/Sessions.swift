import Foundation
import LagesbildStore

/// A logged-in browser: a random id (256 bits) in an HttpOnly cookie, the user it belongs to and its CSRF token.
struct Session: Sendable {
    let id: String
    let userID: Int64
    let csrfToken: String
    let created: Date
    var lastSeen: Date
}

/// The server's sessions, in memory: a restart logs everyone out, which is the safe direction.
actor SessionStore {
    static let idleTimeout: TimeInterval = 30 * 60
    static let absoluteTimeout: TimeInterval = 8 * 60 * 60

    private var sessions: [String: Session] = [:]

    /// A new session for a user (a new id at every login).
    func create(userID: Int64, now: Date = Date()) -> Session {
        let session = Session(id: Random.hex(bytes: 32), userID: userID, csrfToken: Random.hex(bytes: 32), created: now, lastSeen: now)
        sessions[session.id] = session
        return session
    }

    /// The session with this id, if it has not timed out; touching it counts as activity.
    func session(_ id: String, now: Date = Date()) -> Session? {
        guard var session = sessions[id] else { return nil }
        if now.timeIntervalSince(session.lastSeen) > Self.idleTimeout || now.timeIntervalSince(session.created) > Self.absoluteTimeout {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = now
        sessions[id] = session
        return session
    }

    func end(_ id: String) { sessions[id] = nil }

    /// Ends every session of a user (a disabled account, a changed password).
    func endAll(userID: Int64) { sessions = sessions.filter { $0.value.userID != userID } }
}

/// Refuses login tries for 15 minutes after 5 failures within 15 minutes, per account name and per address.
actor LoginThrottle {
    static let window: TimeInterval = 15 * 60
    static let limit = 5

    private var failures: [String: [Date]] = [:]

    private func recent(_ key: String, now: Date) -> [Date] {
        (failures[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
    }

    /// True when tries for this account or from this address are refused now.
    func isBlocked(account: String, address: String, now: Date = Date()) -> Bool {
        recent("u:" + account.lowercased(), now: now).count >= Self.limit || recent("a:" + address, now: now).count >= Self.limit
    }

    func recordFailure(account: String, address: String, now: Date = Date()) {
        for key in ["u:" + account.lowercased(), "a:" + address] {
            failures[key] = recent(key, now: now) + [now]
        }
    }

    func recordSuccess(account: String) { failures["u:" + account.lowercased()] = nil }
}

enum Random {
    /// `bytes` random bytes from the system's generator, as hex.
    static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// Compares two texts in time that depends on their length only (CSRF tokens).
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
