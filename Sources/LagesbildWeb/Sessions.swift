import Foundation
import LagesbildModel
import LagesbildService
import LagesbildStore

/// A browser that has signed in, or is halfway: a random id (256 bits) in an HttpOnly cookie, the user it belongs
/// to, its CSRF token, what the user's credential was when it was opened (a new password, or TOTP switched on or
/// off, ends it), and how far the sign-in has come.
struct Session: Sendable {
    let id: String
    let userID: Int64
    var credential: String
    let csrfToken: String
    let created: Date
    var lastSeen: Date
    /// What the page after a save says once (post-redirect-get): kept here until the browser reads that page.
    var flash: Flash?
    /// How far the sign-in has come: only a complete one reaches the workspace's pages.
    var stage: SignInStage = .complete
    /// A TOTP secret shown for enrolment and not yet confirmed with a code: it is stored only once confirmed.
    var pendingSecret: TOTPSecret?
    /// New recovery codes, until the page that shows them once has been read.
    var recoveryCodes: [String]?
    /// For a sign-in through the municipality's identity provider: its ID token, kept in memory only, as the hint of
    /// the provider's logout.
    var providerToken: String?
    /// Where the sign-in came from and how it was made, for the account's list of its sign-ins (``SessionStore/sessions(of:now:)``).
    var origin = SessionOrigin(address: "", method: .password)
    /// What the account page names this session by when it offers to end it: random, not the id (which would open it).
    let handle = Random.hex(bytes: 16)
}

/// Where and how a session was signed in: what a person recognises their own sign-ins by.
struct SessionOrigin: Sendable, Equatable {
    enum Method: Sendable, Equatable {
        case password, passwordAndCode, recoveryCode, provider

        init(_ method: TwoFactor.Method) {
            switch method {
            case .password: self = .password
            case .totp: self = .passwordAndCode
            case .recoveryCode: self = .recoveryCode
            }
        }

        var swedish: String {
            switch self {
            case .password: "lösenord"
            case .passwordAndCode: "lösenord och kod från appen"
            case .recoveryCode: "lösenord och reservkod"
            case .provider: "kommunens konto"
            }
        }
    }

    let address: String
    let method: Method
}

/// The steps of a sign-in. A session past the password but short of the second factor reaches only the page of its
/// next step (and logging out); every other route sends it there (``RequireRole``).
enum SignInStage: Sendable, Equatable {
    case complete
    /// The password was right; the account has TOTP and the code (or a recovery code) is asked for.
    case awaitingCode
    /// The password was right; the account is a samordnare without TOTP, which the settings require: enrolment first.
    case mustEnrol

    /// The page of the step.
    var page: String {
        switch self {
        case .complete: "/"
        case .awaitingCode: "/inloggning/kod"
        case .mustEnrol: "/inloggning/aktivera"
        }
    }
}

