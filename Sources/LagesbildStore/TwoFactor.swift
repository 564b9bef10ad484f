import Foundation
import GRDB

/// The rows of the accounts' second factor: a TOTP secret with the last time step used, and the recovery codes'
/// hashes. The rules (windows, hashing, auditing) are the workspace service's; these only read and write, each change
/// in one statement so that two requests with the same code cannot both pass.
extension Database {
    /// The account's TOTP secret and the last time step a code was accepted for, or nil while TOTP is off.
    package func totp(userID: Int64) throws -> (secret: [UInt8], lastStep: Int64)? {
        guard let row = try Row.fetchOne(self, sql: "SELECT totp_secret, totp_last_step FROM web_user WHERE id = ? AND totp_secret IS NOT NULL",
                                         arguments: [userID]) else { return nil }
        return ([UInt8](row["totp_secret"] as Data), row["totp_last_step"])
    }

    /// Switches TOTP on with its secret, the step of the code that confirmed it, and the recovery codes' hashes
    /// (replacing any kept before).
    package func enableTOTP(userID: Int64, secret: [UInt8], step: Int64, recoveryHashes: [String], at date: Date) throws {
        try execute(sql: "UPDATE web_user SET totp_secret = ?, totp_last_step = ?, totp_enabled_at = ? WHERE id = ?",
                    arguments: [Data(secret), step, Store.timestamp(date), userID])
        try replaceRecoveryCodes(userID: userID, hashes: recoveryHashes)
    }

    /// Records `step` as used if it is later than the last one used: false when it is not (a replayed code, or one
    /// another request accepted first).
    package func acceptTOTPStep(userID: Int64, step: Int64) throws -> Bool {
        try execute(sql: "UPDATE web_user SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL AND totp_last_step < ?",
                    arguments: [step, userID, step])
        return changesCount == 1
    }

    /// Marks an unused recovery code as used: false when the account has no unused code with this hash.
    package func useRecoveryCode(userID: Int64, hash: String, at date: Date) throws -> Bool {
        try execute(sql: "UPDATE recovery_code SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                    arguments: [Store.timestamp(date), userID, hash])
        return changesCount == 1
    }

    /// New recovery codes; the old ones, used or not, stop working.
    package func replaceRecoveryCodes(userID: Int64, hashes: [String]) throws {
        try execute(sql: "DELETE FROM recovery_code WHERE user_id = ?", arguments: [userID])
        for hash in hashes {
            try execute(sql: "INSERT INTO recovery_code (user_id, code_hash) VALUES (?, ?)", arguments: [userID, hash])
        }
    }

    package func unusedRecoveryCodes(userID: Int64) throws -> Int {
        try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM recovery_code WHERE user_id = ? AND used_at IS NULL", arguments: [userID]) ?? 0
    }

    /// Switches TOTP off and forgets the account's recovery codes.
    package func resetTOTP(userID: Int64) throws {
        try execute(sql: "UPDATE web_user SET totp_secret = NULL, totp_last_step = 0, totp_enabled_at = NULL WHERE id = ?", arguments: [userID])
        try execute(sql: "DELETE FROM recovery_code WHERE user_id = ?", arguments: [userID])
    }

    /// Whether a samordnare must have TOTP to sign in (setting `totp_samordnare`; on unless set to "av").
    package func totpRequiredForSamordnare() throws -> Bool {
        try String.fetchOne(self, sql: "SELECT value FROM setting WHERE key = 'totp_samordnare'") != "av"
    }

    package func setTOTPRequiredForSamordnare(_ required: Bool) throws {
        try execute(sql: "INSERT OR REPLACE INTO setting(key, value) VALUES ('totp_samordnare', ?)", arguments: [required ? "på" : "av"])
    }
}

extension Store {
    public func totpRequiredForSamordnare() throws -> Bool { try read { db in try db.totpRequiredForSamordnare() } }

    public func setTOTPRequiredForSamordnare(_ required: Bool) throws { try write { db in try db.setTOTPRequiredForSamordnare(required) } }
}
