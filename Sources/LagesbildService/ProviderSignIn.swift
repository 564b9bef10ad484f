import Foundation
import GRDB
import LagesbildModel
import LagesbildOIDC
import LagesbildStore

extension WorkspaceService {
    /// The audit log's words for a sign-in through the provider: "OIDC (ISSUER, subjekt SUB)".
    public static func providerAuditDetail(issuer: String, subject: String) -> String { "OIDC (\(issuer), subjekt \(subject))" }

    /// Checks, when the server starts, that every källa and förvaltning the configuration's rapportör groups name is in
    /// its register (a spelling never makes a new source); returns the configuration with the registers' spellings.
    public func withRegisteredGrants(_ configuration: OIDCConfiguration) async throws -> OIDCConfiguration {
        try await store.asyncRead { [configuration] db in
            var checked = configuration
            for (group, grant) in configuration.groups where grant.role == .rapportor {
                var registered = grant
                registered.kallor = try grant.kallor.map { try db.requireRegisteredName($0, in: .kallor) }.uniqued()
                registered.forvaltningar = try grant.forvaltningar.map { try db.requireRegisteredName($0, in: .forvaltningar) }.uniqued()
                checked.groups[group] = registered
            }
            return checked
        }
    }

    /// The account a verified identity signs in to: the one linked to its issuer and subject (made beforehand with
    /// `lagesbild user add --oidc-subject`, or at an earlier sign-in), or a new one made now. Its role and scope are
    /// what the person's groups grant now (the provider is the source of who is in which group); a change is
    /// audited. Refused, audited, for a person in no mapped group (no account is made) and for a disabled account.
    public func signIn(_ identity: VerifiedIdentity, grant: RoleGrant?, by address: String) async throws -> WebUser {
        let detail = Self.providerAuditDetail(issuer: identity.issuer, subject: identity.subject)
        let now = clock()
        let existing = try await store.asyncRead { db in try db.user(issuer: identity.issuer, subject: identity.subject) }
        guard let grant else {
            let refusal = OIDCRefusal.noMappedGroup(subject: String(identity.subject.prefix(80)))
            try await audit(.signInFailed, by: Actor(name: existing?.name ?? identity.name ?? "", address: address), detail: refusal.auditDetail)
            throw refusal
        }
        if let existing, existing.disabled {
            try await audit(.signInFailed, by: Actor(name: existing.name, address: address), detail: "\(detail): kontot är avstängt")
            throw ProviderSignInError.disabled
        }
        return try await store.asyncWrite { [existing] db in
            var user: WebUser
            if let existing {
                user = existing
                if existing.role != grant.role || existing.kallor != grant.kallor || existing.forvaltningar != grant.forvaltningar {
                    try db.setGrant(userID: existing.id, role: grant.role, kallor: grant.kallor, forvaltningar: grant.forvaltningar)
                    user = try db.user(id: existing.id)!
                    try db.audit(user: user.name, address: address, action: AuditAction.roleFromProvider.rawValue,
                                 detail: "\(user.name): \(existing.role.swedishName) → \(user.role.swedishName)", at: now)
                }
            } else {
                let name = try Self.accountName(for: identity, in: db)
                user = try db.insertProviderUser(name: name, role: grant.role, kallor: grant.kallor, forvaltningar: grant.forvaltningar,
                                                 issuer: identity.issuer, subject: identity.subject, at: now)
                try db.audit(user: user.name, address: address, action: AuditAction.userCreated.rawValue,
                             detail: "\(user.name), \(user.role.swedishName), vid första inloggningen via \(detail)", at: now)
            }
            try db.audit(user: user.name, address: address, action: AuditAction.signIn.rawValue, detail: detail, at: now)
            return user
        }
    }

    /// A new provider account's name: the name claim's value as a user name (its part before an @, letters, digits,
    /// `.`, `-`, `_`), or "oidc-" and the subject's first characters; made unique with the subject's when taken.
    static func accountName(for identity: VerifiedIdentity, in db: GRDB.Database) throws -> String {
        let fromClaim = identity.name.map { claim -> String in
            let local = claim.split(separator: "@").first.map(String.init) ?? claim
            let cleaned = String(local.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "-" }).prefix(48)
            return String(cleaned)
        }
        let subjectPart = String(identity.subject.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.lowercased().prefix(12))
        var candidates: [String] = []
        if let fromClaim, isValidUserName(fromClaim) { candidates += [fromClaim, "\(fromClaim)-\(subjectPart.prefix(6))", "\(fromClaim)-\(subjectPart)"] }
        candidates += ["oidc-\(subjectPart)"]
        for candidate in candidates where isValidUserName(candidate) {
            if try db.user(named: candidate) == nil { return candidate }
        }
        // Every candidate taken: a number after the last.
        for number in 2...1000 {
            let candidate = "oidc-\(subjectPart.prefix(12))-\(number)"
            if try db.user(named: candidate) == nil { return candidate }
        }
        throw WorkspaceError.userExists("oidc-\(subjectPart)")
    }

    /// An account of the identity provider made beforehand (`lagesbild user add NAMN --oidc-issuer … --oidc-subject …`):
    /// the name the workspace shows for the person; the role is replaced at each sign-in by what the groups grant.
    public func addProviderUser(name: String, role: WebRole, kallor: [String], forvaltningar: [String], issuer: String, subject: String,
                                by actor: Actor) async throws -> WebUser {
        let account = NewAccount(name: name, role: role, password: "", kallor: kallor, forvaltningar: forvaltningar)
        if let problem = Self.problemBesidesPassword(account) { throw problem }
        guard !issuer.isEmpty, !subject.isEmpty, subject.count <= 255, issuer.count <= 1000 else { throw ProviderSignInError.missingIdentity }
        let registered = try await withRegisteredScope(account)
        let now = clock()
        return try await store.asyncWrite { db in
            if let linked = try db.user(issuer: issuer, subject: subject) { throw ProviderSignInError.alreadyLinked(linked.name) }
            let user = try db.insertProviderUser(name: registered.name, role: role, kallor: registered.kallor, forvaltningar: registered.forvaltningar,
                                                 issuer: issuer, subject: subject, at: now)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.userCreated.rawValue,
                         detail: "\(user.name), \(user.role.swedishName), \(Self.providerAuditDetail(issuer: issuer, subject: subject))", at: now)
            return user
        }
    }
}

/// Why an account of the identity provider cannot sign in or be made, in Swedish.
public enum ProviderSignInError: Error, Equatable, UserFacingError {
    case disabled
    case missingIdentity
    case alreadyLinked(String)

    public var description: String {
        switch self {
        case .disabled: "Ditt konto i arbetsytan är avstängt. Kontakta samordnaren för våldsbejakande extremism."
        case .missingIdentity: "ange både utfärdaren (--oidc-issuer) och personens identitet där (--oidc-subject, högst 255 tecken)"
        case .alreadyLinked(let name): "identiteten hör redan till kontot \"\(name)\""
        }
    }
}
