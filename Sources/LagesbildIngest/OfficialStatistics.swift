import Foundation
import LagesbildModel
import LagesbildStore

/// The formats official statistics are downloaded in.
enum OfficialFormat: Equatable {
    /// SCB's Statistikdatabasen (PxWeb), JSON-stat 2.0.
    case jsonStat
    /// Kolada's data API (v3, or a file saved from v2): values per KPI, municipality and period.
    case kolada
    /// Kolada's KPI metadata: titles of the measures.
    case koladaMetadata
    /// PxWeb's "semicolon/comma delimited with heading" CSV: regions as "2313 Strömsund", years as columns.
    case pxwebCSV
    /// The områden's boundaries (import kind omraden).
    case geoJSON

    var swedishName: String {
        switch self {
        case .jsonStat: "JSON-stat 2.0"
        case .kolada: "Kolada"
        case .koladaMetadata: "Kolada, nyckeltal"
        case .pxwebCSV: "PxWeb-CSV"
        case .geoJSON: "GeoJSON"
        }
    }

    /// The largest file read: boundaries are refused over 10 MB (simplify them first); statistics tables may be larger.
    var sizeLimit: Int { self == .geoJSON ? AreaBoundaries.sizeLimit : OfficialStatistics.sizeLimit }
}

/// One record of an official file in the store's terms: texts under the kind's Swedish column names, validated and
/// written by the same header mapping, validator and writer as every row of a CSV file or a workbook.
struct OfficialRecord {
    var fields: [String]
    /// Where it came from, for messages: the line of a PxWeb CSV, or a place in a JSON file.
    var line: Int
    var place: String
    /// The file's own name for the value's column (a PxWeb year column such as "2024"), for messages.
    var valueColumn: String? = nil
}

/// What an official file holds, in the store's terms.
struct OfficialTable {
    /// `.befolkning` (SCB's population, BE0101N1) or `.referens`.
    var kind: DataKind
    var records: [OfficialRecord] = []
    /// Titles of measures, by (source, measure), from the file's own labels or Kolada's KPI metadata.
    var titles: [(source: String, measure: String, title: String)] = []

    init(kind: DataKind) { self.kind = kind }

    /// The records' column names (the kind's Swedish headers).
    var header: [String] {
        switch kind {
        case .befolkning: ["kommun", "år", "område", "invånare"]
        case .omraden: ["område", "geometri"]
        default: ["område", "år", "källa", "mått", "kön", "värde"]
        }
    }

    /// A region's population in a year (the whole municipality, county or country).
    mutating func addPopulation(region: String, year: Int, value: Double?, line: Int, place: String, valueColumn: String? = nil) {
        records.append(OfficialRecord(fields: [region, String(year), "", Self.text(value)], line: line, place: place, valueColumn: valueColumn))
    }

    /// A value of a reference series.
    mutating func addReference(region: String, year: Int, source: String, measure: String, gender: String, value: Double?,
                                       line: Int, place: String, valueColumn: String? = nil) {
        records.append(OfficialRecord(fields: [region, String(year), source, measure, gender, Self.text(value)], line: line, place: place,
                                      valueColumn: valueColumn))
    }

