import Foundation

/// A point in SWEREF 99 TM (EPSG:3006), Sweden's national grid: metres north of the equator and east (with 500 000 m
/// at the central meridian 15° E). Maps are drawn in it because it keeps shapes and areas true at Sweden's latitudes,
/// where raw longitude and latitude would stretch the country east–west by half.
public struct GridPoint: Sendable, Equatable {
    public var north: Double
    public var east: Double

    public init(north: Double, east: Double) {
        self.north = north
        self.east = east
    }
}

/// A polygon with holes: the first ring is the outline, the rest are holes; each ring is closed (first point = last).
public struct GridPolygon: Sendable, Equatable {
    public var rings: [[GridPoint]]

    public init(rings: [[GridPoint]]) { self.rings = rings }
}

/// Latitude and longitude (WGS84 / SWEREF 99, the same to within a metre in Sweden) to SWEREF 99 TM.
///
/// Written here rather than taken from PROJ: one projection is needed, and Lantmäteriet publishes its formulas
/// (Gauss–Krüger with Krüger's series to the fourth order, accurate to a millimetre within the zone); PROJ would add a
/// C library and its database to the package for this one function. Checked against PROJ (pyproj) in the tests.
public enum SWEREF99TM {
    static let semiMajorAxis = 6_378_137.0
    static let flattening = 1 / 298.257_222_101  // GRS 80
    static let centralMeridian = 15.0
    static let scale = 0.9996
    static let falseEasting = 500_000.0

    private static let coefficients: (aRoof: Double, a: Double, b: Double, c: Double, d: Double, beta: [Double]) = {
        let f = flattening
        let e2 = f * (2 - f), n = f / (2 - f)
        let aRoof = semiMajorAxis / (1 + n) * (1 + n * n / 4 + pow(n, 4) / 64)
        let a = e2
        let b = (5 * pow(e2, 2) - pow(e2, 3)) / 6
        let c = (104 * pow(e2, 3) - 45 * pow(e2, 4)) / 120
        let d = 1237 * pow(e2, 4) / 1260
        let beta = [n / 2 - 2 * n * n / 3 + 5 * pow(n, 3) / 16 + 41 * pow(n, 4) / 180,
                    13 * n * n / 48 - 3 * pow(n, 3) / 5 + 557 * pow(n, 4) / 1440,
                    61 * pow(n, 3) / 240 - 103 * pow(n, 4) / 140,
                    49561 * pow(n, 4) / 161_280]
        return (aRoof, a, b, c, d, beta)
    }()

    public static func project(latitude: Double, longitude: Double) -> GridPoint {
        let k = coefficients
        let phi = latitude * .pi / 180, lambda = longitude * .pi / 180, lambda0 = centralMeridian * .pi / 180
        let s = sin(phi), s2 = s * s
        let phiStar = phi - s * cos(phi) * (k.a + k.b * s2 + k.c * s2 * s2 + k.d * s2 * s2 * s2)
        let deltaLambda = lambda - lambda0
        let xi = atan(tan(phiStar) / cos(deltaLambda))
        let eta = atanh(cos(phiStar) * sin(deltaLambda))
        var north = xi, east = eta
        for (index, beta) in k.beta.enumerated() {
            let m = Double(2 * (index + 1))
            north += beta * sin(m * xi) * cosh(m * eta)
            east += beta * cos(m * xi) * sinh(m * eta)
        }
        return GridPoint(north: scale * k.aRoof * north, east: scale * k.aRoof * east + falseEasting)
    }

    /// Sweden with a margin, in latitude/longitude and in SWEREF 99 TM: what a boundary file may hold.
    public static let swedenLatitudes = 55.0...69.2
    public static let swedenLongitudes = 10.5...24.5
    public static let swedenNorth = 6_090_000.0...7_700_000.0
    public static let swedenEast = 250_000.0...930_000.0
}

/// One municipality's boundary as shipped in `Reference/kommungranser.geojson`, projected to SWEREF 99 TM.
public struct KommunBoundary: Sendable {
    public let kod: String
    public let namn: String
    public let lan: String
    public let polygons: [GridPolygon]
    /// A point inside the municipality, for its label.
    public let labelPoint: GridPoint
}

