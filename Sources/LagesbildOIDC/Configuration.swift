import Foundation
import LagesbildModel
import LagesbildStore
import Yams

/// What a role in the workspace is given by a group of the identity provider: the role, and for a rapportör the
/// källor and förvaltningar it reports for (names of the registers, checked when the server starts).
public struct RoleGrant: Sendable, Equatable {
    public var role: WebRole
    public var kallor: [String]
    public var forvaltningar: [String]

    public init(role: WebRole, kallor: [String] = [], forvaltningar: [String] = []) {
        self.role = role
        self.kallor = kallor
        self.forvaltningar = forvaltningar
    }
}

/// The client secret, read from a file only its owner reads. Its description never shows it, so a configuration
/// printed or logged by mistake gives nothing away.
public struct ClientSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "ClientSecret(dold)" }
    public var debugDescription: String { description }
}

/// Sign-in with the municipality's identity provider (OpenID Connect, authorization code flow with PKCE), as
/// `lagesbild serve --oidc FIL` reads it from a YAML file (README, "Inloggning med kommunens identitetstjänst"):
///
/// ```yaml
/// issuer: https://login.microsoftonline.com/TENANT-ID/v2.0
/// client_id: 00000000-0000-0000-0000-000000000000
/// client_secret_file: /etc/lagesbild/oidc-hemlighet     # läses bara av ägaren (0600)
/// redirect_url: https://lagesbild.kommun.se/inloggning/oidc/retur
/// subject_claim: oid            # en stabil identitet, aldrig e-postadressen
/// groups_claim: groups
/// roles:
///   samordnare: [GRUPP-ID]
///   medlem: [GRUPP-ID]
///   lasare: [GRUPP-ID]
///   rapportor:
///     - group: GRUPP-ID
///       kallor: [Skola]
/// ```
public struct OIDCConfiguration: Sendable {
    /// The provider's issuer, exactly as its discovery document and its ID tokens state it.
    public var issuer: String
    public var clientID: String
    public var clientSecret: ClientSecret
    /// Where the provider sends the browser back: the workspace's `/inloggning/oidc/retur` as the browser reaches it.
    public var redirectURL: URL
    /// Where the provider's logout sends the browser afterwards (RP-initiated logout), if the provider offers one.
    public var postLogoutRedirectURL: URL?
    /// The claim that identifies a person: stable and never reassigned (`sub`, or Entra ID's `oid`).
    public var subjectClaim: String
    /// The claim whose value names the account in the workspace (its pages and audit log), or nil for a name made
    /// from the subject alone.
    public var nameClaim: String?
    public var groupsClaim: String
    public var scopes: [String]
    /// The signature algorithms an ID token may have (`none` and the symmetric HS* never).
    public var algorithms: Set<String>
    /// Whether the workspace's own accounts (password, TOTP) may still sign in beside the provider.
    public var localAccounts: Bool
    /// Group value (as the groups claim states it) → what it grants.
    public var groups: [String: RoleGrant]
    /// How far the provider's clock and ours may disagree on `exp`, `iat` and `nbf`.
    public var clockSkew: TimeInterval = 120

    /// The path of the callback route; the redirect URL must end with it.
    public static let callbackPath = "/inloggning/oidc/retur"
    public static let supportedAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
    /// Claims that name a person but may change or be reassigned: never the identity.
    static let unstableSubjects: Set<String> = ["email", "upn", "preferred_username", "unique_name", "name", "given_name", "family_name"]

