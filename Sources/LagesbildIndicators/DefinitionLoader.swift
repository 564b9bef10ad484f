import Foundation
import Yams
import LagesbildModel
import LagesbildStore

/// A malformed indicator file: names the file, the key and what is wrong.
public struct DefinitionError: Error, Equatable, UserFacingError {
    public let file: String
    public let key: String?
    public let message: String

    public var description: String {
        if let key { return "\(file): nyckeln \"\(key)\": \(message)" }
        return "\(file): \(message)"
    }
}

/// Reads indicator definitions from YAML files.
public enum DefinitionLoader {
    /// Loads every `*.yaml`/`*.yml` file in a folder, sorted by id.
    public static func load(directory: String) throws -> [IndicatorDefinition] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw DefinitionError(file: directory, key: nil, message: "mappen med mätpunkter kan inte läsas")
        }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !files.isEmpty else {
            throw DefinitionError(file: directory, key: nil, message: "mappen innehåller inga mätpunkter (*.yaml)")
        }
        let sources = try files.map { name -> (String, String) in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw DefinitionError(file: name, key: nil, message: "filen kan inte läsas som UTF-8")
            }
            return (name, text)
        }
        return try load(sources)
    }

    /// The definitions shipped with lagesbild (compiled in, so they work wherever the binary is).
    public static func builtIn() throws -> [IndicatorDefinition] {
        try load(EmbeddedFiles.indicators.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Parses (file name, YAML text) pairs; ids must be unique.
    public static func load(_ sources: [(name: String, text: String)]) throws -> [IndicatorDefinition] {
        var seen: [String: String] = [:]
        var result: [IndicatorDefinition] = []
        for (name, text) in sources {
            // Reference series are declared beside the indicators (see ``ReferenceDefinition``).
            if declaresReference(text) {
                _ = try parseReference(text, file: name)
                continue
            }
            let definition = try parse(text, file: name)
            if let other = seen[definition.id] {
                throw DefinitionError(file: name, key: "id", message: "\"\(definition.id)\" används redan i \(other)")
            }
            seen[definition.id] = name
            result.append(definition)
        }
        return result.sorted { $0.id.localizedStandardCompare($1.id) == .orderedAscending }
    }

    static let topLevelKeys: Set<String> = ["id", "title", "description", "target_area", "unit", "direction",
                                            "mask_small_counts", "decimals", "measure", "breakdowns", "summary", "trend_test"]
    static let measureKeys: Set<String> = ["type", "source", "field", "where", "numerator", "denominator", "per", "scale", "by"]
    static let selectionKeys: Set<String> = ["source", "field", "where"]

    public static func parse(_ text: String, file: String) throws -> IndicatorDefinition {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DefinitionError(file: file, key: nil, message: "ogiltig YAML: \(error)")
        }
        guard let root = node?.mapping else {
            throw DefinitionError(file: file, key: nil, message: "filen ska vara en YAML-mappning med nycklarna id, title, measure …")
        }
        let reader = Reader(file: file)
        try reader.checkKeys(root, allowed: topLevelKeys, path: "")

        let id = try reader.string(root, "id")
        let title = try reader.string(root, "title")
        let description = try reader.string(root, "description")
        let targetArea = try reader.integer(root, "target_area", range: 1...3)
        let unitText = try reader.string(root, "unit")
        guard let unit = IndicatorDefinition.Unit(rawValue: unitText) else {
            throw reader.error("unit", "\"\(unitText)\" är ingen enhet; välj \(IndicatorDefinition.Unit.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        let directionText = try reader.string(root, "direction")
        guard let direction = IndicatorDefinition.Direction(rawValue: directionText) else {
            throw reader.error("direction", "\"\(directionText)\" ska vara lower (lägre är bättre), higher (högre är bättre) eller neutral")
        }
        let masks = try reader.optionalBool(root, "mask_small_counts") ?? false
        let decimals = try reader.optionalInteger(root, "decimals", range: 0...3) ?? (unit == .antal ? 0 : 1)
        let inSummary = try reader.optionalBool(root, "summary") ?? false
        let declaredModel: ChangeModel?
        switch root["trend_test"] {
        case nil: declaredModel = nil
        case let node?:
            if let flag = node.bool, node.string == "true" || node.string == "false" {
                declaredModel = flag ? nil : ChangeModel.none
            } else if let text = node.string, let model = ChangeModel(rawValue: text) {
                declaredModel = model
            } else {
                throw reader.error("trend_test", "ska vara poisson (händelser), binomial (andelar av personer) eller none (inget test: ett faktum), eller true/false")
            }
        }

        guard let measureNode = root["measure"]?.mapping else {
            throw reader.error("measure", root["measure"] == nil ? "saknas" : "ska vara en mappning med type, source, field …")
        }
        try reader.checkKeys(measureNode, allowed: measureKeys, path: "measure.")
        let type = try reader.string(measureNode, "type", path: "measure.")
        let measure: Measure
        switch type {
        case "sum":
            measure = .sum(try reader.selection(measureNode, path: "measure.", fieldRequired: true))
        case "count":
            guard measureNode["field"] == nil else {
                throw reader.error("measure.field", "byggstenen count räknar rader och tar inget fält; använd sum för att summera ett fält")
            }
            measure = .sum(try reader.selection(measureNode, path: "measure."))
        case "carried_over":
            measure = .carriedOver(try reader.selection(measureNode, path: "measure.", fieldRequired: true))
        case "ratio":
            measure = .ratio(numerator: try reader.nestedSelection(measureNode, "numerator"),
                             denominator: try reader.nestedSelection(measureNode, "denominator"),
                             scale: try reader.optionalNumber(measureNode, "scale", path: "measure.") ?? (unit == .procent ? 100 : 1))
        case "rate":
            measure = .rate(numerator: try reader.nestedSelection(measureNode, "numerator"),
                            per: try reader.optionalNumber(measureNode, "per", path: "measure.") ?? 10_000)
        case "distinct":
            let denominator = measureNode["denominator"] == nil ? nil : try reader.nestedSelection(measureNode, "denominator", fieldRequired: true)
            measure = .distinct(try reader.selection(measureNode, path: "measure.", fieldRequired: true), denominator: denominator)
        case "significant_increase":
            let selection = try reader.selection(measureNode, path: "measure.", fieldRequired: true)
            let byName = try reader.string(measureNode, "by", path: "measure.")
            measure = .significantIncrease(selection, by: try reader.field(byName, kind: selection.kind, key: "measure.by"))
        default:
            throw reader.error("measure.type", "\"\(type)\" är ingen byggsten; välj sum, count, ratio, rate, distinct, significant_increase eller carried_over")
        }

        var breakdowns: [Breakdown] = []
        if let node = root["breakdowns"] {
            switch measure {
            case .rate, .significantIncrease, .carriedOver:
                throw reader.error("breakdowns", "byggstenen \(type) kan inte delas upp; ta bort breakdowns")
            case .sum, .ratio, .distinct: break
            }
            guard let sequence = node.sequence else { throw reader.error("breakdowns", "ska vara en lista, t.ex. [kategori, område]") }
            for item in sequence {
                guard let name = item.string else { throw reader.error("breakdowns", "ska vara en lista av kolumnnamn") }
                breakdowns.append(Breakdown(field: try reader.field(name, kind: measure.primary.kind, key: "breakdowns")))
            }
        }
        return IndicatorDefinition(id: id, title: title, description: description.trimmingCharacters(in: .whitespacesAndNewlines),
                                   targetArea: targetArea, unit: unit, direction: direction, masksSmallCounts: masks,
                                   decimals: decimals, measure: measure, breakdowns: breakdowns, inSummary: inSummary,
                                   changeModel: declaredModel ?? ChangeModel.default(for: measure), file: file)
    }

    /// Typed access to a YAML mapping that reports the exact key that is wrong.
    struct Reader {
        let file: String

        func error(_ key: String, _ message: String) -> DefinitionError {
            DefinitionError(file: file, key: key, message: message)
        }

        func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, path: String) throws {
            for key in mapping.keys {
                let name = key.string ?? "\(key)"
                if !allowed.contains(name) {
                    throw error(path + name, "okänd nyckel; tillåtna är \(allowed.sorted().joined(separator: ", "))")
                }
            }
        }

        func string(_ mapping: Node.Mapping, _ key: String, path: String = "") throws -> String {
            guard let node = mapping[key] else { throw error(path + key, "saknas") }
            guard let value = node.scalar?.string, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw error(path + key, "ska vara en text")
            }
            return value
        }

        func integer(_ mapping: Node.Mapping, _ key: String, range: ClosedRange<Int>) throws -> Int {
            guard let value = try optionalInteger(mapping, key, range: range) else { throw error(key, "saknas") }
            return value
        }

        func optionalInteger(_ mapping: Node.Mapping, _ key: String, range: ClosedRange<Int>) throws -> Int? {
            guard let node = mapping[key] else { return nil }
            guard let value = node.int, range.contains(value) else {
                throw error(key, "\"\(node.string ?? "")\" ska vara ett heltal \(range.lowerBound)–\(range.upperBound)")
            }
            return value
        }

        func optionalNumber(_ mapping: Node.Mapping, _ key: String, path: String) throws -> Double? {
            guard let node = mapping[key] else { return nil }
            guard let value = node.float, value > 0 else { throw error(path + key, "ska vara ett positivt tal") }
            return value
        }

        func optionalBool(_ mapping: Node.Mapping, _ key: String) throws -> Bool? {
            guard let node = mapping[key] else { return nil }
            guard let value = node.bool else { throw error(key, "ska vara true eller false") }
            return value
        }

        func kind(_ name: String, key: String) throws -> DataKind {
            guard let kind = DataKind(rawValue: TextKey.fold(name)), kind != .referens else {
                throw error(key, "\"\(name)\" är ingen datakälla; välj \(DataKind.listInSwedish(DataKind.allCases.filter { $0 != .referens && $0 != .omraden }))"
                    + (TextKey.fold(name) == "referens" ? " (referensserier deklareras med nyckeln reference)" : ""))
            }
            return kind
        }

        func field(_ name: String, kind: DataKind, key: String) throws -> FieldReference {
            let folded = TextKey.fold(name)
            guard let column = kind.columns.first(where: { $0.matchKeys.contains(folded) || TextKey.fold($0.db.rawValue) == folded }) else {
                throw error(key, "\"\(name)\" är ingen kolumn i \(kind.rawValue); kolumnerna är \(kind.columns.map(\.name).joined(separator: ", "))")
            }
            var vocabulary: Vocabulary?
            if case .vocabulary(let list) = column.type { vocabulary = list }
            return FieldReference(kind: kind, column: column.db, name: column.name, vocabulary: vocabulary)
        }

        func nestedSelection(_ measure: Node.Mapping, _ key: String, fieldRequired: Bool = false) throws -> Selection {
            guard let node = measure[key]?.mapping else {
                throw error("measure.\(key)", measure[key] == nil ? "saknas" : "ska vara en mappning med source, field och where")
            }
            try checkKeys(node, allowed: selectionKeys, path: "measure.\(key).")
            return try selection(node, path: "measure.\(key).", fieldRequired: fieldRequired)
        }

        /// Without `field`, each row counts one (a ratio's numerator and denominator may count rows).
        func selection(_ mapping: Node.Mapping, path: String, fieldRequired: Bool = false) throws -> Selection {
            let kind = try kind(try string(mapping, "source", path: path), key: path + "source")
            let field = fieldRequired || mapping["field"] != nil
                ? try field(try string(mapping, "field", path: path), kind: kind, key: path + "field") : nil
            var conditions: [Selection.Condition] = []
            if let whereNode = mapping["where"] {
                guard let conditionsMapping = whereNode.mapping else {
                    throw error(path + "where", "ska vara en mappning, t.ex. {utbildning: grund}")
                }
                for (keyNode, valueNode) in conditionsMapping {
                    let name = keyNode.string ?? ""
                    let key = path + "where." + name
                    let column = try self.field(name, kind: kind, key: key)
                    conditions.append(try condition(valueNode, column: column, key: key))
                }
            }
            return Selection(kind: kind, field: field, conditions: conditions)
        }

        /// `value`, `[a, b]`, `{not: value}`, `{not: [a, b]}` or `{min: 1}`.
        func condition(_ node: Node, column: FieldReference, key: String) throws -> Selection.Condition {
            func values(_ node: Node) throws -> [String] {
                let texts = node.sequence.map { $0.compactMap(\.string) } ?? node.string.map { [$0] } ?? []
                guard !texts.isEmpty else { throw error(key, "ska vara ett värde eller en lista av värden") }
                return try texts.map { text in
                    guard let vocabulary = column.vocabulary else { return text }
                    guard let code = vocabulary.code(for: text) else {
                        throw error(key, "okänt värde \"\(text)\"; tillåtna är \(vocabulary.allowedList)")
                    }
                    return code
                }
            }
            if let mapping = node.mapping {
                if let not = mapping["not"], mapping.count == 1 { return .noneOf(column, try values(not)) }
                if let min = mapping["min"], mapping.count == 1 {
                    guard let value = min.int else { throw error(key + ".min", "ska vara ett heltal") }
                    return .atLeast(column, value)
                }
                throw error(key, "villkoret ska vara ett värde, en lista, {not: …} eller {min: …}")
            }
            return .oneOf(column, try values(node))
        }
    }
}

extension DefinitionLoader {
    /// The definitions a command uses: `--indicators DIR` if given, else an `Indicators/` folder beside the
    /// database (where a coordinator keeps edited copies), else the shipped ones.
    public static func resolve(explicit directory: String?, databasePath: String) throws -> [IndicatorDefinition] {
        if let folder = try definitionFolder(explicit: directory, databasePath: databasePath) { return try load(directory: folder) }
        return try builtIn()
    }

    /// `--indicators DIR`, else `Indicators/` beside the database when it exists; nil for the shipped files.
    static func definitionFolder(explicit directory: String?, databasePath: String) throws -> String? {
        if let directory { return directory }
        let beside = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("Indicators").path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: beside, isDirectory: &isDirectory), isDirectory.boolValue {
            return beside
        }
        return nil
    }
}
