import GRDB
import LagesbildModel

/// The verdict of `lagesbild check`.
public struct CheckReport: Sendable, Equatable {
    /// Each problem as a Swedish sentence; empty when the database is sound.
    public let problems: [String]
    /// What was checked, for the user.
    public let checked: [String]
    public var isSound: Bool { problems.isEmpty }
}

extension Store {
    /// SQLite's integrity and foreign-key checks, then the store's own rules on what is stored.
    public func check() throws -> CheckReport {
        try read { db in
            var problems: [String] = []
            var checked: [String] = []

            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            checked.append("SQLite:s integritetskontroll (PRAGMA integrity_check)")
            if integrity != ["ok"] { problems += integrity.prefix(20).map { "integritetskontrollen: \($0)" } }

            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            checked.append("främmande nycklar (PRAGMA foreign_key_check)")
            for row in foreignKeys.prefix(20) {
                problems.append("tabellen \(row[0] as String) rad \(row[1] as Int64? ?? 0) pekar på en saknad rad i \(row[2] as String)")
            }

            // The import's rules, again, on what is stored (a database edited by hand could break them).
            var rules: [(String, String)] = [
                ("signal", "orosanmalningar > antal"), ("signal", "polisanmalningar > antal"),
                ("utbildning", "genomfort > malgrupp"),
                // A zero report (no kategori) says "no signals": nothing counted, and no signals beside it that month.
                ("signal", "kategori = '' AND (antal <> 0 OR miljo <> '' OR omrade <> '' OR kalla = '')"),
                ("signal", """
                    kategori = '' AND EXISTS (SELECT 1 FROM signal s WHERE s.kommun = signal.kommun AND s.ar = signal.ar
                    AND s.manad = signal.manad AND s.kalla = signal.kalla AND s.kategori <> '')
                    """),
            ]
            for kind in DataKind.allCases {
                let lengths = kind.columns.contains { if case .region = $0.type { true } else { false } } ? "(2, 4)" : "(4)"
                rules.append((kind.table, "length(kommun) NOT IN \(lengths) OR kommun GLOB '*[^0-9]*'"))
                if kind.hasYear { rules.append((kind.table, "ar NOT BETWEEN \(Years.valid.lowerBound) AND \(Years.valid.upperBound)")) }
                rules.append((kind.table, "import_id NOT IN (SELECT id FROM import_log WHERE action = 'import')"))
            }
            for (table, condition) in rules {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)") ?? 0
                if count > 0 { problems.append("\(count) rader i \(table) där \(condition)") }
            }
            checked.append("lagesbilds regler: orosanmälningar och polisanmälningar högst antal, genomfört högst målgrupp, nollrapporter utan signaler, kommunkoder, år, importlogg")

            // Every name a row gives is in its register (a database edited by hand, or a register entry removed, could break it).
            for register in NameRegister.allCases {
                for (kind, column) in register.columns {
                    let count = try Int.fetchOne(db, sql: """
                        SELECT COUNT(*) FROM \(kind.table) WHERE \(column.rawValue) <> ''
                        AND \(column.rawValue) NOT IN (SELECT name FROM register WHERE kind = ?)
                        """, arguments: [register.rawValue]) ?? 0
                    if count > 0 { problems.append("\(count) rader i \(kind.table) har ett namn i \(column.rawValue) som saknas i \(register.registerInSwedish)") }
                }
            }
            checked.append("varje källa, förvaltning, område och aktör finns i sitt register")

            // Every undone import has left nothing behind.
            for kind in DataKind.allCases {
                let count = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM \(kind.table) WHERE import_id IN (SELECT undoes FROM import_log WHERE undoes IS NOT NULL)
                    """) ?? 0
                if count > 0 { problems.append("\(count) rader i \(kind.table) kommer från en ångrad import") }
            }
            checked.append("ångrade importer har inga rader kvar")
            return CheckReport(problems: problems, checked: checked)
        }
    }
}
