import Foundation
import GRDB
import Yams
import LagesbildModel
import LagesbildStore

/// A reference series from official statistics, declared in an `Indicators/` file so that the coordinator
/// chooses which figures stand beside the local ones:
///
/// ```yaml
/// id: REF-01
/// reference:
///   source: Kolada
///   measure: N07403
///   title: Anmälda våldsbrott per 100 000 invånare
///   unit: per 100 000 invånare
/// ```
public struct ReferenceDefinition: Sendable, Equatable {
    public let id: String
    /// "Kolada" or "SCB", as the import stores it.
    public let source: String
    /// The source's measure id (Kolada's KPI id, SCB's content code).
    public let measure: String
    /// nil: the title imported with the data (Kolada's KPI metadata, SCB's content label) is used.
    public let title: String?
    public let unit: String
    public let decimals: Int
    public let file: String
}

/// A reference series' values for one year: the municipality, its county and Sweden (gender "T").
public struct ReferenceValue: Sendable, Equatable {
    public let id: String
    public let title: String
    public let unit: String
    public let source: String
    public let year: Int
    public let kommun: Double?
    public let lan: Double?
    public let riket: Double?
    public let decimals: Int

    /// The attribution the source's licence asks for.
    public var attribution: String {
        switch TextKey.fold(source) {
        case "kolada": "Källa: Kolada (RKA), CC BY 4.0"
        case "scb": "Källa: SCB, Statistikdatabasen (CC0)"
        default: "Källa: \(source)"
        }
    }
}

extension DefinitionLoader {
    static let referenceKeys: Set<String> = ["id", "reference", "description"]
    static let referenceInnerKeys: Set<String> = ["source", "measure", "title", "unit", "decimals"]

    /// Whether a YAML text declares a reference series rather than an indicator.
    static func declaresReference(_ text: String) -> Bool {
        (try? Yams.compose(yaml: text))??.mapping?["reference"] != nil
    }

    static func parseReference(_ text: String, file: String) throws -> ReferenceDefinition {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DefinitionError(file: file, key: nil, message: "ogiltig YAML: \(error)")
        }
        guard let root = node?.mapping, let inner = root["reference"]?.mapping else {
            throw DefinitionError(file: file, key: "reference", message: "ska vara en mappning med source, measure, title och unit")
        }
        let reader = Reader(file: file)
        try reader.checkKeys(root, allowed: referenceKeys, path: "")
        try reader.checkKeys(inner, allowed: referenceInnerKeys, path: "reference.")
        let source = try reader.string(inner, "source", path: "reference.")
        guard ["kolada", "scb"].contains(TextKey.fold(source)) else {
            throw reader.error("reference.source", "\"\(source)\" är ingen källa som lagesbild läser; välj Kolada eller SCB")
        }
        let decimals = try inner["decimals"].map { node -> Int in
            guard let value = node.int, (0...3).contains(value) else { throw reader.error("reference.decimals", "ska vara ett heltal 0–3") }
            return value
        } ?? 1
        return ReferenceDefinition(id: try reader.string(root, "id"), source: TextKey.fold(source) == "kolada" ? "Kolada" : "SCB",
                                   measure: try reader.string(inner, "measure", path: "reference."),
                                   title: inner["title"]?.string, unit: try reader.string(inner, "unit", path: "reference."),
                                   decimals: decimals, file: file)
    }

    /// The reference series of the same folder the indicators come from (see ``resolve(explicit:databasePath:)``).
    public static func resolveReferences(explicit directory: String?, databasePath: String) throws -> [ReferenceDefinition] {
        let sources: [(String, String)]
        if let folder = try definitionFolder(explicit: directory, databasePath: databasePath) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            sources = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().compactMap { name in
                let path = (folder as NSString).appendingPathComponent(name)
                return (try? String(contentsOfFile: path, encoding: .utf8)).map { (name, $0) }
            }
        } else {
            sources = EmbeddedFiles.indicators.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        return try sources.filter { declaresReference($0.1) }.map { try parseReference($0.1, file: $0.0) }
    }
}

extension Store {
    /// A reference series' values for a year: the municipality, its county and riket, total for both genders.
    public func referenceValues(_ definitions: [ReferenceDefinition], kommun: KommunCode, year: Int) throws -> [ReferenceValue] {
        let lan = RegionRegister.region(kommun.rawValue)?.lanCode ?? ""
        return try definitions.map { definition in
            func value(_ area: String) throws -> Double? {
                try referenceValue(source: definition.source, measure: definition.measure, area: area, year: year)
            }
            let imported = try referenceTitle(source: definition.source, measure: definition.measure)
            return ReferenceValue(id: definition.id, title: definition.title ?? imported ?? definition.measure, unit: definition.unit,
                                  source: definition.source, year: year, kommun: try value(kommun.rawValue), lan: try value(lan),
                                  riket: try value("00"), decimals: definition.decimals)
        }
    }
}
