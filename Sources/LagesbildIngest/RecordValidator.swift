import Foundation
import LagesbildModel
import LagesbildStore

/// Which field of a file's records holds which column of a kind.
struct HeaderMapping {
    let kind: DataKind
    /// For each of `kind.columns`, the field position in the file, or nil when the file lacks it.
    let positions: [Int?]
    let fieldCount: Int

    /// Reads a header row. Unknown, duplicate and missing columns are all reported.
    static func resolve(_ headers: [String], file: String, line: Int, forcedKind: DataKind?) -> (mapping: HeaderMapping?, errors: [ImportError]) {
        let folded = headers.map { TextKey.fold(TextKey.trimmed($0)) }
        func recognised(by kind: DataKind) -> Int {
            folded.filter { header in kind.columns.contains { $0.matchKeys.contains(header) } }.count
        }
        func complete(_ kind: DataKind) -> Bool {
            kind.columns.filter(\.required).allSatisfy { column in folded.contains { column.matchKeys.contains($0) } }
        }
        let kind: DataKind
        if let forcedKind {
            kind = forcedKind
        } else {
            let completeKinds = DataKind.allCases.filter(complete)
            // A signals file also has "år" and could look like befolkning if columns were missing; prefer the
            // kind that recognises the most headers.
            let candidates = completeKinds.isEmpty ? DataKind.allCases : completeKinds
            let best = candidates.max { recognised(by: $0) < recognised(by: $1) }!
            guard recognised(by: best) > 1 || (!completeKinds.isEmpty) else {
                return (nil, [ImportError(file: file, line: line, problem: .unknownKind(headers: headers.map(TextKey.trimmed)))])
            }
            kind = best
        }

        var errors: [ImportError] = []
        var positions = [Int?](repeating: nil, count: kind.columns.count)
        for (position, header) in folded.enumerated() {
            let shown = TextKey.trimmed(headers[position])
            if header.isEmpty {
                errors.append(ImportError(file: file, line: line, problem: .emptyHeader(position: position + 1)))
                continue
            }
            guard let columnIndex = kind.columns.firstIndex(where: { $0.matchKeys.contains(header) }) else {
                errors.append(ImportError(file: file, line: line, problem: .unknownColumn(shown, kind: kind)))
                continue
            }
            if let first = positions[columnIndex] {
                errors.append(ImportError(file: file, line: line, problem: .duplicateColumn(shown, firstPosition: first + 1)))
                continue
            }
            positions[columnIndex] = position
        }
        let missing = kind.columns.indices.filter { kind.columns[$0].required && positions[$0] == nil }.map { kind.columns[$0].name }
        if !missing.isEmpty {
            errors.append(ImportError(file: file, line: line, problem: .missingColumns(missing, kind: kind)))
        }
        if let forcedKind, !complete(forcedKind) {
            let detected = DataKind.allCases.first(where: complete)
            if detected != nil && detected != forcedKind {
                errors.insert(ImportError(file: file, line: line, problem: .kindMismatch(expected: forcedKind, detected: detected)), at: 0)
            }
        }
        if !errors.isEmpty { return (nil, errors) }
        return (HeaderMapping(kind: kind, positions: positions, fieldCount: headers.count), [])
    }
}

/// Bytes that stay put for the life of their owner, for binding constant texts (vocabulary codes, the
/// default municipality) without copying them per row.
final class StableBytes {
    let buffer: UnsafeMutableBufferPointer<UInt8>

    init(_ text: String) {
        let bytes = Array(text.utf8)
        buffer = .allocate(capacity: max(bytes.count, 1))
        _ = buffer.initialize(from: bytes)
        count = bytes.count
    }

    private let count: Int
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: UnsafeBufferPointer(buffer)[0..<count]) }

    deinit { buffer.deallocate() }
}

/// Remembers how each distinct spelling of a vocabulary value was matched, so that the Unicode folding of
/// ``TextKey`` runs once per spelling rather than once per row. A file uses a handful of spellings per
/// column, so a short list compared with `memcmp` beats hashing.
final class VocabularyCache {
    let vocabulary: Vocabulary
    private var codes: [StableBytes] = []
    private var codeIndex: [String: Int] = [:]
    /// Spellings seen so far and their code index (-1: not in the list).
    private var spellings: [(bytes: StableBytes, code: Int)] = []

