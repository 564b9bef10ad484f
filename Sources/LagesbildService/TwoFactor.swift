import Crypto
import Foundation
import HummingbirdOTP
import LagesbildModel
import LagesbildStore

/// A TOTP secret (RFC 6238): 20 random bytes, each of 7 random bits.
///
/// Seven bits, not eight: HummingbirdOTP keys its HMAC with the UTF-8 of a `String`, so every byte must be a one-byte
/// UTF-8 scalar to reach the HMAC unchanged (the app scanning the QR code gets the same bytes in Base32). That leaves
/// 140 random bits, above RFC 4226's minimum of 128. Its description never shows the bytes, so a secret printed or
/// logged by mistake gives nothing away.
public struct TOTPSecret: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let byteCount = 20

    /// Nil unless `bytes` are 20 one-byte UTF-8 scalars.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        self.bytes = bytes
    }

    /// A new secret from the system's random number generator.
    public static func random() -> TOTPSecret {
        var generator = SystemRandomNumberGenerator()
        return TOTPSecret(bytes: (0..<byteCount).map { _ in UInt8.random(in: 0...0x7F, using: &generator) })!
    }

    /// The secret in Base32 (RFC 4648, no padding: 32 letters and digits), as an app's manual entry asks for it.
    public var base32: String { TwoFactor.base32(bytes) }

    public var description: String { "TOTPSecret(20 byte)" }

    var otp: TOTP { TOTP(secret: String(decoding: bytes, as: UTF8.self), length: 6, timeStep: TwoFactor.timeStep, hashFunction: .sha1) }

    /// The address an authenticator app reads from the QR code: `otpauth://totp/lagesbild:NAME?secret=…&issuer=lagesbild`.
    public func authenticatorURL(account name: String) -> String {
        otp.createAuthenticatorURL(label: "lagesbild:\(name)", issuer: "lagesbild")
    }

    /// The 6-digit code of a time step.
    func code(step: Int64) -> Int { otp.compute(date: Date(timeIntervalSince1970: TimeInterval(step) * TimeInterval(TwoFactor.timeStep))) }
}

/// The second factor's rules: codes of 6 digits per 30-second step, SHA-1, one step of clock skew either way, each
/// step accepted once per account; ten recovery codes, each used once.
public enum TwoFactor {
    public static let timeStep = 30
    /// Steps before and after the current one that still pass (a phone's clock a little off, a code typed late).
    public static let skew: Int64 = 1
    public static let recoveryCodeCount = 10
    /// The longest code field read (anything longer is refused as it is; nothing more is kept).
    public static let inputLimit = 64

    /// How a sign-in was verified, as the audit log says it.
    public enum Method: Sendable, Equatable {
        case password, totp, recoveryCode

        public var auditDetail: String {
            switch self {
            case .password: "lokalt"
            case .totp: "lokalt + TOTP"
            case .recoveryCode: "lokalt + reservkod"
            }
        }
    }

