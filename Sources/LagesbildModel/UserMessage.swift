/// An error whose description is a Swedish sentence a coordinator can act on. Each stage's errors conform;
/// `userMessage(for:)` (LagesbildStore) renders any error for a user.
public protocol UserFacingError: Error, CustomStringConvertible {}
