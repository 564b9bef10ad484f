import Foundation

/// Validated rows handed from the parsing thread to the writing thread, with their text copied out of the
/// file buffer (which the parser reuses) into the batch's own arena.
final class RowBatch: @unchecked Sendable {
    static let capacity = 2048

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
    /// Validation errors found while this batch was filled, in line order.
    var errors: [ImportError] = []

    init(columns: Int) {
        self.columns = columns
        arena.reserveCapacity(Self.capacity * 48)
        values.reserveCapacity(Self.capacity * columns)
        lines.reserveCapacity(Self.capacity)
    }

    var count: Int { lines.count }
    var isFull: Bool { lines.count >= Self.capacity || errors.count >= Importer.errorLimit }

    func append(_ row: [BindValue], line: Int) {
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

    func reset() {
        arena.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        errors.removeAll(keepingCapacity: true)
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

/// Reads, scans and validates a file on a second thread while the caller writes rows into SQLite: on two
/// cores the import then takes about as long as its database work alone. A bounded queue of batches keeps
/// memory flat whatever the file's size.
final class ParsePipeline: @unchecked Sendable {
    enum Message {
        case header(HeaderMapping)
        case batch(RowBatch)
        /// Errors that end the file (a bad header, an unreadable or malformed file).
        case failed([ImportError])
        case finished(dataRows: Int)
    }

    private struct Cancelled: Error {}

    private let condition = NSCondition()
    private var queue: [Message] = []
    private var spare: [RowBatch] = []
    private var cancelled = false
    private var done = false
    private static let depth = 4

    /// Records come from `source`, which calls its argument once per record (header first) and throws
    /// ``ImportError`` for a file it cannot read.
    typealias RecordSource = @Sendable (_ emit: (CSVRecordView) throws -> Void) throws -> Void

    init(name: String, forcedKind: DataKind?, defaultKommun: KommunCode, source: @escaping RecordSource) {
        let thread = Thread { [self] in
            parse(name: name, forcedKind: forcedKind, defaultKommun: defaultKommun, source: source)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// A delimited text file.
    convenience init(path: String, name: String, encoding: TextEncoding, forcedKind: DataKind?, defaultKommun: KommunCode) {
        self.init(name: name, forcedKind: forcedKind, defaultKommun: defaultKommun) { emit in
            var reader = CSVReader(fileName: name)
            try TextFile.forEachUTF8Chunk(path, displayName: name, encoding: encoding) { chunk in
                try reader.feed(chunk, emit: emit)
            }
            try reader.finish(emit: emit)
        }
    }

    /// The next message, waiting for the parser if needed.
    func next() -> Message {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        let message = queue.removeFirst()
        condition.broadcast()
        return message
    }

    /// Gives a handled batch back for reuse.
    func recycle(_ batch: RowBatch) {
        batch.reset()
        condition.lock()
        spare.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the parser (the writer failed or has seen enough errors) and waits until it has stopped.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func send(_ message: Message) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.depth && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(message)
        condition.broadcast()
    }

    private func emptyBatch(columns: Int) -> RowBatch {
        condition.lock()
        defer { condition.unlock() }
        return spare.popLast() ?? RowBatch(columns: columns)
    }

    private func parse(name: String, forcedKind: DataKind?, defaultKommun: KommunCode, source: RecordSource) {
        defer {
            condition.lock()
            done = true
            condition.broadcast()
            condition.unlock()
        }
        var validator: RecordValidator?
        var row: [BindValue] = []
        var batch: RowBatch?
        var dataRows = 0
        func handle(_ record: CSVRecordView) throws {
            if record.isBlank { return }
            guard let validator else {
                // Lines of spaces before the header are blank too.
                if record.strings.allSatisfy({ TextKey.trimmed($0).isEmpty }) { return }
                let resolved = HeaderMapping.resolve(record.strings, file: name, line: record.line, forcedKind: forcedKind)
                guard let mapping = resolved.mapping else {
                    try send(.failed(resolved.errors))
                    throw Cancelled()
                }
                validator = RecordValidator(mapping: mapping, file: name, defaultKommun: defaultKommun)
                row = Array(repeating: .null, count: mapping.kind.columns.count)
                batch = emptyBatch(columns: row.count)
                try send(.header(mapping))
                return
            }
            dataRows += 1
            if validator.validate(record, into: &row, errors: &batch!.errors) {
                batch!.append(row, line: record.line)
            }
            validator.endRow()
            if batch!.isFull {
                try send(.batch(batch!))
                batch = emptyBatch(columns: row.count)
            }
        }
        do {
            try source(handle)
            // Nothing but blank lines or separators: no header, so no kind; refused like an empty file.
            guard validator != nil else { throw ImportError(file: name, problem: .onlyBlankLines) }
            if let batch { try send(.batch(batch)) }
            try send(.finished(dataRows: dataRows))
        } catch let error as ImportError {
            if let batch, batch.count > 0 || !batch.errors.isEmpty { try? send(.batch(batch)) }
            try? send(.failed([error]))
        } catch {
            // Cancelled: the writer has stopped listening.
        }
    }
}
