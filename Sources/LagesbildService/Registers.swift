import Foundation
import LagesbildModel
import LagesbildStore

/// The registers' rules for the command line and the web pages alike: listing, adding, renaming and merging names,
/// each change audited. The rules on the names themselves (folding, collisions, history) are the store's.
extension WorkspaceService {
    /// A register's names in sorting order: the choices a form offers.
    public func registerNames(_ register: NameRegister) async throws -> [String] {
        try await store.asyncRead { db in try db.registerNames(register) }
    }

    /// Every register with its names and how many rows and accounts use each.
    public func registers() async throws -> [(register: NameRegister, entries: [RegisterEntry])] {
        try await store.asyncRead { db in try NameRegister.allCases.map { ($0, try db.registerEntries($0)) } }
    }

    /// Adds names to a register, all or none; returns them as stored.
    public func addNames(_ names: [String], to register: NameRegister, by actor: Actor) async throws -> [String] {
        let now = clock()
        return try await store.asyncWrite { db in
            let added = try db.addRegisterNames(names, to: register)
            try db.audit(user: actor.name, address: actor.address, action: AuditAction.registerAdd.rawValue,
                         detail: "\(register.singular): " + added.map { "\"\($0)\"" }.joined(separator: ", "), at: now)
            return added
        }
    }

    /// Renames a registered name (rows and scopes follow; undone like an import).
    public func rename(_ register: NameRegister, from old: String, to new: String, by actor: Actor) async throws -> RegisterChange {
        try await change(register, from: [old], to: new, merge: false, by: actor)
    }

    /// Merges registered names into another registered name (refused if two rows would get the same key).
    public func merge(_ register: NameRegister, from sources: [String], into target: String, by actor: Actor) async throws -> RegisterChange {
        try await change(register, from: sources, to: target, merge: true, by: actor)
    }

    private func change(_ register: NameRegister, from sources: [String], to target: String, merge: Bool, by actor: Actor) async throws -> RegisterChange {
        let now = clock()
        return try await store.asyncWrite { db in
            let change = try db.changeRegister(register, from: sources, to: target, merge: merge, at: now)
            let names = change.from.map { "\"\($0)\"" }.joined(separator: ", ")
            try db.audit(user: actor.name, address: actor.address, action: (merge ? AuditAction.registerMerge : .registerRename).rawValue,
                         detail: "\(register.singular) \(names) → \"\(change.to)\" (import \(change.logEntry))", at: now)
            return change
        }
    }
}

extension RegisterChange {
    /// What the change did, in Swedish, for the command line and the page.
    public var summary: String {
        let names = from.map { "\"\($0)\"" }.joined(separator: ", ")
        let verb = isRename ? "Bytte namn på" : "Slog ihop"
        return "\(verb) \(register.singular) \(names) till \"\(to)\": \(SwedishFormat.integer(rows)) rader och \(accounts) konton ändrade. "
            + "Ändringen står i importloggen som \(logEntry) och kan ångras."
    }
}
