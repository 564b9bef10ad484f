import Foundation
import LagesbildModel
import LagesbildStore

/// Validated rows handed from the parsing thread to the writing thread, with the validation errors found
/// while they were read, in line order.
final class ValidatedBatch: @unchecked Sendable {
    let rows: RowBatch
    var errors: [ImportError] = []

    init(columns: Int) { rows = RowBatch(columns: columns) }

    var count: Int { rows.count }
    var isFull: Bool { rows.isFull || errors.count >= Importer.errorLimit }
    func append(_ row: [BindValue], line: Int) { rows.append(row, line: line) }
    func reset() {
        rows.reset()
        errors.removeAll(keepingCapacity: true)
    }
}

/// Reads, scans and validates a file on a second thread while the caller writes rows into SQLite: on two
/// cores the import then takes about as long as its database work alone. A bounded queue of batches keeps
/// memory flat whatever the file's size.
final class ParsePipeline: @unchecked Sendable {
    enum Message {
        case header(HeaderMapping)
        case batch(ValidatedBatch)
        /// Errors that end the file (a bad header, an unreadable or malformed file).
        case failed([ImportError])
        case finished(dataRows: Int)
    }

    private struct Cancelled: Error {}

    private let condition = NSCondition()
    private var queue: [Message] = []
    private var spare: [ValidatedBatch] = []
    private var cancelled = false
    private var done = false
    private static let depth = 4

    /// Records come from `source`, which calls its argument once per record (header first) and throws
    /// ``ImportError`` for a file it cannot read.
    typealias RecordSource = @Sendable (_ emit: (CSVRecordView) throws -> Void) throws -> Void

    init(name: String, forcedKind: DataKind?, defaultKommun: KommunCode, scope: ImportScope? = nil, registers: RegisterBook? = nil,
         source: @escaping RecordSource) {
        let thread = Thread { [self] in
            parse(name: name, forcedKind: forcedKind, defaultKommun: defaultKommun, scope: scope, registers: registers, source: source)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// A delimited text file.
    convenience init(path: String, name: String, encoding: TextEncoding, forcedKind: DataKind?, defaultKommun: KommunCode,
                             scope: ImportScope? = nil, registers: RegisterBook? = nil) {
        self.init(name: name, forcedKind: forcedKind, defaultKommun: defaultKommun, scope: scope, registers: registers) { emit in
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
    func recycle(_ batch: ValidatedBatch) {
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

    private func emptyBatch(columns: Int) -> ValidatedBatch {
        condition.lock()
        defer { condition.unlock() }
        return spare.popLast() ?? ValidatedBatch(columns: columns)
    }

    private func parse(name: String, forcedKind: DataKind?, defaultKommun: KommunCode, scope: ImportScope?, registers: RegisterBook?,
                       source: RecordSource) {
        defer {
            condition.lock()
            done = true
            condition.broadcast()
            condition.unlock()
        }
        var validator: RecordValidator?
        var row: [BindValue] = []
        var batch: ValidatedBatch?
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
                if let scope, scope.binding(for: mapping.kind) == nil {
                    try send(.failed([ImportError(file: name, line: record.line, problem: .kindOutsideScope(mapping.kind))]))
                    throw Cancelled()
                }
                validator = RecordValidator(mapping: mapping, file: name, defaultKommun: defaultKommun, scope: scope, registers: registers)
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