    /// The time step of an instant (seconds since 1970 / 30).
    public static func step(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / TimeInterval(timeStep)).rounded(.down)) }

    /// RFC 4648 Base32 without padding.
    public static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var result = "", buffer = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                result.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }

    /// The digits of a typed TOTP code (spaces allowed between them), or nil unless there are exactly six.
    static func digits(_ typed: String) -> Int? {
        let compact = typed.filter { !$0.isWhitespace }
        guard compact.count == 6, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(compact)
    }

    // MARK: - Recovery codes

    /// The letters of a recovery code: a–z and 2–9 without l, o (easily read as 1 and 0): 32 symbols, 5 bits each.
    static let recoveryAlphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")

    /// Ten new recovery codes, each 16 symbols (80 random bits) written in groups of four: "k7mq-…".
    ///
    /// They are stored as SHA-256, not bcrypt like the passwords: bcrypt's slowness protects guessable passwords,
    /// and 80 random bits are out of reach of guessing at any hash's speed (2⁸⁰ tries at 10¹⁰ a second take over
    /// three million years), while a sign-in would otherwise cost ten bcrypt checks (about 2.5 s of CPU) and hand
    /// anyone who can reach the form a cheap way to load the server.
    static func newRecoveryCodes() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<recoveryCodeCount).map { _ in
            let symbols = (0..<16).map { _ in recoveryAlphabet[Int.random(in: 0..<32, using: &generator)] }
            return stride(from: 0, to: 16, by: 4).map { String(symbols[$0..<$0 + 4]) }.joined(separator: "-")
        }
    }

    /// A typed recovery code as stored: lower case, without the dashes and spaces; nil unless it could be one.
    static func normalisedRecoveryCode(_ typed: String) -> String? {
        let compact = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard compact.count == 16, compact.allSatisfy({ recoveryAlphabet.contains($0) }) else { return nil }
        return compact
    }

    static func hash(recoveryCode normalised: String) -> String {
        SHA256.hash(data: Data(normalised.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Why a second factor is refused, in Swedish: what the page says, and what the audit log records (never the code).
public enum TwoFactorError: Error, Equatable, UserFacingError {
    case wrongCode
    case replayedCode
    case wrongRecoveryCode
    case alreadyOn
    case notOn

    public var description: String {
        switch self {
        case .wrongCode: "koden stämmer inte; skriv de sex siffror som appen visar just nu"
        case .replayedCode: "koden har redan använts; vänta på nästa kod i appen"
        case .wrongRecoveryCode: "reservkoden stämmer inte eller har redan använts"
        case .alreadyOn: "tvåstegsverifiering är redan påslagen för kontot"
        case .notOn: "tvåstegsverifiering är inte påslagen för kontot"
        }
    }

    /// The audit log's reason for a refused sign-in.
    public var auditDetail: String {
        switch self {
        case .wrongCode: "fel TOTP-kod"
        case .replayedCode: "TOTP-koden redan använd"
        case .wrongRecoveryCode: "fel eller använd reservkod"
        case .alreadyOn, .notOn: description
        }
    }
}

extension WorkspaceService {
    /// Whether `user` must have TOTP to sign in: a samordnare, unless `lagesbild settings --totp-samordnare av`.
    public func mustEnrol(_ user: WebUser) async throws -> Bool {
        guard user.role == .samordnare, !user.hasTOTP else { return false }
        return try await store.asyncRead { db in try db.totpRequiredForSamordnare() }
    }

    /// Switches TOTP on once the person has typed a code from the app for `secret` (the pending secret, kept by the
    /// caller until now and stored only here). Returns the ten recovery codes, which are shown once and kept only as
    /// hashes. Audited; the code and the secret are not.
    public func enableTOTP(for user: WebUser, secret: TOTPSecret, code typed: String, by actor: Actor) async throws -> (user: WebUser, recoveryCodes: [String]) {
        guard !user.hasTOTP else { throw TwoFactorError.alreadyOn }
        guard !user.signsInWithProvider else { throw AccountError.providerAccount }
        let now = clock()
        guard let step = Self.matchingStep(secret, typed: typed, now: now) else { throw TwoFactorError.wrongCode }
        let codes = TwoFactor.newRecoveryCodes()
        let hashes = codes.map { TwoFactor.hash(recoveryCode: TwoFactor.normalisedRecoveryCode($0)!) }
        let updated = try await store.asyncWrite { db in
            try db.enableTOTP(userID: user.id, secret: secret.bytes, step: step, recoveryHashes: hashes, at: now)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.totpEnabled.rawValue, detail: user.name, at: now)
            return try db.user(id: user.id)!
        }
        return (updated, codes)
    }

    /// Checks the second step of a sign-in: a TOTP code (6 digits) or a recovery code. A TOTP code passes for the
    /// current step or one either side, and only for a step later than the last one accepted for the account; a
    /// recovery code once. Throws ``TwoFactorError`` with the reason; the caller throttles and audits.
    public func verifySecondFactor(of user: WebUser, code typed: String) async throws -> TwoFactor.Method {
        let typed = String(typed.prefix(TwoFactor.inputLimit))
        let now = clock()
        if TwoFactor.digits(typed) != nil {
            let stored = try await store.asyncRead { db in try db.totp(userID: user.id) }
            guard let stored, let secret = TOTPSecret(bytes: stored.secret) else { throw TwoFactorError.notOn }
            // Any step of the window, replayed or not, tells a typo from a replay.
            guard let step = Self.matchingStep(secret, typed: typed, now: now) else { throw TwoFactorError.wrongCode }
            guard step > stored.lastStep, try await store.asyncWrite({ db in try db.acceptTOTPStep(userID: user.id, step: step) }) else {
                throw TwoFactorError.replayedCode
            }
            return .totp
        }
        guard user.hasTOTP, let normalised = TwoFactor.normalisedRecoveryCode(typed) else { throw TwoFactorError.wrongRecoveryCode }
        let hash = TwoFactor.hash(recoveryCode: normalised)
        guard try await store.asyncWrite({ db in try db.useRecoveryCode(userID: user.id, hash: hash, at: now) }) else {
            throw TwoFactorError.wrongRecoveryCode
        }
        return .recoveryCode
    }

    /// Ten new recovery codes for an account with TOTP, given its second factor again (a code from the app, or one
    /// of the recovery codes, which is used up): a session left open on a shared computer cannot make them. The old
    /// ones stop working. Audited.
    public func newRecoveryCodes(for user: WebUser, code typed: String, by actor: Actor) async throws -> [String] {
        guard user.hasTOTP else { throw TwoFactorError.notOn }
        _ = try await verifySecondFactor(of: user, code: typed)
        let codes = TwoFactor.newRecoveryCodes()
        let hashes = codes.map { TwoFactor.hash(recoveryCode: TwoFactor.normalisedRecoveryCode($0)!) }
        let now = clock()
        try await store.asyncWrite { db in
            try db.replaceRecoveryCodes(userID: user.id, hashes: hashes)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.recoveryCodesRenewed.rawValue, detail: user.name, at: now)
        }
        return codes
    }

    /// How many of the account's recovery codes are unused.
    public func unusedRecoveryCodes(of user: WebUser) async throws -> Int {
        try await store.asyncRead { db in try db.unusedRecoveryCodes(userID: user.id) }
    }

    /// Switches TOTP off for an account that lost its phone (`lagesbild user totp NAMN reset`): the secret and the
    /// recovery codes are forgotten, and the account's sessions end at their next request. Audited.
    public func resetTOTP(of name: String, by actor: Actor) async throws -> WebUser {
        let now = clock()
        return try await store.asyncWrite { db in
            guard let user = try db.user(named: name) else { throw WorkspaceError.unknownUser(name) }
            guard user.hasTOTP else { throw TwoFactorError.notOn }
            try db.resetTOTP(userID: user.id)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.totpReset.rawValue, detail: name, at: now)
            return try db.user(id: user.id)!
        }
    }

    /// Whether a samordnare must have TOTP to sign in.
    public func totpRequiredForSamordnare() async throws -> Bool {
        try await store.asyncRead { db in try db.totpRequiredForSamordnare() }
    }

    /// Sets whether a samordnare must have TOTP (`lagesbild settings --totp-samordnare på|av`). Audited.
    public func setTOTPRequiredForSamordnare(_ required: Bool, by actor: Actor) async throws {
        let now = clock()
        try await store.asyncWrite { db in
            try db.setTOTPRequiredForSamordnare(required)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.settingChanged.rawValue,
                         detail: "tvåstegsverifiering krävs för samordnare: \(required ? "på" : "av")", at: now)
        }
    }

    /// The step within the window whose code is `typed`, or nil. Every step of the window is computed, whichever
    /// matches, so the time taken does not tell which.
    package static func matchingStep(_ secret: TOTPSecret, typed: String, now: Date) -> Int64? {
        guard let code = TwoFactor.digits(typed) else { return nil }
        let current = TwoFactor.step(at: now)
        var found: Int64?
        for step in (current - TwoFactor.skew)...(current + TwoFactor.skew) where secret.code(step: step) == code && found == nil {
            found = step
        }
        return found
    }
}
