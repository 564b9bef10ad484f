import GRDB

extension Store {
    /// Whether the database holds the demo's fictitious data (every report page is then marked).
    public func isDemo() throws -> Bool {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'demo'") == "1" }
    }

    public func markAsDemo() throws {
        try queue.write { db in try db.execute(sql: "INSERT OR REPLACE INTO setting(key, value) VALUES ('demo', '1')") }
    }

    /// The imports whose rows for this municipality are stored now: the report's data sources.
    public func importsBehind(kommun: KommunCode) throws -> [ImportLogEntry] {
        let ids = try read { db in
            try Int64.fetchAll(db, sql: DataKind.allCases.map { "SELECT DISTINCT import_id FROM \($0.table) WHERE kommun = ?" }.joined(separator: " UNION "),
                               arguments: StatementArguments(Array(repeating: kommun.rawValue, count: DataKind.allCases.count)))
        }
        let wanted = Set(ids)
        return try importLog().filter { wanted.contains($0.id) }
    }
}
