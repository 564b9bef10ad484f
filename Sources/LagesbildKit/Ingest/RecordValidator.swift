import GRDB

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

/// Turns one record into the values of a row, or the errors that stop it.
struct RecordValidator {
    static let labelLimit = 200

    let mapping: HeaderMapping
    let file: String
    let defaultKommun: KommunCode

    /// Values in the order of `mapping.kind.columns`; nil when the record has errors (appended to `errors`).
    func validate(_ record: CSVRecord, errors: inout [ImportError]) -> [DatabaseValue]? {
        let line = record.line
        guard record.fields.count == mapping.fieldCount else {
            errors.append(ImportError(file: file, line: line, problem: .fieldCount(expected: mapping.fieldCount, found: record.fields.count)))
            return nil
        }
        let columns = mapping.kind.columns
        var values = [DatabaseValue](repeating: .null, count: columns.count)
        var counts: [String: Int] = [:]
        let errorCount = errors.count
        for (index, column) in columns.enumerated() {
            let raw = mapping.positions[index].map { record.fields[$0] } ?? ""
            let text = TextKey.trimmed(raw)
            func fail(_ problem: ImportProblem) {
                errors.append(ImportError(file: file, line: line, column: column.name, problem: problem))
            }
            if PersonalIdentityNumber.appears(in: text) {
                fail(.personalIdentityNumber)
                continue
            }
            switch column.type {
            case .kommun:
                if mapping.positions[index] == nil || text.isEmpty {
                    values[index] = defaultKommun.rawValue.databaseValue
                } else if let code = KommunCode(text) {
                    values[index] = code.rawValue.databaseValue
                } else {
                    fail(.invalidKommun(text))
                }
            case .year:
                switch Self.parseCount(text) {
                case .value(let year) where (1990...2100).contains(year): values[index] = year.databaseValue
                case .empty: fail(.emptyRequiredValue)
                default: fail(.yearOutOfRange(text))
                }
            case .month:
                switch Self.parseCount(text) {
                case .empty: values[index] = 0.databaseValue
                case .value(let month) where (1...12).contains(month): values[index] = month.databaseValue
                default: fail(.monthOutOfRange(text))
                }
            case .vocabulary(let vocabulary):
                if text.isEmpty && !column.required && !column.isKey {
                    values[index] = "".databaseValue
                } else if text.isEmpty && column.required {
                    fail(.emptyRequiredValue)
                } else if text.isEmpty {
                    values[index] = "".databaseValue
                } else if let code = vocabulary.code(for: text) {
                    values[index] = code.databaseValue
                } else {
                    fail(.unknownValue(text, allowed: vocabulary.allowedList))
                }
            case .label, .requiredLabel, .populationArea:
                if text.count > Self.labelLimit {
                    fail(.labelTooLong(limit: Self.labelLimit))
                } else if text.isEmpty && column.type.isRequiredLabel {
                    fail(.emptyRequiredValue)
                } else if column.type.isPopulationArea && TextKey.fold(text) == "hela kommunen" {
                    values[index] = "".databaseValue
                } else {
                    values[index] = text.databaseValue
                }
            case .count, .optionalCount:
                switch Self.parseCount(text) {
                case .value(let count):
                    values[index] = count.databaseValue
                    counts[column.db] = count
                case .empty:
                    if case .count = column.type { fail(.emptyRequiredValue) }
                case .tooLarge: fail(.integerTooLarge(text))
                case .invalid: fail(.notANonNegativeInteger(text))
                }
            }
        }
        for rule in mapping.kind.partWholeRules {
            if let part = counts[rule.part], let whole = counts[rule.whole], part > whole {
                let partName = columns.first { $0.db == rule.part }!.name
                let wholeName = columns.first { $0.db == rule.whole }!.name
                errors.append(ImportError(file: file, line: line, column: partName,
                                          problem: .partExceedsWhole(part: partName, partValue: part, whole: wholeName, wholeValue: whole)))
            }
        }
        return errors.count == errorCount ? values : nil
    }

    enum ParsedCount: Equatable { case empty, value(Int), tooLarge, invalid }

    /// A non-negative integer that fits 32 bits, optionally with spaces or no-break spaces between digit
    /// groups ("1 234"), as Swedish Excel writes thousands.
    static func parseCount(_ text: String) -> ParsedCount {
        if text.isEmpty { return .empty }
        var value = 0
        var digits = 0
        var previousWasSpace = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9":
                value = value * 10 + Int(scalar.value - 48)
                digits += 1
                previousWasSpace = false
                if value > Int(Int32.max) {
                    // Keep scanning only to tell "too large" from "not a number".
                    return text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" } ? .tooLarge : .invalid
                }
            case " ", "\u{00A0}", "\u{202F}":
                if digits == 0 || previousWasSpace { return .invalid }
                previousWasSpace = true
            default:
                return .invalid
            }
        }
        return previousWasSpace || digits == 0 ? .invalid : .value(value)
    }
}

extension ColumnType {
    var isRequiredLabel: Bool { if case .requiredLabel = self { true } else { false } }
    var isPopulationArea: Bool { if case .populationArea = self { true } else { false } }
}
