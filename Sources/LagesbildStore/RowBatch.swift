/// A value to bind for one column of a row. Text points into the record being handled (or into
/// storage owned by the validator) and is valid only until the next record.
package enum BindValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(UnsafeBufferPointer<UInt8>)
}

/// Rows for the fact writer, their texts copied into the batch's own arena (the import's parser reuses its
/// buffers, and hands batches to the writing thread).
package final class RowBatch: @unchecked Sendable {
    package static let capacity = 2048

    enum StoredValue {
        case null
        case integer(Int64)
        case real(Double)
        case text(offset: Int, count: Int)
    }

    let columns: Int
    private(set) var arena: [UInt8] = []
    private(set) var values: [StoredValue] = []
    private(set) var lines: [Int] = []

    package init(columns: Int) {
        self.columns = columns
        arena.reserveCapacity(Self.capacity * 48)
        values.reserveCapacity(Self.capacity * columns)
        lines.reserveCapacity(Self.capacity)
    }

    package var count: Int { lines.count }
    package var isFull: Bool { lines.count >= Self.capacity }

    package func append(_ row: [BindValue], line: Int) {
        for value in row {
            switch value {
            case .null: values.append(.null)
            case .integer(let integer): values.append(.integer(integer))
            case .real(let real): values.append(.real(real))
            case .text(let bytes):
                values.append(.text(offset: arena.count, count: bytes.count))
                arena.append(contentsOf: bytes)
            }
        }
        lines.append(line)
    }

    package func reset() {
        arena.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with the row count and accessors for each row's values (texts pointing into the arena)
    /// and line.
    func withRows<T>(_ body: (_ count: Int, _ value: (Int, Int) -> BindValue, _ line: (Int) -> Int) throws -> T) rethrows -> T {
        try arena.withUnsafeBufferPointer { arenaBytes in
            let columns = self.columns
            let values = self.values, lines = self.lines
            return try body(lines.count, { row, column in
                switch values[row * columns + column] {
                case .null: return .null
                case .integer(let integer): return .integer(integer)
                case .real(let real): return .real(real)
                case .text(let offset, let count): return .text(UnsafeBufferPointer(rebasing: arenaBytes[offset..<(offset + count)]))
                }
            }, { lines[$0] })
        }
    }
}

extension RowBatch {
    /// The rows whose text in `column` is empty, with their line and the values of `columns` (texts and integers as
    /// text). The import's pass for zero reports (``ZeroReport``): one comparison per row.
    package func rows(withEmptyTextIn column: Int, reading wanted: [Int]) -> [(line: Int, values: [String])] {
        var result: [(line: Int, values: [String])] = []
        for row in 0..<count {
            guard case .text(_, 0) = values[row * columns + column] else { continue }
            let texts = wanted.map { index -> String in
                switch values[row * columns + index] {
                case .null: ""
                case .integer(let integer): String(integer)
                case .real(let real): String(real)
                case .text(let offset, let count): String(decoding: arena[offset..<(offset + count)], as: UTF8.self)
                }
            }
            result.append((lines[row], texts))
        }
        return result
    }
}