    /// A number as the validator reads it: digits for a whole number, else Swift's shortest exact form; none is empty.
    static func text(_ value: Double?) -> String {
        guard let value else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// Reads SCB's and Kolada's files into rows of `befolkning` and `referens`. Parsing JSON is left to
/// Foundation's JSONSerialization; what is written here is only the mapping of each format's structure to
/// rows, with errors that say where in the file a value is wrong.
enum OfficialStatistics {
    static let sizeLimit = 100_000_000
    static let scbPopulation = "BE0101N1"

    /// The format of a file whose first bytes are given (after any byte order mark), or nil for ordinary CSV.
    static func detect(prefix: String) -> OfficialFormat? {
        let trimmed = prefix.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.first == "{" || trimmed.first == "[" {
            if prefix.contains("\"FeatureCollection\"") || prefix.contains("\"Feature\"") { return .geoJSON }
            if prefix.contains("\"dataset\"") || prefix.contains("\"version\"") && prefix.contains("\"dimension\"") { return .jsonStat }
            if prefix.contains("\"kpi\"") && prefix.contains("\"municipality\"") { return .kolada }
            if prefix.contains("\"title\"") && prefix.contains("\"values\"") { return .koladaMetadata }
            // Decided on the whole file: the interesting keys may come late.
            return .kolada
        }
        if PxWebCSV.headerLine(in: prefix) != nil { return .pxwebCSV }
        return nil
    }

    static func read(_ format: OfficialFormat, text: String, file: String) -> (table: OfficialTable?, errors: [ImportError]) {
        switch format {
        case .pxwebCSV:
            return PxWebCSV.read(text, file: file)
        case .jsonStat, .kolada, .koladaMetadata, .geoJSON:
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            } catch {
                let reason = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"
                return (nil, [ImportError(file: file, problem: .invalidJSON(reason))])
            }
            guard let root = object as? [String: Any] else { return (nil, [ImportError(file: file, problem: .unknownJSON)]) }
            if format == .geoJSON { return AreaBoundaries.read(root, file: file) }
            if root["class"] as? String == "dataset" || (root["version"] != nil && root["dimension"] != nil) {
                return JSONStat.read(root, file: file)
            }
            if let values = root["values"] as? [[String: Any]] {
                if values.isEmpty || values.first?["kpi"] != nil { return Kolada.read(values, file: file) }
                if values.first?["title"] != nil && values.first?["id"] != nil { return Kolada.readMetadata(values, file: file) }
            }
            return (nil, [ImportError(file: file, problem: .unknownJSON)])
        }
    }
}

/// SCB's JSON-stat 2.0 datasets. The value array runs over the dimensions in `id` order, the last fastest.
enum JSONStat {
    struct Dimension {
        let id: String
        let label: String
        /// Category codes in index order, with their labels.
        let codes: [String]
        let labels: [String: String]
        /// SCB's code for the dimension's total (`extension.eliminationValueCode`), when the file names one.
        let eliminationCode: String?
    }

