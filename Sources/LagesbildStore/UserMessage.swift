import GRDB
import LagesbildModel

extension StoreError: UserFacingError {}

/// The Swedish message for any error the library throws; SQLite's own errors are translated where a
/// user can act on them (a busy or read-only database, a full disk).
public func userMessage(for error: Error) -> String {
    if let error = error as? UserFacingError { return error.description }
    if let error = error as? DatabaseError {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "databasen används av en annan körning just nu; försök igen om en stund"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            return "databasen kan inte skrivas eller öppnas (behörighet?): \(error.message ?? "")"
        case .SQLITE_FULL:
            return "disken är full; inget skrevs"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "databasfilen är skadad eller inte en lagesbild-databas"
        default:
            return "databasfel: \(error.message ?? "\(error.resultCode)")"
        }
    }
    return "oväntat fel: \(error)"
}