/// The server's sessions, in memory: a restart logs everyone out, which is the safe direction.
actor SessionStore {
    static let idleTimeout: TimeInterval = 30 * 60
    static let absoluteTimeout: TimeInterval = 8 * 60 * 60
    /// A session halfway through signing in (the password right, the code not yet typed, or a samordnare's
    /// enrolment) lasts at most this long from the password: long enough to find the phone, not a half-open door.
    static let halfwayTimeout: TimeInterval = 10 * 60

    private var sessions: [String: Session] = [:]

    /// A new session for a user (a new id at every login, and again when a second factor completes it).
    func create(userID: Int64, credential: String, origin: SessionOrigin, stage: SignInStage = .complete, recoveryCodes: [String]? = nil,
                providerToken: String? = nil, now: Date = Date()) -> Session {
        sweep(now: now)
        let session = Session(id: Random.hex(bytes: 32), userID: userID, credential: credential, csrfToken: Random.hex(bytes: 32), created: now,
                              lastSeen: now, stage: stage, recoveryCodes: recoveryCodes, providerToken: providerToken, origin: origin)
        sessions[session.id] = session
        return session
    }

    /// The session with this id, if it has not timed out; touching it counts as activity.
    func session(_ id: String, now: Date = Date()) -> Session? {
        guard var session = sessions[id] else { return nil }
        if Self.expired(session, now: now) {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = now
        sessions[id] = session
        return session
    }

    func end(_ id: String) { sessions[id] = nil }

    /// A user's signed-in sessions that have not timed out, the most recently used first (ASVS 3.3.4: a person sees
    /// where they are signed in). Halfway sign-ins are not among them: they reach nothing.
    func sessions(of userID: Int64, now: Date = Date()) -> [Session] {
        sweep(now: now)
        return sessions.values.filter { $0.userID == userID && $0.stage == .complete }.sorted { ($0.lastSeen, $0.created) > ($1.lastSeen, $1.created) }
    }

    /// Ends the user's session with this handle, if it is theirs and not `current`; whether one ended.
    func end(handle: String, of userID: Int64, except current: String) -> Bool {
        guard let (id, _) = sessions.first(where: { $0.value.userID == userID && $0.key != current && constantTimeEqual($0.value.handle, handle) })
        else { return false }
        sessions[id] = nil
        return true
    }

    /// Ends every session of a user (a disabled account, a changed password) but `keeping` one (the browser that
    /// changed its own password).
    func endAll(userID: Int64, keeping kept: String? = nil) { sessions = sessions.filter { $0.value.userID != userID || $0.key == kept } }

    /// Binds a kept session to the user's new password.
    func rebind(_ id: String, credential: String) { sessions[id]?.credential = credential }

    /// The secret being enrolled in this session: the one kept, or a new one kept from now on.
    func pendingSecret(_ id: String) -> TOTPSecret? {
        guard sessions[id] != nil else { return nil }
        if let secret = sessions[id]?.pendingSecret { return secret }
        let secret = TOTPSecret.random()
        sessions[id]?.pendingSecret = secret
        return secret
    }

    /// Forgets the pending secret (it was confirmed) and keeps the new recovery codes for the page that shows them.
    func enrolled(_ id: String, recoveryCodes: [String]) {
        sessions[id]?.pendingSecret = nil
        sessions[id]?.recoveryCodes = recoveryCodes
    }

    func setRecoveryCodes(_ id: String, _ codes: [String]) { sessions[id]?.recoveryCodes = codes }

    /// New recovery codes, once: the page that shows them takes them.
    func takeRecoveryCodes(_ id: String) -> [String]? {
        defer { sessions[id]?.recoveryCodes = nil }
        return sessions[id]?.recoveryCodes
    }

    /// Keeps a message for the session's next GET of `flash.path` (a newer one replaces it).
    func setFlash(_ id: String, _ flash: Flash) { sessions[id]?.flash = flash }

    /// The session's message for this page, if there is one; it is shown once.
    func takeFlash(_ id: String, path: String) -> Flash? {
        guard let flash = sessions[id]?.flash, flash.path == path else { return nil }
        sessions[id]?.flash = nil
        return flash
    }

    static func expired(_ session: Session, now: Date) -> Bool {
        if session.stage != .complete, now.timeIntervalSince(session.created) > halfwayTimeout { return true }
        return now.timeIntervalSince(session.lastSeen) > idleTimeout || now.timeIntervalSince(session.created) > absoluteTimeout
    }

    /// Forgets timed-out sessions (else a session never used again would stay in memory until the restart).
    private func sweep(now: Date) { sessions = sessions.filter { !Self.expired($0.value, now: now) } }

    var count: Int { sessions.count }
}

/// Refuses login tries for 15 minutes after 5 failures within 15 minutes, per account name and per address. Entries
/// older than the window are forgotten at every call, so names typed by anyone do not pile up; a block is reported
/// once (``Decision/blocked(first:)``), so blocked tries cost nothing to the audit log.
actor LoginThrottle {
    static let window: TimeInterval = 15 * 60
    static let limit = 5

    enum Decision: Equatable {
        case allowed
        /// `first`: the first refused try of this block (the one the audit log records).
        case blocked(first: Bool)
    }

    private var failures: [String: [Date]] = [:]
    /// Keys whose current block has been reported.
    private var reported: Set<String> = []

    private func recent(_ key: String, now: Date) -> [Date] {
        (failures[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
    }

    private func sweep(now: Date) {
        failures = failures.compactMapValues { dates in
            let kept = dates.filter { now.timeIntervalSince($0) < Self.window }
            return kept.isEmpty ? nil : kept
        }
        reported = reported.filter { failures[$0] != nil }
    }

    private static func keys(account: String, address: String) -> [String] { ["u:" + account.lowercased(), "a:" + address] }

    /// Whether a try for this account from this address may go ahead now.
    func decide(account: String, address: String, now: Date = Date()) -> Decision {
        sweep(now: now)
        let blocked = Self.keys(account: account, address: address).filter { recent($0, now: now).count >= Self.limit }
        guard !blocked.isEmpty else { return .allowed }
        let first = blocked.contains { !reported.contains($0) }
        reported.formUnion(blocked)
        return .blocked(first: first)
    }

    func recordFailure(account: String, address: String, now: Date = Date()) {
        for key in Self.keys(account: account, address: address) {
            failures[key] = recent(key, now: now) + [now]
        }
    }

    func recordSuccess(account: String) { failures["u:" + account.lowercased()] = nil }

    /// How many names and addresses are remembered (for the test that they are forgotten).
    var entryCount: Int { failures.count }
}

enum Random {
    /// `bytes` random bytes from the system's generator, as hex.
    static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
