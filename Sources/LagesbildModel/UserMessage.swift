/// An error whose description is a Swedish sentence a coordinator can act on. Each stage's errors conform;
/// `userMessage(for:)` (LagesbildStore) renders any error for a user.
public protocol UserFacingError: Error, CustomStringConvertible {}

/// Compares two texts in time that depends on their length only (CSRF tokens, session credentials, the sign-in's
/// state and nonce).
public func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