    init(_ vocabulary: Vocabulary) { self.vocabulary = vocabulary }

    /// The code's bytes, or nil when the text is not in the list.
    func code(for raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        for index in spellings.indices {
            let known = spellings[index].bytes.bytes
            if known.count == raw.count && (raw.count == 0 || memcmp(known.baseAddress!, raw.baseAddress!, raw.count) == 0) {
                let code = spellings[index].code
                return code < 0 ? nil : codes[code].bytes
            }
        }
        var index = -1
        if let code = vocabulary.code(for: raw.text) {
            if let known = codeIndex[code] {
                index = known
            } else {
                index = codes.count
                codes.append(StableBytes(code))
                codeIndex[code] = index
            }
        }
        // A hostile file could bring endless spellings; remember a bounded number.
        if spellings.count < 256 { spellings.append((StableBytes(raw.text), index)) }
        return index < 0 ? nil : codes[index].bytes
    }
}

/// Turns one record into the values of a row, or the errors that stop it. Works on the record's bytes;
/// Strings are made only for error messages and for vocabulary spellings not seen before.
final class RecordValidator {
    let mapping: HeaderMapping
    let file: String
    private let defaultKommun: StableBytes
    private let empty = StableBytes("")
    /// Per column: the bytes stored for an empty vocabulary value.
    private let defaults: [StableBytes]
    private let columns: [ColumnSpec]
    /// What the per-row loop needs of each column, copied out once: the loop then copies no strings or arrays.
    private let rules: [Rule]
    private let caches: [VocabularyCache?]
    /// Indices into the row of (part, whole) pairs that must satisfy part ≤ whole.
    private let partWhole: [(part: Int, whole: Int)]

    /// For a rapportör's import: the column bound by their scope, its allowed values (folded) and the value a file
    /// without the column gets.
    private let scopeColumn: Int?
    private let scopeAllowed: [String]
    /// Folded value to the registered spelling that is stored.
    private let scopeRegistered: [String: StableBytes]
    private let scopeDefault: StableBytes?
    private let scopeKommun: StableBytes?
    private let kommunColumn: Int?
    /// For signals: the kategori column, whose empty value makes the row a zero report (``ZeroReport``), and the
    /// positions of the columns the zero report's rule checks.
    private let zeroReportMarker: Int?
    private let zeroReportEmpty: [Int]
    private let zeroReportZero: [Int]
    private let zeroReportZeroOrEmpty: [Int]
    private let zeroReportSource: Int?

    /// The columns that name entries of a register, and whether a name unknown there is added (the områden's
    /// boundaries add their names) rather than refused; per column, the spellings seen and their registered names.
    private let registerColumns: [(index: Int, register: NameRegister, adds: Bool)]
    private var registeredSpellings: [[(spelling: StableBytes, registered: StableBytes)]]
    private let registers: RegisterBook?

