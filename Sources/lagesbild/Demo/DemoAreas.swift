import Foundation
import LagesbildModel

/// Fictitious boundaries for the demo's områden: the cells of the points nearest each locality (a Voronoi diagram)
/// within the convex hull of Strömsund's real municipality boundary, written as GeoJSON in SWEREF 99 TM. They are
/// schematic, not the real districts; the file says so.
enum DemoAreas {
    /// Approximate positions of the localities the demo's områden are named after (latitude, longitude).
    static let localities: [(name: String, latitude: Double, longitude: Double)] = [
        ("Strömsund", 63.853, 15.557), ("Hammerdal", 63.594, 15.352), ("Hoting", 64.113, 16.181), ("Backe", 63.822, 16.405),
        ("Gäddede", 64.503, 14.155), ("Rossön", 63.925, 16.338), ("Tåsjö", 64.235, 15.905),
    ]

    static func geoJSON() -> String {
        let outline = KommunBoundaries.kommun(DemoData.kommun.rawValue)?.polygons.flatMap(\.rings).flatMap { $0 } ?? []
        let hull = convexHull(outline)
        let sites = localities.map { SWEREF99TM.project(latitude: $0.latitude, longitude: $0.longitude) }
        var features: [String] = []
        for (index, locality) in localities.enumerated() {
            var cell = hull
            for (other, site) in sites.enumerated() where other != index {
                cell = clip(cell, closerTo: sites[index], than: site)
            }
            guard cell.count >= 3 else { continue }
            let ring = (cell + [cell[0]]).map { "[\(Int($0.east.rounded())),\(Int($0.north.rounded()))]" }.joined(separator: ",")
            features.append("{\"type\":\"Feature\",\"properties\":{\"område\":\"\(locality.name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[\(ring)]]}}")
        }
        return """
            {"type":"FeatureCollection","name":"Fiktiva områden för demon – inte verkliga gränser",
            "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3006"}},
            "features":[
            \(features.joined(separator: ",\n"))
            ]}

            """
    }

    /// The convex hull, counter-clockwise (Andrew's monotone chain).
    static func convexHull(_ points: [GridPoint]) -> [GridPoint] {
        let sorted = points.sorted { ($0.east, $0.north) < ($1.east, $1.north) }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: GridPoint, _ a: GridPoint, _ b: GridPoint) -> Double {
            (a.east - o.east) * (b.north - o.north) - (a.north - o.north) * (b.east - o.east)
        }
        var lower: [GridPoint] = [], upper: [GridPoint] = []
        for point in sorted {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], point) <= 0 { lower.removeLast() }
            lower.append(point)
        }
        for point in sorted.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], point) <= 0 { upper.removeLast() }
            upper.append(point)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// The part of a convex polygon nearer to `site` than to `other` (Sutherland–Hodgman against their bisector).
    static func clip(_ polygon: [GridPoint], closerTo site: GridPoint, than other: GridPoint) -> [GridPoint] {
        // Inside when (p - mid) · (other - site) <= 0.
        let mid = GridPoint(north: (site.north + other.north) / 2, east: (site.east + other.east) / 2)
        let direction = (east: other.east - site.east, north: other.north - site.north)
        func side(_ point: GridPoint) -> Double { (point.east - mid.east) * direction.east + (point.north - mid.north) * direction.north }
        var result: [GridPoint] = []
        for (index, current) in polygon.enumerated() {
            let next = polygon[(index + 1) % polygon.count]
            let a = side(current), b = side(next)
            if a <= 0 { result.append(current) }
            if (a < 0 && b > 0) || (a > 0 && b < 0) {
                let t = a / (a - b)
                result.append(GridPoint(north: current.north + t * (next.north - current.north), east: current.east + t * (next.east - current.east)))
            }
        }
        return result
    }
}
