import Foundation
import GRDB
import LagesbildIngest
import LagesbildModel
import LagesbildStore
import NIOPosix

/// The workspace's rules, in one place for the command line and the web pages alike: accounts and their invariants,
/// signing in, a rapportör's scope, the audit log and publishing. Neither caller repeats a rule or a sentence; both
/// call this. Every database access is awaited on GRDB's queues and every bcrypt on NIO's thread pool, so no
/// cooperative thread waits for either.
public struct WorkspaceService: Sendable {
    public let store: Store
    public let clock: @Sendable () -> Date

    public init(store: Store, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    /// The longest user name stored anywhere, also in the audit log of a failed login (what someone types into the
    /// login form is cut to this before anything is kept).
    public static let nameLimit = 100

    // MARK: - Accounts

    /// An account as asked for: from `lagesbild user add` or the users page.
    public struct NewAccount: Sendable {
        public var name: String
        public var role: WebRole?
        public var password: String
        /// The password typed a second time, where it is (the page's second field; a terminal's second prompt).
        public var repeated: String?
        public var kallor: [String]
        public var forvaltningar: [String]

        public init(name: String, role: WebRole?, password: String, repeated: String? = nil, kallor: [String] = [], forvaltningar: [String] = []) {
            self.name = name
            self.role = role
            self.password = password
            self.repeated = repeated
            self.kallor = kallor
            self.forvaltningar = forvaltningar
        }
    }

    /// A user name: 2–64 letters, digits, '.', '-' or '_'.
    public static func isValidUserName(_ name: String) -> Bool {
        (2...64).contains(name.count) && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }
    }

    /// Why an account cannot be made as asked, or nil. The password is checked last: its problem is the one a person
    /// fixes after the others.
    public static func problem(with account: NewAccount) -> AccountError? {
        problemBesidesPassword(account) ?? passwordProblem(account.password, repeated: account.repeated)
    }

    /// Every rule but the password's: what the command line checks before it asks for the password.
    public static func problemBesidesPassword(_ account: NewAccount) -> AccountError? {
        guard let role = account.role else { return .noRole }
        if !isValidUserName(account.name) { return .invalidName(account.name) }
        let hasScope = !(account.kallor.isEmpty && account.forvaltningar.isEmpty)
        if role == .rapportor && !hasScope { return .rapportorNeedsScope }
        if role != .rapportor && hasScope { return .scopeOnlyForRapportor }
        return nil
    }

    static func passwordProblem(_ password: String, repeated: String?) -> AccountError? {
        if let repeated, repeated != password { return .passwordsDiffer }
        return Passwords.problem(with: password).map(AccountError.password)
    }

    /// The account with its källor and förvaltningar as registered (folded to the register's spelling), or
    /// ``RegisterError/unknownName(_:_:suggestions:registerIsEmpty:)`` for a name not in its register: a scope names
    /// register entries, so a spelling can never make a new source.
    public func withRegisteredScope(_ account: NewAccount) async throws -> NewAccount {
        try await store.asyncRead { [account] db in
            var registered = account
            registered.kallor = try account.kallor.map { try db.requireRegisteredName($0, in: .kallor) }.uniqued()
            registered.forvaltningar = try account.forvaltningar.map { try db.requireRegisteredName($0, in: .forvaltningar) }.uniqued()
            return registered
        }
    }