    init(mapping: HeaderMapping, file: String, defaultKommun: KommunCode, scope: ImportScope? = nil, registers: RegisterBook? = nil) {
        self.registers = registers
        registerColumns = registers == nil ? [] : mapping.kind.columns.indices.compactMap { index in
            NameRegister.register(of: mapping.kind, column: mapping.kind.columns[index].db)
                .map { (index, $0, mapping.kind == .omraden) }
        }
        registeredSpellings = Array(repeating: [], count: registerColumns.count)
        self.mapping = mapping
        self.file = file
        self.defaultKommun = StableBytes(defaultKommun.rawValue)
        columns = mapping.kind.columns
        rules = columns.map(Rule.init)
        defaults = columns.map { StableBytes($0.defaultCode) }
        caches = columns.map { column in
            if case .vocabulary(let vocabulary) = column.type { return VocabularyCache(vocabulary) }
            return nil
        }
        let names = columns.map(\.db)
        partWhole = mapping.kind.partWholeRules.map { (names.firstIndex(of: $0.part)!, names.firstIndex(of: $0.whole)!) }
        let binding = scope?.binding(for: mapping.kind)
        let column = binding.flatMap { binding in names.firstIndex(of: binding.column) }
        let allowed = binding?.allowed ?? []
        scopeColumn = column
        scopeAllowed = allowed
        kommunColumn = columns.firstIndex { if case .kommun = $0.type { true } else { false } }
        var registered: [String: StableBytes] = [:]
        for value in allowed.reversed() { registered[TextKey.fold(value)] = StableBytes(value) }
        scopeRegistered = registered
        scopeDefault = column.flatMap { mapping.positions[$0] == nil ? StableBytes(allowed[0]) : nil }
        scopeKommun = scope?.kommun.map { StableBytes($0.rawValue) }
        let zeroReports = mapping.kind == .signaler
        zeroReportMarker = zeroReports ? names.firstIndex(of: ZeroReport.marker) : nil
        zeroReportEmpty = zeroReports ? ZeroReport.emptyColumns.compactMap { names.firstIndex(of: $0) } : []
        zeroReportZero = zeroReports ? ZeroReport.zeroColumns.compactMap { names.firstIndex(of: $0) } : []
        zeroReportZeroOrEmpty = zeroReports ? ZeroReport.zeroOrEmptyColumns.compactMap { names.firstIndex(of: $0) } : []
        zeroReportSource = zeroReports ? names.firstIndex(of: ZeroReport.sourceColumn) : nil
    }

