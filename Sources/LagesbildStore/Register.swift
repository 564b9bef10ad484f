import Foundation
import GRDB
import LagesbildModel

extension NameRegister: DatabaseValueConvertible {}

/// One name of a register and how much uses it.
public struct RegisterEntry: Sendable, Equatable {
    public let name: String
    /// Stored rows (of every kind the register names) that name it.
    public let rows: Int
    /// Accounts whose scope names it (källor and förvaltningar only).
    public let accounts: Int
}

/// Why a register cannot be changed as asked, or why a name is refused.
public enum RegisterError: Error, Equatable, UserFacingError {
    /// A name not in the register, with the nearest registered names (possibly none).
    case unknownName(NameRegister, String, suggestions: [String], registerIsEmpty: Bool)
    /// A new name that folds to one already registered.
    case nameExists(NameRegister, String, existing: String)
    case emptyName(NameRegister)
    case nameTooLong(NameRegister, String, limit: Int)
    case controlCharacter(NameRegister, String)
    case sameName(NameRegister, String)
    case mergeNeedsTwoNames(NameRegister)
    /// A merge that would give two rows the same key; each colliding row described in Swedish.
    case collision(NameRegister, rows: [String])

    public var description: String {
        switch self {
        case .unknownName(let register, let name, let suggestions, let empty):
            register.refusal(of: name, suggestions: suggestions, registerIsEmpty: empty)
        case .nameExists(let register, let name, let existing):
            name == existing ? "\(register.singular) \"\(name)\" finns redan i \(register.registerInSwedish)"
                : "\(register.singular) \"\(name)\" finns redan i \(register.registerInSwedish) som \"\(existing)\"; slå ihop namnen i stället"
        case .emptyName(let register): "ett namn i \(register.registerInSwedish) får inte vara tomt"
        case .nameTooLong(let register, let name, let limit):
            "\(register.singular) \"\(name.prefix(40))…\" är längre än \(limit) tecken"
        case .controlCharacter(let register, let name):
            "\(register.singular) \"\(name)\" innehåller ett styrtecken, som inte syns men kan ändra hur texten visas"
        case .sameName(let register, let name): "\(register.singular) \"\(name)\" heter redan så; inget ändrades"
        case .mergeNeedsTwoNames(let register): "ange minst ett namn att slå ihop och det namn i \(register.registerInSwedish) de ska bli"
        case .collision(let register, let rows):
            "sammanslagningen ger två rader med samma nyckel och görs inte (inget summeras): " + rows.joined(separator: "; ")
                + ". Ta bort eller ändra en av raderna först och slå sedan ihop \(register.title.lowercased())"
        }
    }
}

/// The registers' rows: reading names, adding them. Renames and merges are in `RegisterChange.swift`.
extension Database {
    /// A register's names, in sorting order.
    package func registerNames(_ register: NameRegister) throws -> [String] {
        try String.fetchAll(self, sql: "SELECT name FROM register WHERE kind = ? ORDER BY name", arguments: [register])
    }

    /// Every register's names.
    package func allRegisterNames() throws -> [NameRegister: [String]] {
        var names: [NameRegister: [String]] = [:]
        for register in NameRegister.allCases { names[register] = try registerNames(register) }
        return names
    }

    /// A register's names with the rows and accounts that use each.
    package func registerEntries(_ register: NameRegister) throws -> [RegisterEntry] {
        var rows: [String: Int] = [:]
        for (kind, column) in register.columns {
            for row in try Row.fetchAll(self, sql: "SELECT \(column.rawValue), COUNT(*) FROM \(kind.table) GROUP BY 1") {
                rows[row[0], default: 0] += row[1]
            }
        }
        var accounts: [String: Int] = [:]
        if let scope = register.scopeColumn {
            for list in try String.fetchAll(self, sql: "SELECT \(scope) FROM web_user") {
                for name in Set(list.split(separator: "\n").map(String.init)) { accounts[name, default: 0] += 1 }
            }
        }
        return try registerNames(register).map { RegisterEntry(name: $0, rows: rows[$0] ?? 0, accounts: accounts[$0] ?? 0) }
    }

    /// The registered spelling of `name`: the entry it folds to (``TextKey/fold(_:)``), or nil.
    package func registeredName(_ name: String, in register: NameRegister) throws -> String? {
        let folded = TextKey.fold(name)
        return try registerNames(register).first { TextKey.fold($0) == folded }
    }

