import Foundation
import LagesbildModel

/// GeoJSON with the boundaries of the municipality's områden (import kind `omraden`): a FeatureCollection of Polygon
/// and MultiPolygon features, each named by a property (`område`, `omrade`, `namn`, `name`, or SCB's `regsonamn` /
/// `desonamn`), in WGS84 longitude/latitude or SWEREF 99 TM metres, told by the `crs` member or by the coordinates.
///
/// Each feature becomes one record: the name and the boundary projected to SWEREF 99 TM, written as text
/// ("E N,E N,…" per ring, rings split by ";", polygons by "|", whole metres) and checked by the shared validator.
/// Anything the program cannot be sure of is refused with the feature's number: another geometry type, a ring that
/// is not closed, coordinates outside Sweden.
enum AreaBoundaries {
    static let sizeLimit = 10_000_000
    static let nameProperties = ["område", "omrade", "namn", "name", "regsonamn", "desonamn"]

    enum Reference { case wgs84, sweref }

    static func read(_ root: [String: Any], file: String) -> (table: OfficialTable?, errors: [ImportError]) {
        func failure(_ text: String, place: String? = nil) -> ImportError { ImportError(file: file, place: place, problem: .geoJSON(text)) }
        guard root["type"] as? String == "FeatureCollection", let features = root["features"] as? [Any] else {
            return (nil, [failure("filen är inte en GeoJSON FeatureCollection (\"type\": \"FeatureCollection\" med \"features\")")])
        }
        var reference: Reference?
        if let crs = root["crs"] as? [String: Any] {
            let name = ((crs["properties"] as? [String: Any])?["name"] as? String ?? "").uppercased()
            if name.hasSuffix("3006") { reference = .sweref }
            else if name.hasSuffix("4326") || name.hasSuffix("CRS84") || name.hasSuffix("4258") { reference = .wgs84 }
            else { return (nil, [failure("koordinatsystemet \"\(name)\" stöds inte; använd WGS84 (EPSG:4326) eller SWEREF 99 TM (EPSG:3006)")]) }
        }
        var table = OfficialTable(kind: .omraden)
        var errors: [ImportError] = []
        var parsed: [(name: String, polygons: [[[[Double]]]], place: String)] = []
        for (index, item) in features.enumerated() {
            let place = "objekt \(index + 1)"
            guard let feature = item as? [String: Any], let geometry = feature["geometry"] as? [String: Any],
                  let type = geometry["type"] as? String else {
                errors.append(failure("saknar en geometri", place: place))
                continue
            }
            let properties = feature["properties"] as? [String: Any] ?? [:]
            let name = properties.first { key, value in nameProperties.contains(TextKey.fold(key)) && value is String }?.value as? String
            guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                errors.append(failure("saknar ett namn: egenskapen \"område\" eller \"namn\" med områdets namn som i signalfilerna", place: place))
                continue
            }
            let polygons: [[[[Double]]]]
            switch type {
            case "Polygon":
                guard let rings = coordinates(geometry["coordinates"], depth: 3) as? [[[Double]]] else {
                    errors.append(failure("Polygon med ogiltiga koordinater", place: place)); continue
                }
                polygons = [rings]
            case "MultiPolygon":
                guard let list = coordinates(geometry["coordinates"], depth: 4) as? [[[[Double]]]] else {
                    errors.append(failure("MultiPolygon med ogiltiga koordinater", place: place)); continue
                }
                polygons = list
            default:
                errors.append(failure("geometritypen \"\(type)\" går inte att använda; bara Polygon och MultiPolygon", place: place))
                continue
            }
            var closed = true
            for ring in polygons.flatMap({ $0 }) where ring.count < 4 || ring.first != ring.last {
                errors.append(failure("en ring är inte sluten (första och sista punkten ska vara samma) eller har färre än fyra punkter", place: place))
                closed = false
                break
            }
            if closed { parsed.append((name.trimmingCharacters(in: .whitespaces), polygons, place)) }
        }
        guard errors.isEmpty else { return (nil, errors) }
        if parsed.isEmpty { return (nil, [failure("filen har inga områden (\"features\" är tom)")]) }
        // Without a crs member: longitude/latitude when every coordinate fits, else SWEREF 99 TM metres.
        let points = parsed.flatMap { $0.polygons.flatMap { $0.flatMap { $0 } } }
        let chosen = reference ?? (points.allSatisfy { abs($0[0]) <= 180 && abs($0[1]) <= 90 } ? .wgs84 : .sweref)
        for area in parsed {
            var projected: [[[GridPoint]]] = []
            var outside: [Double]?
            for polygon in area.polygons {
                projected.append(polygon.map { ring in
                    ring.map { point in
                        switch chosen {
                        case .wgs84:
                            if !SWEREF99TM.swedenLongitudes.contains(point[0]) || !SWEREF99TM.swedenLatitudes.contains(point[1]) { outside = outside ?? point }
                            return SWEREF99TM.project(latitude: point[1], longitude: point[0])
                        case .sweref:
                            if !SWEREF99TM.swedenEast.contains(point[0]) || !SWEREF99TM.swedenNorth.contains(point[1]) { outside = outside ?? point }
                            return GridPoint(north: point[1], east: point[0])
                        }
                    }
                })
            }
            if let outside {
                let system = chosen == .wgs84 ? "WGS84 (longitud, latitud)" : "SWEREF 99 TM (öst, nord)"
                errors.append(failure("koordinaten [\(format(outside[0])), \(format(outside[1]))] ligger utanför Sverige (läst som \(system))", place: area.place))
                continue
            }
            table.records.append(OfficialRecord(fields: [area.name, AreaGeometry.encode(projected)], line: 0, place: area.place))
        }
        guard errors.isEmpty else { return (nil, errors) }
        return (table, [])
    }

    /// Nested arrays of numbers `depth` levels deep (a point is [x, y] or [x, y, z]; only x and y are kept), or nil.
    static func coordinates(_ value: Any?, depth: Int) -> Any? {
        guard let array = value as? [Any] else { return nil }
        if depth == 1 {
            let numbers = array.compactMap { ($0 as? NSNumber)?.doubleValue }
            return numbers.count >= 2 && numbers.count == array.count && numbers.allSatisfy(\.isFinite) ? Array(numbers.prefix(2)) : nil
        }
        var result: [Any] = []
        for element in array {
            guard let inner = coordinates(element, depth: depth - 1) else { return nil }
            result.append(inner)
        }
        switch depth {
        case 2: return result as? [[Double]]
        case 3: return result as? [[[Double]]]
        default: return result as? [[[[Double]]]]
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