    /// Fills `row` (one value per column of the kind) and returns true, or appends errors and returns false.
    func validate(_ record: CSVRecordView, into row: inout [BindValue], errors: inout [ImportError]) -> Bool {
        let line = record.line
        guard record.count == mapping.fieldCount else {
            errors.append(ImportError(file: file, line: line, problem: .fieldCount(expected: mapping.fieldCount, found: record.count)))
            return false
        }
        let errorCount = errors.count
        var isZeroReport = false
        // Columns that failed: their slot in `row` still holds the previous record's value.
        var failed: UInt64 = 0
        for index in rules.indices {
            let rule = rules[index]
            let text = mapping.positions[index].map { record.field($0).trimmed() } ?? empty.bytes
            func fail(_ problem: ImportProblem) {
                failed |= 1 << UInt64(index)
                errors.append(ImportError(file: file, line: line, column: columns[index].name, problem: problem))
            }
            // A boundary is digits lagesbild wrote itself from a GeoJSON file's coordinates, checked below instead.
            if rule.check != .geometry && PersonalIdentityNumber.appears(in: text) {
                fail(.personalIdentityNumber)
                continue
            }
            switch rule.check {
            case .kommun:
                if text.isEmpty {
                    row[index] = .text(defaultKommun.bytes)
                } else if text.count == 4 && text.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    if RegionRegister.isKommun(text) { row[index] = .text(text) } else { fail(.unknownKommun(text.text)) }
                } else if let code = KommunCode(text.text) {
                    // Three digits: a code whose leading zero a spreadsheet dropped.
                    if RegionRegister.region(code.rawValue)?.level == .kommun {
                        row[index] = .text(StableBytes(code.rawValue).bytesRetained(in: &retained))
                    } else {
                        fail(.unknownKommun(text.text))
                    }
                } else {
                    fail(.invalidKommun(text.text))
                }
            case .region:
                if let code = RegionRegister.areaCode(text.text) {
                    row[index] = .text(StableBytes(code).bytesRetained(in: &retained))
                } else if text.isEmpty {
                    if rule.required { fail(.emptyRequiredValue) } else { row[index] = .text(defaultKommun.bytes) }
                } else {
                    fail(.unknownRegion(text.text))
                }
            case .decimal:
                if text.isEmpty {
                    row[index] = .null
                } else if let value = DecimalParser.parse(text.text) {
                    row[index] = .real(value)
                } else {
                    fail(.notANumber(text.text))
                }
            case .year:
                switch CountParser.parse(text) {
                case .value(let year) where Years.valid.contains(year): row[index] = .integer(Int64(year))
                case .empty: fail(.emptyRequiredValue)
                default: fail(.yearOutOfRange(text.text))
                }
            case .month:
                switch CountParser.parse(text) {
                case .empty: row[index] = .integer(0)
                case .value(let month) where (1...12).contains(month): row[index] = .integer(Int64(month))
                default: fail(.monthOutOfRange(text.text))
                }
            case .vocabulary:
                if text.isEmpty && index == zeroReportMarker {
                    row[index] = .text(empty.bytes)
                    isZeroReport = true
                } else if text.isEmpty {
                    if rule.required { fail(.emptyRequiredValue) } else { row[index] = .text(defaults[index].bytes) }
                } else if let code = caches[index]!.code(for: text) {
                    row[index] = .text(code)
                } else {
                    fail(.unknownValue(text.text, allowed: caches[index]!.vocabulary.allowedList))
                }
            case .label, .requiredLabel, .populationArea:
                if text.count > rule.limit && text.scalarCount > rule.limit {
                    fail(.labelTooLong(limit: rule.limit))
                } else if let control = Self.controlCharacter(in: text) {
                    fail(.controlCharacter(control))
                } else if text.isEmpty && rule.check == .requiredLabel {
                    fail(.emptyRequiredValue)
                } else if rule.check == .populationArea && text.count <= 16 && TextKey.fold(text.text) == "hela kommunen" {
                    row[index] = .text(empty.bytes)
                } else {
                    row[index] = .text(text)
                }
            case .geometry:
                if text.isEmpty {
                    fail(.emptyRequiredValue)
                } else if text.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x20 || $0 == 0x2C || $0 == 0x3B || $0 == 0x7C }) {
                    row[index] = .text(text)
                } else {
                    fail(.unknownValue(String(text.text.prefix(40)), allowed: "en gräns som lagesbild läst ur en GeoJSON-fil"))
                }
            case .count, .optionalCount:
                switch CountParser.parse(text) {
                case .value(let count): row[index] = .integer(Int64(count))
                case .empty:
                    if rule.check == .count { fail(.emptyRequiredValue) } else { row[index] = .null }
                case .tooLarge: fail(.integerTooLarge(text.text))
                case .invalid: fail(.notANonNegativeInteger(text.text))
                }
            }
        }
        for slot in registerColumns.indices where failed & (1 << UInt64(registerColumns[slot].index)) == 0 {
            checkRegistered(slot, row: &row, line: line, errors: &errors)
        }
        if let scopeColumn {
            if let scopeDefault {
                row[scopeColumn] = .text(scopeDefault.bytes)
            } else if case .text(let bytes) = row[scopeColumn] {
                if let registered = scopeRegistered[TextKey.fold(bytes.text)] {
                    row[scopeColumn] = .text(registered.bytes)
                } else {
                    errors.append(ImportError(file: file, line: line, column: columns[scopeColumn].name,
                                              problem: .valueOutsideScope(bytes.text, allowed: scopeAllowed)))
                }
            }
        }
        if let scopeKommun, let index = kommunColumn, case .text(let bytes) = row[index], !bytes.elementsEqual(scopeKommun.bytes) {
            errors.append(ImportError(file: file, line: line, column: columns[index].name,
                                      problem: .kommunOutsideScope(bytes.text, own: scopeKommun.bytes.text)))
        }
        guard errors.count == errorCount else { return false }
        if isZeroReport, let problem = zeroReportProblem(row) {
            errors.append(ImportError(file: file, line: line, column: columns[problem.column].name, problem: problem.problem))
            return false
        }
        for rule in partWhole {
            if case .integer(let part) = row[rule.part], case .integer(let whole) = row[rule.whole], part > whole {
                let partName = columns[rule.part].name, wholeName = columns[rule.whole].name
                errors.append(ImportError(file: file, line: line, column: partName,
                                          problem: .partExceedsWhole(part: partName, partValue: Int(part), whole: wholeName, wholeValue: Int(whole))))
            }
        }
        return errors.count == errorCount
    }

    /// What makes a row without a kategori something other than a zero report, on which column.
    private func zeroReportProblem(_ row: [BindValue]) -> (column: Int, problem: ImportProblem)? {
        for index in zeroReportZero {
            if case .integer(let count) = row[index], count != 0 { return (zeroReportMarker!, .zeroReportWithCount(Int(count))) }
        }
        for index in zeroReportEmpty {
            if case .text(let bytes) = row[index], !bytes.isEmpty { return (index, .zeroReportWithValue(columns[index].name)) }
        }
        for index in zeroReportZeroOrEmpty {
            if case .integer(let count) = row[index], count != 0 { return (index, .zeroReportWithValue(columns[index].name)) }
        }
        if let index = zeroReportSource, case .text(let bytes) = row[index], bytes.isEmpty { return (index, .zeroReportWithoutSource) }
        return nil
    }

    /// Replaces a name by its registered spelling, or reports it unknown with the nearest registered names. An empty
    /// name is "not given" and never checked. The spellings seen are remembered (a file uses few), so the folding of
    /// ``TextKey`` runs once per spelling, not per row.
    private func checkRegistered(_ slot: Int, row: inout [BindValue], line: Int, errors: inout [ImportError]) {
        let column = registerColumns[slot]
        guard let registers, case .text(let bytes) = row[column.index], !bytes.isEmpty else { return }
        for known in registeredSpellings[slot] where known.spelling.bytes.count == bytes.count {
            if memcmp(known.spelling.bytes.baseAddress!, bytes.baseAddress!, bytes.count) == 0 {
                row[column.index] = .text(known.registered.bytes)
                return
            }
        }
        switch registers.look(up: bytes.text, in: column.register, adds: column.adds) {
        case .registered(let name):
            let registered = StableBytes(name)
            if registeredSpellings[slot].count < 256 {
                registeredSpellings[slot].append((StableBytes(bytes.text), registered))
            } else {
                retained.append(registered)
            }
            row[column.index] = .text(registered.bytes)
        case .unknown(let suggestions, let empty):
            errors.append(ImportError(file: file, line: line, column: columns[column.index].name,
                                      problem: .unknownName(column.register, bytes.text, suggestions: suggestions, registerIsEmpty: empty)))
        }
    }

    /// A column's check, with no payload: trivially copied in the loop over a row's fields.
    private struct Rule {
        enum Check { case kommun, region, decimal, year, month, vocabulary, label, requiredLabel, populationArea, count, optionalCount, geometry }
        let check: Check
        let required: Bool
        let limit: Int

        init(_ column: ColumnSpec) {
            check = switch column.type {
            case .kommun: .kommun
            case .region: .region
            case .decimal: .decimal
            case .year: .year
            case .month: .month
            case .vocabulary: .vocabulary
            case .label: .label
            case .requiredLabel: .requiredLabel
            case .populationArea: .populationArea
            case .count: .count
            case .optionalCount: .optionalCount
            case .geometry: .geometry
            }
            required = column.required
            limit = column.limit
        }
    }

    /// The first control character of a label: a C0 control other than tab and line ends, DEL, or a bidirectional embedding,
    /// override or isolate (U+202A–U+202E, U+2066–U+2069: "Trojan Source" text that reads otherwise than it is stored).
    /// Bytes only: the check costs a comparison per byte, and a label without 0xE2 needs no decoding.
    static func controlCharacter(in text: UnsafeBufferPointer<UInt8>) -> UInt32? {
        for index in text.indices {
            let byte = text[index]
            if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F { return UInt32(byte) }
            if byte == 0xE2, index + 2 < text.count {
                let second = text[index + 1], third = text[index + 2]
                if (second == 0x80 && (0xAA...0xAE).contains(third)) || (second == 0x81 && (0xA6...0xA9).contains(third)) {
                    return 0x2000 | UInt32(second & 0x3F) << 6 | UInt32(third & 0x3F)
                }
            }
        }
        return nil
    }

    /// Texts made for one row (a padded municipality code) live until the next row.
    private var retained: [StableBytes] = []

    func endRow() { if !retained.isEmpty { retained.removeAll() } }
}

extension StableBytes {
    func bytesRetained(in list: inout [StableBytes]) -> UnsafeBufferPointer<UInt8> {
        list.append(self)
        return bytes
    }
}

extension ColumnType {
    var isRequiredLabel: Bool { if case .requiredLabel = self { true } else { false } }
    var isPopulationArea: Bool { if case .populationArea = self { true } else { false } }
}
