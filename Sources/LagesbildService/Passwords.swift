import HummingbirdBcrypt

/// Passwords of the workspace's accounts: at least 12 characters, kept only as a bcrypt hash (cost 12: about a
/// quarter of a second per try on this machine, which is what makes a stolen database's hashes slow to attack).
public enum Passwords {
    public static let minimumLength = 12
    public static let cost: UInt8 = 12

    /// Why a new password is refused, in Swedish, or nil when it is acceptable.
    public static func problem(with password: String) -> String? {
        if password.count < minimumLength { return "lösenordet ska ha minst \(minimumLength) tecken" }
        if password.utf8.count > 72 { return "lösenordet får ha högst 72 byte (bcrypt läser inte längre)" }
        return nil
    }

    public static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: cost) }

    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A hash to verify against when the account does not exist, so that the answer takes as long either way.
    static let decoy = Bcrypt.hash("lagesbild-decoy-password", cost: cost)
}