    public func addUser(_ account: NewAccount, by actor: Actor) async throws -> WebUser {
        if let problem = Self.problem(with: account) { throw problem }
        let account = try await withRegisteredScope(account)
        let name = account.name
        guard try await store.asyncRead({ db in try db.user(named: name) }) == nil else { throw WorkspaceError.userExists(name) }
        let hash = try await Self.hash(account.password)
        let now = clock()
        let user = try await store.asyncWrite { [account] db in
            let user = try db.insertUser(name: account.name, role: account.role!, passwordHash: hash, kallor: account.kallor,
                                         forvaltningar: account.forvaltningar, at: now)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.userCreated.rawValue,
                         detail: "\(user.name), \(user.role.swedishName)", at: now)
            return user
        }
        return user
    }

    /// Sets a new password. Every session of the account made before it ends at its next request (a session is bound
    /// to the password it was opened with), also sessions of a server running in another process.
    public func setPassword(of name: String, to password: String, repeated: String? = nil, by actor: Actor,
                            action: AuditAction = .passwordChanged) async throws -> WebUser {
        if let problem = Self.passwordProblem(password, repeated: repeated) { throw problem }
        guard let user = try await store.asyncRead({ db in try db.user(named: name) }) else { throw WorkspaceError.unknownUser(name) }
        guard !user.signsInWithProvider else { throw AccountError.providerAccount }
        let hash = try await Self.hash(password)
        let now = clock()
        return try await store.asyncWrite { db in
            try db.setPasswordHash(hash, forUser: name)
            try db.audit(user: actor.name, address: actor.address, action: action.rawValue, detail: name, at: now)
            return try db.user(named: name)!
        }
    }

    /// A user's own new password, given the current one (the new one's rules are checked first, so a refusal of
    /// them costs no bcrypt). A wrong current password is refused and audited; the caller throttles the tries as it
    /// throttles signing in. Returns the account with its new hash.
    public func changeOwnPassword(of user: WebUser, current: String, to password: String, repeated: String, by actor: Actor) async throws -> WebUser {
        guard !user.signsInWithProvider else { throw AccountError.providerAccount }
        if let problem = Self.passwordProblem(password, repeated: repeated) { throw problem }
        guard try await verify(name: user.name, password: current) != nil else {
            try await audit(.passwordChangeRefused, by: actor, detail: user.name)
            throw AccountError.wrongCurrentPassword
        }
        return try await setPassword(of: user.name, to: password, repeated: repeated, by: actor, action: .ownPasswordChanged)
    }

    /// Disables an account: it cannot sign in, and its sessions end at their next request. Nobody disables their own.
    public func disable(_ name: String, by actor: Actor) async throws -> WebUser {
        if name == actor.name { throw AccountError.ownAccount }
        let now = clock()
        return try await store.asyncWrite { db in
            try db.disableUser(name)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.userDisabled.rawValue, detail: name, at: now)
            return try db.user(named: name)!
        }
    }

    public func user(id: Int64) async throws -> WebUser? { try await store.asyncRead { db in try db.user(id: id) } }

    public func user(named name: String) async throws -> WebUser? { try await store.asyncRead { db in try db.user(named: name) } }

    public func users() async throws -> [WebUser] { try await store.asyncRead { db in try db.users() } }

    /// The account a name and password open, or nil. As long either way (a decoy hash for a name that does not
    /// exist), and nil for a disabled account.
    public func verify(name: String, password: String) async throws -> WebUser? {
        let user = try await user(named: name)
        // An account of the identity provider has no password: the decoy answers, in the same time.
        let hash = user.flatMap { $0.signsInWithProvider ? nil : $0.passwordHash } ?? Passwords.decoy
        let valid = try await NIOThreadPool.singleton.runIfActive { Passwords.verify(password, hash: hash) }
        guard let user, valid, !user.disabled, !user.signsInWithProvider else { return nil }
        return user
    }

    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Passwords.hash(password) }
    }

    // MARK: - Scope

    /// What a rapportör may report: their källor and förvaltningar, in the municipality of the store; nil for the
    /// other roles (who import without a scope).
    public func scope(of user: WebUser) -> ImportScope? {
        user.role == .rapportor ? ImportScope(kallor: user.kallor, forvaltningar: user.forvaltningar, kommun: store.ownKommun) : nil
    }

    /// Whether a user may change a stored row whose källa (signals) or förvaltning (training) is `value`: the
    /// samordnare any, a rapportör by the scope's one comparison rule, nobody else (a medlem reads every row and changes
    /// none).
    public func mayChange(_ user: WebUser, kind: DataKind, value: String) -> Bool {
        switch user.role {
        case .samordnare: return true
        case .rapportor:
            let allowed = kind == .signaler ? user.kallor : kind == .utbildning ? user.forvaltningar : []
            return ImportScope.registered(value, among: allowed) != nil
        case .lasare, .medlem: return false
        }
    }

    // MARK: - Audit log

    public func audit(_ action: AuditAction, by actor: Actor, detail: String = "") async throws {
        let now = clock()
        let name = String(actor.name.prefix(Self.nameLimit))
        try await store.asyncWrite { db in
            try db.audit(user: name, address: actor.address, action: action.rawValue, detail: detail, at: now)
        }
    }

    public static let logPageSize = 100

    /// One page (from 1) of the log, newest first, and whether there is another after it.
    public func auditLog(_ filter: AuditFilter, page: Int) async throws -> (entries: [AuditEntry], hasMore: Bool) {
        let offset = (max(page, 1) - 1) * Self.logPageSize
        let entries = try await store.asyncRead { db in try db.auditLog(filter, limit: Self.logPageSize + 1, offset: offset) }
        return (Array(entries.prefix(Self.logPageSize)), entries.count > Self.logPageSize)
    }

    /// A user's latest saved uploads (read with a LIMIT, however long the log).
    public func submissions(of user: String, limit: Int = 20) async throws -> [AuditEntry] {
        try await store.asyncRead { db in try db.auditLog(AuditFilter(user: user, action: AuditAction.save.rawValue), limit: limit, offset: 0) }
    }
}

/// Why an account cannot be made or changed as asked, in Swedish.
public enum AccountError: Error, Equatable, UserFacingError {
    case noRole
    case invalidName(String)
    case rapportorNeedsScope
    case scopeOnlyForRapportor
    case passwordsDiffer
    case password(String)
    case ownAccount
    case wrongCurrentPassword
    case providerAccount

    public var description: String {
        switch self {
        case .noRole: "välj en roll: \(WebRole.listInSwedish)"
        case .invalidName(let name): WorkspaceError.invalidUserName(String(name.prefix(WorkspaceService.nameLimit))).description
        case .rapportorNeedsScope: "en rapportör behöver minst en källa eller förvaltning"
        case .scopeOnlyForRapportor: "källor och förvaltningar gäller bara rapportörer"
        case .passwordsDiffer: "lösenorden är inte lika"
        case .password(let problem): problem
        case .ownAccount: "du kan inte stänga av ditt eget konto"
        case .wrongCurrentPassword: "det nuvarande lösenordet stämmer inte"
        case .providerAccount: "kontot loggar in med kommunens konto (identitetstjänsten) och har inget lösenord här; lösenord och tvåstegsverifiering sköts där"
        }
    }
}
