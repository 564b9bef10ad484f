import Foundation
import LagesbildModel

/// The registers as one import sees them: read once when the import starts, consulted by every file's validator, and
/// (with `addsNames`, the samordnare's choice) grown by the unknown names the files bring, which are written to the
/// registers in the import's transaction. Shared by the import's files, which are read one after the other; a lock
/// keeps the parsing thread and the writing thread apart.
final class RegisterBook: @unchecked Sendable {
    let addsNames: Bool
    private let lock = NSLock()
    /// Per register: folded name to the registered spelling.
    private var known: [NameRegister: [String: String]] = [:]
    private var names: [NameRegister: [String]] = [:]
    /// Names added by the source being read, not yet written.
    private var pending: [(register: NameRegister, name: String)] = []
    /// Every name added so far and kept.
    private(set) var added: [(register: NameRegister, name: String)] = []

    init(names: [NameRegister: [String]], addsNames: Bool) {
        self.addsNames = addsNames
        self.names = names
        for (register, list) in names {
            var folded: [String: String] = [:]
            for name in list where folded[TextKey.fold(name)] == nil { folded[TextKey.fold(name)] = name }
            known[register] = folded
        }
    }

    enum Lookup {
        case registered(String)
        /// Not registered: the nearest registered names, and whether the register is empty.
        case unknown(suggestions: [String], empty: Bool)
    }

    /// The registered spelling of `name`; or, when `adds` (or the book adds names), the name added to the register.
    func look(up name: String, in register: NameRegister, adds: Bool = false) -> Lookup {
        let folded = TextKey.fold(name)
        lock.lock()
        defer { lock.unlock() }
        if let spelling = known[register]?[folded] { return .registered(spelling) }
        if adds || addsNames {
            known[register, default: [:]][folded] = name
            names[register, default: []].append(name)
            pending.append((register, name))
            return .registered(name)
        }
        let list = names[register] ?? []
        return .unknown(suggestions: NameRegister.nearest(to: name, among: list), empty: list.isEmpty)
    }

    /// The names the source just read added, now kept: the caller writes them to the registers (``FileLoad``).
    func keepPending() -> [(register: NameRegister, name: String)] {
        lock.withLock {
            let taken = pending
            pending.removeAll()
            added += taken
            return taken
        }
    }

    /// Forgets the names a source added that is not kept (rolled back).
    func discardPending() {
        lock.withLock {
            for (register, name) in pending {
                known[register]?[TextKey.fold(name)] = nil
                names[register]?.removeAll { $0 == name }
            }
            pending.removeAll()
        }
    }
}
