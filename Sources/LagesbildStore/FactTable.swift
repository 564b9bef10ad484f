import Foundation
import GRDB
import GRDBSQLite
import LagesbildModel

/// One municipality's rows of one kind, read into memory in a single pass over the table's key range.
///
/// The indicator engine asks many questions of the same rows (sums, distinct counts, breakdowns, for
/// every year); answering them from columns in memory is far cheaper than one SQL scan per question.
/// Texts are interned per column, so filters and groups compare small integers.
package final class FactTable {
    let kind: DataKind
    /// Per column of `kind.columns` (the kommun column is not loaded): integers, with `missing` for NULL.
    package private(set) var integers: [ColumnKey: [Int32]] = [:]
    /// Per text column: each row's interned id, and the texts by id.
    package private(set) var texts: [ColumnKey: [Int32]] = [:]
    package private(set) var dictionary: [ColumnKey: [String]] = [:]
    package private(set) var count = 0

    package static let missing = Int32.min

    package init(db: Database, kind: DataKind, kommun: KommunCode) throws {
        self.kind = kind
        let columns = kind.columns.filter { column in
            if case .decimal = column.type { return false }
            return column.db != .kommun
        }
        let statement = try db.makeStatement(sql: "SELECT \(columns.map(\.db.rawValue).joined(separator: ", ")) FROM \(kind.table) WHERE kommun = ?")
        try statement.setArguments([kommun.rawValue])
        let handle = statement.sqliteStatement
        var isText = [Bool](), interners = [Interner]()
        for column in columns {
            switch column.type {
            case .year, .month, .count, .optionalCount:
                isText.append(false)
                integers[column.db] = []
            case .kommun, .region, .vocabulary, .label, .requiredLabel, .populationArea, .decimal, .geometry:
                isText.append(true)
                texts[column.db] = []
            }
            interners.append(Interner())
        }
        var integerColumns = columns.indices.map { isText[$0] ? [] : [Int32]() }
        var textColumns = columns.indices.map { isText[$0] ? [Int32]() : [] }
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            for index in columns.indices {
                let column = Int32(index)
                if isText[index] {
                    let length = Int(sqlite3_column_bytes(handle, column))
                    let bytes = sqlite3_column_text(handle, column).map { UnsafeBufferPointer(start: $0, count: length) }
                        ?? UnsafeBufferPointer(start: nil, count: 0)
                    textColumns[index].append(interners[index].id(for: bytes))
                } else if sqlite3_column_type(handle, column) == SQLITE_NULL {
                    integerColumns[index].append(Self.missing)
                } else {
                    integerColumns[index].append(Int32(truncatingIfNeeded: sqlite3_column_int64(handle, column)))
                }
            }
            count += 1
        }
        for (index, column) in columns.enumerated() {
            if isText[index] {
                texts[column.db] = textColumns[index]
                dictionary[column.db] = interners[index].strings
            } else {
                integers[column.db] = integerColumns[index]
            }
        }
    }

    /// The id of a text in a column, or nil when no row has it.
    package func id(of text: String, in column: ColumnKey) -> Int32? {
        dictionary[column]?.firstIndex(of: text).map(Int32.init)
    }

    /// Assigns small ids to the distinct texts of a column. A column holds few distinct texts, so a short
    /// list is searched first; a dictionary takes over for long ones.
    private struct Interner {
        var strings: [String] = []
        var recent: [(bytes: [UInt8], id: Int32)] = []
        var lookup: [String: Int32] = [:]

        mutating func id(for bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            for entry in recent where entry.bytes.count == bytes.count {
                if bytes.count == 0 || entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) }) == 0 {
                    return entry.id
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let id: Int32
            if let known = lookup[text] {
                id = known
            } else {
                id = Int32(strings.count)
                strings.append(text)
                lookup[text] = id
            }
            if recent.count < 32 { recent.append((Array(bytes), id)) }
            return id
        }
    }
}
