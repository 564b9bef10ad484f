import Foundation
import GRDB
import LagesbildModel

/// What a rename or merge of register names did.
public struct RegisterChange: Sendable, Equatable {
    /// The import-log entry of the change; `undo` of it reverses the change exactly.
    public let logEntry: Int64
    public let register: NameRegister
    /// The registered names that were replaced, and the name they became.
    public let from: [String]
    public let to: String
    /// Stored rows now written with the new name (the old ones are in their kind's history).
    public let rows: Int
    /// Accounts whose scope changed.
    public let accounts: Int
    /// A rename (to a new name) rather than a merge (into a registered one).
    public let isRename: Bool
}

extension Database {
    /// Renames a registered name (`merge` false: `to` is a new name, which may be a new spelling of the same name) or
    /// merges registered names into another registered one (`merge` true). Every stored row naming a replaced name
    /// goes to its kind's history, replaced by a new entry of the import log, and is written anew with the new name;
    /// the accounts' scopes follow (the old ones kept for undo). A merge that would give two rows the same key is
    /// refused naming them: nothing is ever summed.
    package func changeRegister(_ register: NameRegister, from sources: [String], to target: String, merge: Bool,
                                at date: Date) throws -> RegisterChange {
        guard !sources.isEmpty else { throw RegisterError.mergeNeedsTwoNames(register) }
        var from: [String] = []
        for source in sources {
            let name = try requireRegisteredName(source, in: register)
            if !from.contains(name) { from.append(name) }
        }
        let to: String
        if merge {
            to = try requireRegisteredName(target, in: register)
            from.removeAll { $0 == to }
            guard !from.isEmpty else { throw RegisterError.sameName(register, to) }
        } else {
            to = try Self.validRegisterName(target, in: register)
            if to == from[0] { throw RegisterError.sameName(register, to) }
            if let existing = try registeredName(to, in: register), existing != from[0] {
                throw RegisterError.nameExists(register, to, existing: existing)
            }
        }
        let collisions = try register.columns.flatMap { try collidingRows(kind: $0.kind, column: $0.column, names: from + [to], register: register) }
        if !collisions.isEmpty { throw RegisterError.collision(register, rows: Array(collisions.prefix(10))) }

        let label = merge
            ? "sammanslagning: \(register.singular) \(from.map { "\"\($0)\"" }.joined(separator: ", ")) → \"\(to)\""
            : "namnbyte: \(register.singular) \"\(from[0])\" → \"\(to)\""
        let entry = try ImportLog.begin(self, at: Store.timestamp(date), kind: register.logKind, fileName: label, encoding: "")
        let marks = Array(repeating: "?", count: from.count).joined(separator: ", ")
        var rows = 0
        for (kind, column) in register.columns {
            let all = kind.columns.map(\.db.rawValue).joined(separator: ", ")
            try execute(sql: """
                INSERT INTO \(kind.table)_history (\(all), import_id, line, replaced_by)
                SELECT \(all), import_id, line, ? FROM \(kind.table) WHERE \(column.rawValue) IN (\(marks))
                """, arguments: StatementArguments([entry.databaseValue] + from.map(\.databaseValue)))
            try execute(sql: "UPDATE \(kind.table) SET \(column.rawValue) = ?, import_id = ?, line = 0 WHERE \(column.rawValue) IN (\(marks))",
                        arguments: StatementArguments([to.databaseValue, entry.databaseValue] + from.map(\.databaseValue)))
            rows += changesCount
        }
        try execute(sql: """
            INSERT INTO register_history (kind, name, import_id, replaced_by)
            SELECT kind, name, import_id, ? FROM register WHERE kind = ? AND name IN (\(marks))
            """, arguments: StatementArguments([entry.databaseValue, register.databaseValue] + from.map(\.databaseValue)))
        try execute(sql: "DELETE FROM register WHERE kind = ? AND name IN (\(marks))",
                    arguments: StatementArguments([register.databaseValue] + from.map(\.databaseValue)))
        if !merge {
            try execute(sql: "INSERT INTO register (kind, name, import_id) VALUES (?, ?, ?)", arguments: [register, to, entry])
        }
        var accounts = 0
        if let scope = register.scopeColumn {
            for user in try Row.fetchAll(self, sql: "SELECT id, kallor, forvaltningar, \(scope) AS scope FROM web_user ORDER BY id") {
                let names = (user["scope"] as String).split(separator: "\n").map(String.init)
                guard names.contains(where: from.contains) else { continue }
                var renamed: [String] = []
                for name in names.map({ from.contains($0) ? to : $0 }) where !renamed.contains(name) { renamed.append(name) }
                try execute(sql: "INSERT INTO web_user_scope_history (user_id, kallor, forvaltningar, replaced_by) VALUES (?, ?, ?, ?)",
                            arguments: [user["id"] as Int64, user["kallor"] as String, user["forvaltningar"] as String, entry])
                try execute(sql: "UPDATE web_user SET \(scope) = ? WHERE id = ?", arguments: [renamed.joined(separator: "\n"), user["id"] as Int64])
                accounts += 1
            }
        }
        try execute(sql: "UPDATE import_log SET register = ?, rows_replaced = ? WHERE id = ?", arguments: [register, rows, entry])
        return RegisterChange(logEntry: entry, register: register, from: from, to: to, rows: rows, accounts: accounts, isRename: !merge)
    }

    /// Rows of a kind that would share a key once every name of `names` in `column` is the same: each group described
    /// in Swedish ("signaler år 2024, månad 3, …: källa "A" och "B"").
    private func collidingRows(kind: DataKind, column: ColumnKey, names: [String], register: NameRegister) throws -> [String] {
        let others = kind.keyColumns.filter { $0.db != column }
        let grouping = others.map(\.db.rawValue).joined(separator: ", ")
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let groups = try Row.fetchAll(self, sql: """
            SELECT \(grouping), group_concat(\(column.rawValue), char(31)) AS names FROM \(kind.table)
            WHERE \(column.rawValue) IN (\(marks)) GROUP BY \(grouping) HAVING COUNT(*) > 1 ORDER BY \(grouping) LIMIT 10
            """, arguments: StatementArguments(names))
        return groups.map { row in
            let key = others.enumerated().compactMap { index, spec -> String? in
                let value = row[index] as DatabaseValue
                if spec.db == .kommun { return nil }
                if spec.db == .month, (Int.fromDatabaseValue(value) ?? 0) == 0 { return nil }
                let text = String.fromDatabaseValue(value) ?? Int.fromDatabaseValue(value).map(String.init) ?? ""
                return "\(spec.name) \(text.isEmpty ? "(tomt)" : text)"
            }.joined(separator: ", ")
            let clashing = (row["names"] as String).split(separator: "\u{1F}").map { "\"\($0)\"" }.sorted()
            return "\(kind.rawValue) \(key): \(register.singular) \(clashing.joined(separator: " och "))"
        }
    }

    /// Reverses a rename or merge (`entry`, of `register`): the rows it wrote are removed and the ones it replaced
    /// restored, the register and the accounts' scopes are as before. Refused while a later entry depends on it: one
    /// that replaced rows or names it wrote, or rows and accounts that name a name it added. Returns (removed, restored).
    package func undoRegisterChange(_ entry: Int64, register: NameRegister) throws -> (removed: Int, restored: Int) {
        var blockers: [Int64] = []
        for kind in Set(register.columns.map(\.kind)) {
            blockers += try Int64.fetchAll(self, sql: "SELECT DISTINCT replaced_by FROM \(kind.table)_history WHERE import_id = ?", arguments: [entry])
        }
        blockers += try Int64.fetchAll(self, sql: "SELECT DISTINCT replaced_by FROM register_history WHERE import_id = ?", arguments: [entry])
        if !blockers.isEmpty {
            let names = try Row.fetchAll(self, sql: "SELECT id, file_name FROM import_log WHERE id IN (\(Set(blockers).map(String.init).joined(separator: ","))) ORDER BY id")
            throw UndoError.blocked(entry, by: names.map { (id: $0[0], file: $0[1]) })
        }
        var removed = 0, restored = 0
        for kind in register.columns.map(\.kind).uniqued() {
            let columns = (kind.columns.map(\.db.rawValue) + ["import_id", "line"]).joined(separator: ", ")
            try execute(sql: "DELETE FROM \(kind.table) WHERE import_id = ?", arguments: [entry])
            removed += changesCount
            try execute(sql: "INSERT INTO \(kind.table) (\(columns)) SELECT \(columns) FROM \(kind.table)_history WHERE replaced_by = ?", arguments: [entry])
            restored += changesCount
            try execute(sql: "DELETE FROM \(kind.table)_history WHERE replaced_by = ?", arguments: [entry])
        }
        try execute(sql: """
            UPDATE web_user SET
              kallor = (SELECT h.kallor FROM web_user_scope_history h WHERE h.user_id = web_user.id AND h.replaced_by = ?1),
              forvaltningar = (SELECT h.forvaltningar FROM web_user_scope_history h WHERE h.user_id = web_user.id AND h.replaced_by = ?1)
            WHERE id IN (SELECT user_id FROM web_user_scope_history WHERE replaced_by = ?1)
            """, arguments: [entry])
        try execute(sql: "DELETE FROM web_user_scope_history WHERE replaced_by = ?", arguments: [entry])
        for added in try String.fetchAll(self, sql: "SELECT name FROM register WHERE kind = ? AND import_id = ?", arguments: [register, entry]) {
            let uses = try usesOfName(added, in: register)
            if !uses.isEmpty { throw UndoError.nameInUse(entry, name: added, uses: uses) }
        }
        try execute(sql: "DELETE FROM register WHERE kind = ? AND import_id = ?", arguments: [register, entry])
        try execute(sql: "INSERT INTO register (kind, name, import_id) SELECT kind, name, import_id FROM register_history WHERE replaced_by = ?",
                    arguments: [entry])
        try execute(sql: "DELETE FROM register_history WHERE replaced_by = ?", arguments: [entry])
        return (removed, restored)
    }
}

extension Store {
    /// Renames a registered name; see ``Database/changeRegister(_:from:to:merge:at:)``.
    public func renameRegisterName(_ register: NameRegister, from old: String, to new: String, at date: Date = Date()) throws -> RegisterChange {
        try write { db in try db.changeRegister(register, from: [old], to: new, merge: false, at: date) }
    }

    /// Merges registered names into another registered name; see ``Database/changeRegister(_:from:to:merge:at:)``.
    public func mergeRegisterNames(_ register: NameRegister, from sources: [String], into target: String, at date: Date = Date()) throws -> RegisterChange {
        try write { db in try db.changeRegister(register, from: sources, to: target, merge: true, at: date) }
    }
}