/// The municipality boundaries the county map draws: Valmyndigheten's boundaries via okfse/sweden-geojson, simplified
/// (written by `scripts/make-boundaries.py` from `../shared/geo/`; source and licence in the README).
public enum KommunBoundaries {
    /// Named under every map that draws them.
    public static let attribution = "Kommungränser: Valmyndigheten via okfse/sweden-geojson (2020), förenklade."

    private struct File: Decodable {
        struct Feature: Decodable {
            struct Properties: Decodable {
                let kod: String
                let namn: String
                let lan: String
                let punkt: [Double]
            }
            struct Geometry: Decodable { let coordinates: [[[[Double]]]] }
            let properties: Properties
            let geometry: Geometry
        }
        let features: [Feature]
    }

    /// The file, decoded once; a feature is projected only when a map asks for its county.
    private static let features: [File.Feature] = {
        guard let text = EmbeddedFiles.reference["kommungranser.geojson"],
              let file = try? JSONDecoder().decode(File.self, from: Data(text.utf8)) else { return [] }
        return file.features
    }()

    private static func boundary(_ feature: File.Feature) -> KommunBoundary {
        let polygons = feature.geometry.coordinates.map { polygon in
            GridPolygon(rings: polygon.map { ring in ring.map { SWEREF99TM.project(latitude: $0[1], longitude: $0[0]) } })
        }
        let point = feature.properties.punkt
        return KommunBoundary(kod: feature.properties.kod, namn: feature.properties.namn, lan: feature.properties.lan,
                              polygons: polygons, labelPoint: SWEREF99TM.project(latitude: point[0], longitude: point[1]))
    }

    public static var all: [KommunBoundary] { features.map(boundary) }

    public static func inLan(_ lan: String) -> [KommunBoundary] { features.filter { $0.properties.lan == lan }.map(boundary) }

    public static func kommun(_ kod: String) -> KommunBoundary? { features.first { $0.properties.kod == kod }.map(boundary) }
}

/// An area's boundary as the store keeps it: SWEREF 99 TM in whole metres, "E N,E N,…" per ring, rings split by ";",
/// polygons by "|" (the first ring of each polygon its outline, the rest holes).
public enum AreaGeometry {
    public static func encode(_ polygons: [[[GridPoint]]]) -> String {
        polygons.map { polygon in
            polygon.map { ring in
                var points: [String] = []
                for point in ring {
                    let text = "\(Int(point.east.rounded())) \(Int(point.north.rounded()))"
                    if points.last != text { points.append(text) }
                }
                return points.joined(separator: ",")
            }.joined(separator: ";")
        }.joined(separator: "|")
    }

    public static func decode(_ text: String) -> [GridPolygon] {
        text.split(separator: "|").map { polygon in
            GridPolygon(rings: polygon.split(separator: ";").map { ring in
                ring.split(separator: ",").compactMap { point in
                    let parts = point.split(separator: " ")
                    guard parts.count == 2, let east = Double(parts[0]), let north = Double(parts[1]) else { return nil }
                    return GridPoint(north: north, east: east)
                }
            })
        }
    }

    /// A point for a label: the centroid of the largest outline (by area), or its first point if degenerate.
    public static func labelPoint(_ polygons: [GridPolygon]) -> GridPoint? {
        func area(_ ring: [GridPoint]) -> Double {
            zip(ring, ring.dropFirst()).reduce(0) { $0 + $1.0.east * $1.1.north - $1.1.east * $1.0.north } / 2
        }
        guard let outline = polygons.compactMap(\.rings.first).max(by: { abs(area($0)) < abs(area($1)) }), !outline.isEmpty else { return nil }
        let signed = area(outline)
        guard abs(signed) > 1 else { return outline.first }
        var east = 0.0, north = 0.0
        for (a, b) in zip(outline, outline.dropFirst()) {
            let cross = a.east * b.north - b.east * a.north
            east += (a.east + b.east) * cross
            north += (a.north + b.north) * cross
        }
        return GridPoint(north: north / (6 * signed), east: east / (6 * signed))
    }
}