    static func read(_ root: [String: Any], file: String) -> (table: OfficialTable?, errors: [ImportError]) {
        func fail(_ what: String) -> (OfficialTable?, [ImportError]) { (nil, [ImportError(file: file, problem: .jsonStatField(what))]) }
        guard root["version"] as? String == "2.0" else { return fail("\"version\" ska vara \"2.0\" (spara tabellen som JSON-stat 2)") }
        guard let ids = root["id"] as? [String], !ids.isEmpty else { return fail("\"id\" saknas eller är ingen lista") }
        guard let sizes = root["size"] as? [Int], sizes.count == ids.count else { return fail("\"size\" saknas eller har inte lika många tal som \"id\"") }
        guard let dimensionObjects = root["dimension"] as? [String: Any] else { return fail("\"dimension\" saknas") }
        var dimensions: [Dimension] = []
        for (position, id) in ids.enumerated() {
            guard let object = dimensionObjects[id] as? [String: Any], let category = object["category"] as? [String: Any] else {
                return fail("dimensionen \"\(id)\" saknas eller har ingen \"category\"")
            }
            var codes: [String]
            if let list = category["index"] as? [String] {
                codes = list
            } else if let map = category["index"] as? [String: Any] {
                codes = Array(repeating: "", count: map.count)
                for (code, index) in map {
                    guard let index = StatisticsNumber.integer(index), index >= 0, index < map.count, codes[index].isEmpty else {
                        return fail("dimensionen \"\(id)\" har ett ogiltigt category.index")
                    }
                    codes[index] = code
                }
            } else if let labels = category["label"] as? [String: Any], labels.count == 1 {
                codes = Array(labels.keys)
            } else {
                return fail("dimensionen \"\(id)\" saknar category.index")
            }
            guard codes.count == sizes[position] else {
                return fail("dimensionen \"\(id)\" har \(codes.count) kategorier men \"size\" säger \(sizes[position])")
            }
            let labels = (category["label"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            let eliminationCode = (object["extension"] as? [String: Any])?["eliminationValueCode"] as? String
            dimensions.append(Dimension(id: id, label: object["label"] as? String ?? id, codes: codes, labels: labels, eliminationCode: eliminationCode))
        }
        let expected = sizes.reduce(1, *)
        let description = sizes.map(String.init).joined(separator: " × ")

        // Values: a dense array (null for missing) or a sparse object from position to value.
        var values: [Int: Any] = [:]
        if let array = root["value"] as? [Any] {
            guard array.count == expected else {
                return (nil, [ImportError(file: file, problem: .jsonStatSizeMismatch(dimensions: description, expected: expected, found: array.count))])
            }
            for (index, value) in array.enumerated() { values[index] = value }
        } else if let object = root["value"] as? [String: Any] {
            for (key, value) in object {
                guard let index = Int(key), index >= 0, index < expected else {
                    return (nil, [ImportError(file: file, problem: .jsonStatSizeMismatch(dimensions: description, expected: expected, found: Int(key).map { $0 + 1 } ?? 0))])
                }
                values[index] = value
            }
        } else {
            return fail("\"value\" saknas")
        }

        // Roles, where the file gives them; otherwise SCB's usual dimension names.
        let role = root["role"] as? [String: Any] ?? [:]
        func find(_ roleName: String, _ names: [String]) -> Int? {
            if let id = (role[roleName] as? [String])?.first, let index = ids.firstIndex(of: id) { return index }
            return ids.firstIndex { names.contains(TextKey.fold($0)) }
        }
        guard let geo = find("geo", ["region", "omrade", "kommun"]) else { return fail("ingen regiondimension (role.geo eller \"Region\")") }
        guard let time = find("time", ["tid", "ar", "year", "time"]) else { return fail("ingen tidsdimension (role.time eller \"Tid\")") }
        let metric = find("metric", ["contentscode", "tabellinnehall"])
        let gender = ids.firstIndex { ["kon", "sex", "gender"].contains(TextKey.fold($0)) }

        // A measure per metric category; population (BE0101N1) goes to befolkning, anything else to referens.
        let metricCodes = metric.map { dimensions[$0].codes } ?? [root["label"] as? String ?? "SCB"]
        let isPopulation = metricCodes.map { code in
            code == OfficialStatistics.scbPopulation || (metric.flatMap { dimensions[$0].labels[code] } ?? "").lowercased().hasPrefix("folkmängd")
                || (metric == nil && (root["label"] as? String ?? "").lowercased().hasPrefix("folkmängd"))
        }
        if isPopulation.contains(true) && isPopulation.contains(false) {
            return (nil, [ImportError(file: file, problem: .mixedPopulationAndOther)])
        }
        let population = isPopulation.allSatisfy { $0 }
        var table = OfficialTable(kind: population ? .befolkning : .referens)
        var errors: [ImportError] = []

        // Other dimensions (age, sex, civil status, ...). For population: the total when the file has it,
        // else the sum of categories that together are the whole population, else the file is refused. For
        // any other measure: one category, or the total.
        var fixedCategory: [Int: Int] = [:]
        let px = (root["extension"] as? [String: Any])?["px"] as? [String: Any]
        let aggregationAllowed = (px?["aggregallowed"] as? Bool) != false
        for (index, dimension) in dimensions.enumerated() where ![geo, time, metric, population ? nil : gender].contains(index) {
            if population {
                switch WholePopulation.choose(id: dimension.id, label: dimension.label, codes: dimension.codes, labels: dimension.labels,
                                              eliminationCode: dimension.eliminationCode, aggregationAllowed: aggregationAllowed) {
                case .total(let total): fixedCategory[index] = total
                case .sumAll: continue
                case .refused(let problem): return (nil, [ImportError(file: file, problem: problem)])
                }
                continue
            }
            if dimension.codes.count == 1 { fixedCategory[index] = 0; continue }
            if let total = dimension.codes.firstIndex(where: { isTotal($0, dimension.labels[$0]) || $0 == dimension.eliminationCode }) {
                fixedCategory[index] = total
            } else {
                return (nil, [ImportError(file: file, problem: .ambiguousDimension(dimension.label, categories: dimension.codes.prefix(4).joined(separator: ", ") + (dimension.codes.count > 4 ? ", …" : "")))])
            }
        }

        // Time: a population is the value at each year's end; other measures are read per year only.
        let timeCodes = dimensions[time].codes
        let periods = timeCodes.map(StatisticsPeriod.init)
        if let bad = periods.firstIndex(where: { $0 == nil }) {
            return (nil, [ImportError(file: file, place: "\(dimensions[time].label) \(timeCodes[bad])", problem: .notAYear(timeCodes[bad]))])
        }
        var timeIndices = Set(periods.indices)
        if population {
            timeIndices = Set(StatisticsPeriod.yearEnds(periods).values)
            if timeIndices.isEmpty { return (nil, [ImportError(file: file, problem: .populationNoYearEnd(periods: timeCodes))]) }
        } else if let subYear = periods.firstIndex(where: { if case .year = $0 { false } else { true } }) {
            return (nil, [ImportError(file: file, problem: .subYearPeriod(timeCodes[subYear]))])
        }

        // Walk every cell; accumulate per (region, year, metric, gender).
        struct Key: Hashable { let region: String; let year: Int; let metric: Int; let gender: String }
        var sums: [Key: (value: Double?, place: String, ordinal: Int)] = [:]
        var order: [Key] = []
        var regionCodes: [String: String?] = [:]
        var position = [Int](repeating: 0, count: dimensions.count)
        for flat in 0..<expected {
            var remainder = flat
            for index in stride(from: dimensions.count - 1, through: 0, by: -1) {
                position[index] = remainder % sizes[index]
                remainder /= sizes[index]
            }
            if fixedCategory.contains(where: { position[$0.key] != $0.value }) || !timeIndices.contains(position[time]) { continue }
            let regionText = dimensions[geo].codes[position[geo]]
            let yearText = dimensions[time].codes[position[time]]
            let place = "värde \(flat) (\(dimensions[geo].label) \(regionText), \(dimensions[time].label) \(yearText))"
            let region: String?
            if let known = regionCodes[regionText] { region = known } else {
                region = RegionRegister.areaCode(regionText)
                regionCodes[regionText] = region
                if region == nil { errors.append(ImportError(file: file, place: place, problem: .unknownRegion(regionText))) }
            }
            guard let region else { continue }
            guard let year = periods[position[time]]?.year, Years.valid.contains(year) else {
                errors.append(ImportError(file: file, place: place, problem: .notAYear(yearText)))
                continue
            }
            var genderCode = "T"
            if !population, let gender {
                let code = dimensions[gender].codes[position[gender]]
                genderCode = Vocabulary.kon.code(for: code) ?? Vocabulary.kon.code(for: dimensions[gender].labels[code] ?? "") ?? "T"
            }
            let raw = values[flat]
            var value: Double?
            if raw == nil || raw is NSNull {
                value = nil
            } else if let number = StatisticsNumber.double(raw) {
                value = number
            } else {
                errors.append(ImportError(file: file, place: place, problem: .notANumber("\(raw!)")))
                continue
            }
            let key = Key(region: region, year: year, metric: metric.map { position[$0] } ?? 0, gender: genderCode)
            if let existing = sums[key] {
                // Summed over the categories of a dimension that has no total (population only).
                if let value { sums[key] = ((existing.value ?? 0) + value, existing.place, existing.ordinal) }
            } else {
                sums[key] = (value, place, order.count + 1)
                order.append(key)
            }
            if errors.count >= Importer.errorLimit { break }
        }
        guard errors.isEmpty else { return (nil, errors) }

        let source = "SCB"
        for key in order {
            let (value, place, ordinal) = sums[key]!
            if population {
                table.addPopulation(region: key.region, year: key.year, value: value, line: ordinal, place: place)
            } else {
                table.addReference(region: key.region, year: key.year, source: source, measure: metricCodes[key.metric], gender: key.gender,
                                   value: value, line: ordinal, place: place)
            }
        }
        if !population {
            for code in metricCodes {
                let title = metric.flatMap { dimensions[$0].labels[code] } ?? root["label"] as? String ?? code
                table.titles.append((source, code, title))
            }
        }
        return (errors.isEmpty ? table : nil, errors)
    }

    /// A category that is the sum of the others: SCB's "tot", "totalt ålder", "1+2" (both sexes).
    static func isTotal(_ code: String, _ label: String?) -> Bool {
        let folded = TextKey.fold(code), labelFolded = TextKey.fold(label ?? "")
        return folded == "tot" || folded == "totalt" || folded == "1+2" || folded == "t" || labelFolded.hasPrefix("totalt")
            || labelFolded == "man och kvinnor" || labelFolded == "bada konen" || labelFolded == "totalt"
    }
}

/// Numbers as JSONSerialization hands them over.
enum StatisticsNumber {
    static func double(_ value: Any?) -> Double? {
        guard let value, !(value is NSNull), !(value is String) else { return nil }
        if type(of: value) == Bool.self { return nil }
        if let number = value as? NSNumber {
            // NSNumber wraps booleans too; JSON's true/false are not values.
            if String(cString: number.objCType) == "c" { return nil }
            let double = number.doubleValue
            return double.isFinite ? double : nil
        }
        return nil
    }

    static func integer(_ value: Any?) -> Int? {
        guard let double = double(value), double == double.rounded(), abs(double) < 1e15 else { return nil }
        return Int(double)
    }
}

/// Kolada's data and KPI metadata.
enum Kolada {
    static let source = "Kolada"

    static func read(_ values: [[String: Any]], file: String) -> (table: OfficialTable?, errors: [ImportError]) {
        var table = OfficialTable(kind: .referens)
        var errors: [ImportError] = []
        var seen: [String: String] = [:]
        var ordinal = 0
        for (index, entry) in values.enumerated() {
            let kpi = entry["kpi"] as? String ?? ""
            let municipalityText = (entry["municipality"] as? String) ?? StatisticsNumber.integer(entry["municipality"]).map { String($0) } ?? ""
            let periodText = (entry["period"] as? String) ?? StatisticsNumber.integer(entry["period"]).map { String($0) } ?? ""
            let place = "values[\(index)] (kpi \(kpi), municipality \(municipalityText), period \(periodText))"
            guard !kpi.isEmpty, kpi.count <= 200 else {
                errors.append(ImportError(file: file, place: place, problem: .jsonStatField("\"kpi\" saknas")))
                continue
            }
            guard let region = RegionRegister.areaCode(municipalityText) else {
                errors.append(ImportError(file: file, column: "municipality", place: place, problem: .unknownRegion(municipalityText)))
                continue
            }
            guard let year = Int(periodText), Years.valid.contains(year) else {
                errors.append(ImportError(file: file, column: "period", place: place, problem: .notAYear(periodText)))
                continue
            }
            for (valueIndex, item) in (entry["values"] as? [[String: Any]] ?? []).enumerated() {
                let itemPlace = "values[\(index)].values[\(valueIndex)] (kpi \(kpi), municipality \(municipalityText), period \(periodText))"
                let genderText = item["gender"] as? String ?? "T"
                guard let gender = Vocabulary.kon.code(for: genderText) else {
                    errors.append(ImportError(file: file, column: "gender", place: itemPlace, problem: .unknownValue(genderText, allowed: "T, K, M")))
                    continue
                }
                var value: Double?
                if let raw = item["value"], !(raw is NSNull) {
                    guard let number = StatisticsNumber.double(raw) else {
                        errors.append(ImportError(file: file, column: "value", place: itemPlace, problem: .notANumber("\(raw)")))
                        continue
                    }
                    value = number
                }
                let key = "\(region)|\(year)|\(kpi)|\(gender)"
                if let first = seen[key] {
                    errors.append(ImportError(file: file, place: itemPlace, problem: .duplicateValue(firstPlace: first)))
                    continue
                }
                seen[key] = itemPlace
                ordinal += 1
                table.addReference(region: region, year: year, source: source, measure: kpi, gender: gender, value: value,
                                   line: ordinal, place: itemPlace)
            }
            if errors.count >= Importer.errorLimit { break }
        }
        return (errors.isEmpty ? table : nil, errors)
    }

    /// KPI metadata (`/kpi?id=…`): the title of each KPI. It has no unit; the `Indicators/` file that declares
    /// a series gives that.
    static func readMetadata(_ values: [[String: Any]], file: String) -> (table: OfficialTable?, errors: [ImportError]) {
        var table = OfficialTable(kind: .referens)
        for (index, entry) in values.enumerated() {
            guard let id = entry["id"] as? String, !id.isEmpty, let title = entry["title"] as? String, !title.isEmpty else {
                return (nil, [ImportError(file: file, place: "values[\(index)]", problem: .jsonStatField("nyckeltalet saknar \"id\" eller \"title\""))])
            }
            if PersonalIdentityNumber.appears(in: title) {
                return (nil, [ImportError(file: file, place: "values[\(index)]", problem: .personalIdentityNumber)])
            }
            table.titles.append((source, id, String(title.prefix(500))))
        }
        return (table, [])
    }
}

/// PxWeb's CSV: an optional title line, a header whose first columns are variables ("region", "kön", ...)
/// and whose other columns are years (or "Folkmängd 2024" when the content is in the heading), then one
/// line per region with its values; ".." marks a missing value.
enum PxWebCSV {
    /// The index of the header line among the first lines of the text, when it is a PxWeb heading.
    static func headerLine(in text: String) -> Int? {
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).prefix(5).enumerated() {
            let cells = cells(of: String(line))
            guard cells.count >= 2, cells.contains(where: { TextKey.fold($0) == "region" }) else { continue }
            if cells.contains(where: { period(in: $0) != nil }) { return index }
        }
        return nil
    }

    /// The cells of one line, through the project's CSV scanner (RFC 4180 quotes, separator detected on the line).
    static func cells(of line: String) -> [String] {
        (try? records(line, startingAtLine: 0).first?.cells) ?? []
    }

    /// The records of `text` through the project's CSV scanner, numbered from `firstLine` (0-based) of the file;
    /// the separator is the one the first of them uses. Cells are trimmed of spaces.
    static func records(_ text: String, startingAtLine firstLine: Int, file: String = "") throws -> [(line: Int, cells: [String])] {
        var reader = CSVReader(fileName: file)
        var result: [(line: Int, cells: [String])] = []
        func collect(_ record: CSVRecordView) {
            result.append((firstLine + record.line, record.strings.map { $0.trimmingCharacters(in: .whitespaces) }))
        }
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        try bytes.withUnsafeBufferPointer { try reader.feed($0, emit: collect) }
        try reader.finish(emit: collect)
        return result
    }

    /// "2024", "2024M12", "2024K4" or "Folkmängd 2024": the period and the content before it.
    static func period(in cell: String) -> (period: StatisticsPeriod, content: String)? {
        let trimmed = cell.trimmingCharacters(in: .whitespaces)
        let token = trimmed.split(separator: " ").last.map(String.init) ?? ""
        guard let period = StatisticsPeriod(token), (1900...2100).contains(period.year) else { return nil }
        return (period, trimmed.dropLast(token.count).trimmingCharacters(in: .whitespaces))
    }

    static func read(_ text: String, file: String) -> (table: OfficialTable?, errors: [ImportError]) {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        guard let headerIndex = headerLine(in: text) else {
            return (nil, [ImportError(file: file, problem: .pxwebMissingColumn("en rubrikrad med \"region\" och år"))])
        }
        // The title line, when there is one, names the table ("Folkmängd efter region och år").
        let title = headerIndex > 0 ? cells(of: lines[0]).first ?? "" : ""
        // The header and the lines after it: one table with one separator.
        let parsed: [(line: Int, cells: [String])]
        do {
            parsed = try records(lines[headerIndex...].joined(separator: "\n"), startingAtLine: headerIndex, file: file)
        } catch let error as ImportError {
            return (nil, [error])
        } catch {
            return (nil, [ImportError(file: file, problem: .unreadable(reason: "\(error)"))])
        }
        let header = parsed.first?.cells ?? []
        let regionColumn = header.firstIndex { TextKey.fold($0) == "region" }!
        var periodColumns = header.indices.compactMap { index in period(in: header[index]).map { (column: index, period: $0.period, content: $0.content) } }
        let variableColumns = header.indices.filter { index in index != regionColumn && !periodColumns.contains { $0.column == index } }
        let contents = Set(periodColumns.map { $0.content.isEmpty ? title : $0.content })
        func isPopulation(_ content: String) -> Bool { TextKey.fold(content).hasPrefix("folkmangd") }
        if contents.contains(where: isPopulation) && contents.contains(where: { !isPopulation($0) }) {
            return (nil, [ImportError(file: file, problem: .mixedPopulationAndOther)])
        }
        let population = contents.allSatisfy(isPopulation)
        if contents.contains("") {
            return (nil, [ImportError(file: file, problem: .pxwebMissingColumn("en titel eller rubrik som säger vad talen är (spara tabellen med rubrik, t.ex. \"Folkmängd efter region och år\")"))])
        }
        // Time: a population is the value at each year's end; other measures are read per year only.
        if population {
            let chosen = Set(StatisticsPeriod.yearEnds(periodColumns.map(\.period)).values)
            if chosen.isEmpty {
                return (nil, [ImportError(file: file, line: headerIndex + 1, problem: .populationNoYearEnd(periods: periodColumns.map { header[$0.column] }))])
            }
            periodColumns = periodColumns.indices.filter(chosen.contains).map { periodColumns[$0] }
        } else if let subYear = periodColumns.first(where: { if case .year = $0.period { false } else { true } }) {
            return (nil, [ImportError(file: file, line: headerIndex + 1, problem: .subYearPeriod(header[subYear.column]))])
        }

        var table = OfficialTable(kind: population ? .befolkning : .referens)
        var errors: [ImportError] = []
        let genderColumn = variableColumns.first { ["kon", "kön"].contains(TextKey.fold(header[$0])) }

        // The table's lines with a known region; footnotes after the table ("Källa: SCB") have no values.
        var rows: [(line: Int, region: String, cells: [String])] = []
        for (lineNumber, cells) in parsed.dropFirst() {
            if cells.allSatisfy(\.isEmpty) { continue }
            if cells.count < header.count {
                if cells.count <= 1 { continue }
                errors.append(ImportError(file: file, line: lineNumber, problem: .fieldCount(expected: header.count, found: cells.count)))
                continue
            }
            guard let region = RegionRegister.areaCode(cells[regionColumn]) else {
                errors.append(ImportError(file: file, line: lineNumber, column: header[regionColumn], problem: .unknownRegion(cells[regionColumn])))
                continue
            }
            rows.append((lineNumber, region, cells))
            if errors.count >= Importer.errorLimit { break }
        }
        guard errors.isEmpty else { return (nil, errors) }

        // Other variables. For population: the total when the file has it, else the sum of categories that
        // together are the whole population, else the file is refused. For other measures: the total, per line.
        var kept: [Int: String] = [:]
        if population {
            for column in variableColumns {
                var values: [String] = []
                for row in rows where !values.contains(row.cells[column]) { values.append(row.cells[column]) }
                switch WholePopulation.choose(id: header[column], label: header[column], codes: values,
                                              labels: Dictionary(values.map { ($0, $0) }, uniquingKeysWith: { first, _ in first }), eliminationCode: nil, aggregationAllowed: true) {
                case .total(let index): kept[column] = values[index]
                case .sumAll: continue
                case .refused(let problem): return (nil, [ImportError(file: file, problem: problem)])
                }
            }
        }

        struct Key: Hashable { let region: String; let year: Int; let content: String; let gender: String }
        var sums: [Key: (value: Double?, line: Int, column: String)] = [:]
        var order: [Key] = []
        for row in rows {
            let (lineNumber, region, cells) = row
            if kept.contains(where: { cells[$0.key] != $0.value }) { continue }
            var gender = "T"
            if !population {
                var skip = false
                for column in variableColumns {
                    if column == genderColumn {
                        gender = Vocabulary.kon.code(for: cells[column]) ?? "T"
                    } else if !JSONStat.isTotal(cells[column], cells[column]) {
                        skip = true
                    }
                }
                if skip {
                    errors.append(ImportError(file: file, line: lineNumber, problem: .ambiguousDimension(variableColumns.map { header[$0] }.joined(separator: ", "), categories: variableColumns.map { cells[$0] }.joined(separator: ", "))))
                    continue
                }
            }
            for (column, period, content) in periodColumns {
                let text = cells[column]
                var value: Double?
                if text.isEmpty || text == ".." || text == "." || text == "-" {
                    value = nil
                } else if let number = DecimalParser.parse(text) {
                    value = number
                } else {
                    errors.append(ImportError(file: file, line: lineNumber, column: header[column], problem: .notANumber(text)))
                    continue
                }
                guard Years.valid.contains(period.year) else { continue }
                let key = Key(region: region, year: period.year, content: content.isEmpty ? title : content, gender: gender)
                if let existing = sums[key] {
                    if let value { sums[key] = ((existing.value ?? 0) + value, existing.line, existing.column) }
                } else {
                    sums[key] = (value, lineNumber, header[column])
                    order.append(key)
                }
            }
            if errors.count >= Importer.errorLimit { break }
        }
        guard errors.isEmpty else { return (nil, errors) }
        for key in order {
            let (value, line, column) = sums[key]!
            if population {
                table.addPopulation(region: key.region, year: key.year, value: value, line: line, place: "", valueColumn: column)
            } else {
                table.addReference(region: key.region, year: key.year, source: "SCB", measure: String(key.content.prefix(200)), gender: key.gender,
                                   value: value, line: line, place: "", valueColumn: column)
            }
        }
        if !population {
            for content in Set(order.map(\.content)) { table.titles.append(("SCB", String(content.prefix(200)), content)) }
        }
        return (errors.isEmpty ? table : nil, errors)
    }
}