    /// The registered spelling of `name`, or ``RegisterError/unknownName(_:_:suggestions:registerIsEmpty:)`` with the
    /// nearest names.
    package func requireRegisteredName(_ name: String, in register: NameRegister) throws -> String {
        let names = try registerNames(register)
        let folded = TextKey.fold(name)
        if let known = names.first(where: { TextKey.fold($0) == folded }) { return known }
        throw RegisterError.unknownName(register, name, suggestions: NameRegister.nearest(to: name, among: names), registerIsEmpty: names.isEmpty)
    }

    /// Adds names to a register, all or none: each must be a valid label that folds to no registered name nor to
    /// another of `names`. `importID`: the import-log entry that adds them (an import with new names), nil by hand.
    /// Returns the names as stored (trimmed).
    @discardableResult
    package func addRegisterNames(_ names: [String], to register: NameRegister, importID: Int64? = nil) throws -> [String] {
        var known = Dictionary(try registerNames(register).map { (TextKey.fold($0), $0) }, uniquingKeysWith: { first, _ in first })
        var added: [String] = []
        for raw in names {
            let name = try Self.validRegisterName(raw, in: register)
            let folded = TextKey.fold(name)
            if let existing = known[folded] { throw RegisterError.nameExists(register, name, existing: existing) }
            known[folded] = name
            added.append(name)
        }
        for name in added {
            try execute(sql: "INSERT INTO register (kind, name, import_id) VALUES (?, ?, ?)", arguments: [register, name, importID])
        }
        return added
    }

    /// A name as a register keeps it: trimmed, not empty, at most 200 characters, without control characters.
    package static func validRegisterName(_ raw: String, in register: NameRegister) throws -> String {
        let name = TextKey.trimmed(raw)
        if name.isEmpty { throw RegisterError.emptyName(register) }
        if name.count > 200 { throw RegisterError.nameTooLong(register, name, limit: 200) }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x202A...0x202E).contains($0.value)
            || (0x2066...0x2069).contains($0.value) }) {
            throw RegisterError.controlCharacter(register, name)
        }
        return name
    }

    /// Removes the names an import added that nothing uses any more (after the import is undone).
    package func removeUnusedNames(addedBy importID: Int64) throws {
        for register in NameRegister.allCases {
            let names = try String.fetchAll(self, sql: "SELECT name FROM register WHERE kind = ? AND import_id = ?", arguments: [register, importID])
            for name in names {
                guard try usesOfName(name, in: register).isEmpty else { continue }
                try execute(sql: "DELETE FROM register WHERE kind = ? AND name = ?", arguments: [register, name])
            }
        }
    }

    /// What still names `name`: the import-log entries of rows, and accounts (as "konto NAMN").
    package func usesOfName(_ name: String, in register: NameRegister) throws -> [String] {
        var uses: [String] = []
        for (kind, column) in register.columns {
            uses += try Int64.fetchAll(self, sql: "SELECT DISTINCT import_id FROM \(kind.table) WHERE \(column.rawValue) = ? ORDER BY 1",
                                       arguments: [name]).map { "import \($0)" }
        }
        if let scope = register.scopeColumn {
            for user in try Row.fetchAll(self, sql: "SELECT name, \(scope) FROM web_user ORDER BY name") {
                if (user[1] as String).split(separator: "\n").contains(Substring(name)) { uses.append("konto \(user[0] as String)") }
            }
        }
        return uses
    }
}

extension NameRegister {
    /// The column of `web_user` that names entries of this register, if any.
    package var scopeColumn: String? {
        switch self {
        case .kallor: "kallor"
        case .forvaltningar: "forvaltningar"
        case .omraden, .aktorer: nil
        }
    }

    /// The kind an import-log entry of a rename or merge is listed under.
    package var logKind: DataKind {
        switch self {
        case .kallor: .signaler
        case .forvaltningar: .utbildning
        case .omraden: .omraden
        case .aktorer: .samverkan
        }
    }
}

extension Store {
    /// A register's names in sorting order: the choices a form offers.
    public func registerNames(_ register: NameRegister) throws -> [String] { try read { db in try db.registerNames(register) } }

    /// A register's names with how many rows and accounts use each.
    public func registerEntries(_ register: NameRegister) throws -> [RegisterEntry] { try read { db in try db.registerEntries(register) } }

    /// Adds names to a register (all or none); returns them as stored.
    @discardableResult
    public func addRegisterNames(_ names: [String], to register: NameRegister) throws -> [String] {
        try write { db in try db.addRegisterNames(names, to: register) }
    }
}