    public init(issuer: String, clientID: String, clientSecret: ClientSecret, redirectURL: URL, postLogoutRedirectURL: URL? = nil,
                subjectClaim: String = "sub", nameClaim: String? = "preferred_username", groupsClaim: String = "groups",
                scopes: [String] = ["openid", "profile"], algorithms: Set<String> = ["RS256"], localAccounts: Bool = true,
                groups: [String: RoleGrant]) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURL = redirectURL
        self.postLogoutRedirectURL = postLogoutRedirectURL
        self.subjectClaim = subjectClaim
        self.nameClaim = nameClaim
        self.groupsClaim = groupsClaim
        self.scopes = scopes
        self.algorithms = algorithms
        self.localAccounts = localAccounts
        self.groups = groups
    }

    /// What the groups a person is in grant: the highest role among them (samordnare, medlem, rapportör, läsare),
    /// for a rapportör with the källor and förvaltningar of all its rapportör groups; nil when none is mapped.
    public func grant(forGroups memberships: [String]) -> RoleGrant? {
        let grants = memberships.compactMap { groups[$0] }
        let order: [WebRole] = [.samordnare, .medlem, .rapportor, .lasare]
        guard let role = order.first(where: { role in grants.contains { $0.role == role } }) else { return nil }
        let chosen = grants.filter { $0.role == role }
        return RoleGrant(role: role, kallor: chosen.flatMap(\.kallor).uniqued(), forvaltningar: chosen.flatMap(\.forvaltningar).uniqued())
    }

    // MARK: - Reading the file

    static let keys: Set<String> = ["issuer", "client_id", "client_secret_file", "redirect_url", "post_logout_redirect_url", "subject_claim",
                                    "name_claim", "groups_claim", "scopes", "algorithms", "local_accounts", "roles"]

    /// Reads and checks the file: every key known, every value of its kind, the secret's file readable by its owner
    /// alone. Throws ``OIDCConfigurationError`` naming the file, the line and the key.
    public static func load(path: String) throws -> OIDCConfiguration {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= 64 * 1024 else { throw OIDCConfigurationError(file: path, line: nil, key: nil, message: "filen är större än 64 kB") }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw OIDCConfigurationError(file: path, line: nil, key: nil, message: "filen är inte UTF-8")
            }
            text = decoded
        } catch let error as OIDCConfigurationError {
            throw error
        } catch {
            throw OIDCConfigurationError(file: path, line: nil, key: nil, message: "filen kan inte läsas")
        }
        return try parse(text, file: path)
    }

    /// Parses the YAML of a configuration (the secret read from the file it names, relative to the working folder).
    public static func parse(_ text: String, file: String) throws -> OIDCConfiguration {
        let reader = Reader(file: file)
        let root: Node.Mapping
        do {
            guard let mapping = try Yams.compose(yaml: text)?.mapping else { throw reader.error(nil, nil, "filen ska vara en YAML-mappning med nycklarna \(keys.sorted().joined(separator: ", "))") }
            root = mapping
        } catch let error as OIDCConfigurationError {
            throw error
        } catch let error as YamlError {
            throw reader.error(nil, nil, "ogiltig YAML: \(error)")
        }
        for key in root.keys where !keys.contains(key.string ?? "") {
            throw reader.error(key, key.string, "okänd nyckel; tillåtna är \(keys.sorted().joined(separator: ", "))")
        }
        // Exactly as typed: the discovery document and the ID tokens must state the same (a trailing / included).
        let issuer = try reader.url(root, "issuer").absoluteString
        let clientID = try reader.string(root, "client_id")
        let secretFile = try reader.string(root, "client_secret_file")
        let secret = try reader.secret(root, "client_secret_file", path: secretFile)
        let redirect = try reader.url(root, "redirect_url")
        guard redirect.path == callbackPath else {
            throw reader.error(root["redirect_url"], "redirect_url", "\"\(redirect.absoluteString)\" ska sluta med \(callbackPath) (arbetsytans adress för svaret från inloggningen)")
        }
        let postLogout = try root["post_logout_redirect_url"] == nil ? nil : reader.url(root, "post_logout_redirect_url")
        let subject = try reader.optionalString(root, "subject_claim") ?? "sub"
        guard !unstableSubjects.contains(subject) else {
            throw reader.error(root["subject_claim"], "subject_claim", "\"\(subject)\" kan ändras eller återanvändas och identifierar inte en person stabilt; använd sub (eller oid i Entra ID)")
        }
        let name: String? = try reader.optionalString(root, "name_claim") ?? "preferred_username"
        let groupsClaim = try reader.optionalString(root, "groups_claim") ?? "groups"
        let scopes = try reader.optionalList(root, "scopes") ?? ["openid", "profile"]
        guard scopes.contains("openid") else { throw reader.error(root["scopes"], "scopes", "ska innehålla openid") }
        let algorithms = try reader.optionalList(root, "algorithms") ?? ["RS256"]
        for algorithm in algorithms where !supportedAlgorithms.contains(algorithm) {
            throw reader.error(root["algorithms"], "algorithms", "\"\(algorithm)\" är ingen tillåten signaturalgoritm; välj bland \(supportedAlgorithms.sorted().joined(separator: ", "))")
        }
        let local = try reader.optionalBool(root, "local_accounts") ?? true
        let groups = try reader.roles(root)
        return OIDCConfiguration(issuer: issuer, clientID: clientID, clientSecret: secret, redirectURL: redirect, postLogoutRedirectURL: postLogout,
                                 subjectClaim: subject, nameClaim: name, groupsClaim: groupsClaim, scopes: scopes, algorithms: Set(algorithms),
                                 localAccounts: local, groups: groups)
    }

    /// Typed access to the file's mapping that names the line and key of a wrong value.
    struct Reader {
        let file: String

        func error(_ node: Node?, _ key: String?, _ message: String) -> OIDCConfigurationError {
            OIDCConfigurationError(file: file, line: node?.mark.map { $0.line }, key: key, message: message)
        }

        func string(_ mapping: Node.Mapping, _ key: String) throws -> String {
            guard let value = try optionalString(mapping, key) else { throw error(nil, key, "saknas") }
            return value
        }

        func optionalString(_ mapping: Node.Mapping, _ key: String) throws -> String? {
            guard let node = mapping[key] else { return nil }
            guard let value = node.scalar?.string.trimmingCharacters(in: .whitespaces), !value.isEmpty, value.count <= 1000 else {
                throw error(node, key, "ska vara en text")
            }
            return value
        }

        func optionalBool(_ mapping: Node.Mapping, _ key: String) throws -> Bool? {
            guard let node = mapping[key] else { return nil }
            guard let value = node.bool else { throw error(node, key, "ska vara true eller false") }
            return value
        }

        func list(_ node: Node, key: String) throws -> [String] {
            if let scalar = node.scalar?.string.trimmingCharacters(in: .whitespaces), !scalar.isEmpty { return [scalar] }
            guard let sequence = node.sequence else { throw error(node, key, "ska vara en text eller en lista av texter") }
            return try sequence.map { item in
                guard let value = item.scalar?.string.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                    throw error(item, key, "ska vara en lista av texter")
                }
                return value
            }
        }

        func optionalList(_ mapping: Node.Mapping, _ key: String) throws -> [String]? {
            guard let node = mapping[key] else { return nil }
            return try list(node, key: key)
        }

        /// An address the server calls or sends browsers to: https, or http to this machine (a provider on loopback).
        func url(_ mapping: Node.Mapping, _ key: String) throws -> URL {
            let text = try string(mapping, key)
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
                  url.user == nil, url.query == nil, url.fragment == nil else {
                throw error(mapping[key], key, "\"\(text)\" är ingen fullständig adress (https://…) utan frågedel")
            }
            let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host.lowercased())
            guard scheme == "https" || (scheme == "http" && loopback) else {
                throw error(mapping[key], key, "\"\(text)\" ska börja med https:// (http bara till den egna datorn, 127.0.0.1)")
            }
            return url
        }

        /// The secret from its file: mode 0600 or 0400 (owner only), at most 4 kB, the first line.
        func secret(_ mapping: Node.Mapping, _ key: String, path: String) throws -> ClientSecret {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue,
                  let data = FileManager.default.contents(atPath: path) else {
                throw error(mapping[key], key, "hemlighetens fil \(path) finns inte eller kan inte läsas av tjänsten")
            }
            guard permissions & 0o077 == 0 else {
                throw error(mapping[key], key, "hemlighetens fil \(path) kan läsas av andra än ägaren (rättigheter \(String(permissions & 0o777, radix: 8))); ge den 0600: chmod 600 \(path)")
            }
            guard data.count <= 4096, let text = String(data: data, encoding: .utf8),
                  let line = text.split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }), !line.isEmpty else {
                throw error(mapping[key], key, "hemlighetens fil \(path) ska innehålla hemligheten på första raden (högst 4 kB)")
            }
            return ClientSecret(line)
        }

        /// `roles:` — samordnare, medlem and lasare name groups; rapportor lists groups with their källor and
        /// förvaltningar. A group named twice is refused (which role would it give?).
        func roles(_ root: Node.Mapping) throws -> [String: RoleGrant] {
            guard let node = root["roles"] else { throw error(nil, "roles", "saknas: vilka grupper ger vilken roll") }
            guard let mapping = node.mapping else { throw error(node, "roles", "ska vara en mappning från roll till grupper") }
            var grants: [String: RoleGrant] = [:]
            func add(_ group: String, _ grant: RoleGrant, node: Node) throws {
                guard grants[group] == nil else { throw error(node, "roles", "gruppen \"\(group)\" står under två roller") }
                grants[group] = grant
            }
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard let role = WebRole(rawValue: name) else {
                    throw error(key, "roles.\(name)", "okänd roll; välj samordnare, medlem, rapportor eller lasare")
                }
                if role == .rapportor {
                    guard let items = value.sequence else { throw error(value, "roles.rapportor", "ska vara en lista med group, kallor och forvaltningar") }
                    for item in items {
                        guard let entry = item.mapping else { throw error(item, "roles.rapportor", "ska vara en mappning med group, kallor och forvaltningar") }
                        for entryKey in entry.keys where !["group", "kallor", "forvaltningar"].contains(entryKey.string ?? "") {
                            throw error(entryKey, "roles.rapportor.\(entryKey.string ?? "")", "okänd nyckel; tillåtna är group, kallor, forvaltningar")
                        }
                        let group = try string(entry, "group")
                        let kallor = try optionalList(entry, "kallor") ?? []
                        let forvaltningar = try optionalList(entry, "forvaltningar") ?? []
                        guard !(kallor.isEmpty && forvaltningar.isEmpty) else {
                            throw error(item, "roles.rapportor", "gruppen \"\(group)\" behöver minst en källa eller förvaltning")
                        }
                        try add(group, RoleGrant(role: .rapportor, kallor: kallor, forvaltningar: forvaltningar), node: item)
                    }
                } else {
                    for group in try list(value, key: "roles.\(name)") { try add(group, RoleGrant(role: role), node: value) }
                }
            }
            guard !grants.isEmpty else { throw error(node, "roles", "ingen grupp ger någon roll") }
            return grants
        }
    }
}

/// A configuration file that cannot be used, in Swedish with its file, line and key.
public struct OIDCConfigurationError: Error, Equatable, UserFacingError {
    public let file: String
    public let line: Int?
    public let key: String?
    public let message: String

    public var description: String {
        var place = file
        if let line { place += ", rad \(line)" }
        if let key { place += ", \(key)" }
        return "\(place): \(message)"
    }
}
