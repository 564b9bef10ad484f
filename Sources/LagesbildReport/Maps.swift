import Foundation
import LagesbildModel

/// Inline SVG maps for the report: areas shaded by a rate in classes that read in greyscale print, masked areas
/// hatched and labelled, the report's own area outlined. Drawn by hand for the same reasons as ``Charts``: no
/// server-side Swift map package exists, and every detail (masking, greyscale, escaping) matters. Coordinates are
/// SWEREF 99 TM, so shapes are true at Sweden's latitudes.
public enum Maps {
    /// One area of a map.
    public struct Area: Sendable {
        /// SCB's code, on the area's path as `data-kod` (for tests and anyone reading the SVG).
        public let code: String
        public let name: String
        public let polygons: [GridPolygon]
        public let labelPoint: GridPoint
        /// nil when masked or missing: the area is then hatched (masked) or left white (missing).
        public let value: Double?
        /// What the label says: the value, "<5", or "–".
        public let text: String
        public let masked: Bool
        public let emphasised: Bool

        public init(code: String, name: String, polygons: [GridPolygon], labelPoint: GridPoint, value: Double?, text: String, masked: Bool,
                    emphasised: Bool) {
            self.code = code
            self.name = name
            self.polygons = polygons
            self.labelPoint = labelPoint
            self.value = value
            self.text = text
            self.masked = masked
            self.emphasised = emphasised
        }
    }

    /// A class of values: [lower, upper), labelled as the report writes numbers ("5–9,9").
    public struct ValueClass: Sendable, Equatable {
        public let lower: Double
        public let upper: Double
        public let label: String
        public let fill: String
    }

    /// Light to dark blue whose lightness alone keeps the classes apart in greyscale (relative luminance about
    /// 0.80, 0.52, 0.25 and 0.08).
    static let classFills = ["#DEEBF7", "#9ECAE1", "#4292C6", "#08519C"]
    static let missingFill = "#FFFFFF"
    static let outline = "#4D4D4D"

    /// At most four classes of equal width from 0, the width a round number (1, 2, 2,5 or 5 times a power of ten)
    /// so that the legend reads plainly; the largest value falls in the last class.
    public static func classes(for values: [Double], decimals: Int) -> [ValueClass] {
        let largest = values.max() ?? 0
        var width = niceStep(max(largest, 0.000_001) / 4)
        while Int((largest / width).rounded(.down)) + 1 > 4 { width = niceStep(width * 1.000_001) }
        let count = max(1, Int((largest / width).rounded(.down)) + 1)
        let unit = pow(10, -Double(decimals))
        return (0..<count).map { index in
            let lower = Double(index) * width, upper = lower + width
            let label = SwedishFormat.decimal(lower, decimals: decimals) + "–" + SwedishFormat.decimal(upper - unit, decimals: decimals)
            return ValueClass(lower: lower, upper: upper, label: label, fill: classFills[classFills.count - count + index])
        }
    }

    /// The class a value falls in.
    public static func classIndex(of value: Double, in classes: [ValueClass]) -> Int {
        classes.firstIndex { value < $0.upper } ?? classes.count - 1
    }

    /// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`.
    static func niceStep(_ value: Double) -> Double {
        let power = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * power >= value * (1 - 1e-12) { return factor * power }
        return 10 * power
    }

    /// The legend's words for the hatched areas: small counts, and those hidden only to protect them.
    static func maskedLabel(_ masked: String, anyHidden: Bool) -> String {
        anyHidden ? "litet antal (\(masked)) eller dolt (\(FigureText.hidden)), redovisas inte" : "litet antal (\(masked)), redovisas inte"
    }

    /// A choropleth map with a legend below it. `description` is the text alternative; the figures themselves stand in
    /// a table beside the map.
    public static func choropleth(id: String, title: String, description: String, areas: [Area], classes: [ValueClass],
                                  maskedLabel: String) -> String {
        let points = areas.flatMap { $0.polygons.flatMap { $0.rings.flatMap { $0 } } }
        guard let minEast = points.map(\.east).min(), let maxEast = points.map(\.east).max(),
              let minNorth = points.map(\.north).min(), let maxNorth = points.map(\.north).max() else { return "" }
        let mapWidth = 320.0, pad = 8.0
        let scale = mapWidth / max(maxEast - minEast, 1)
        let mapHeight = (maxNorth - minNorth) * scale
        let hasMasked = areas.contains(where: \.masked), hasMissing = areas.contains { !$0.masked && $0.value == nil }
        let legendRows = classes.count + (hasMasked ? 1 : 0) + (hasMissing ? 1 : 0)
        let legendTop = pad + mapHeight + 14
        let width = mapWidth + 2 * pad, height = legendTop + Double(legendRows) * 22 + 4
        func x(_ point: GridPoint) -> String { Charts.number(pad + (point.east - minEast) * scale) }
        func y(_ point: GridPoint) -> String { Charts.number(pad + (maxNorth - point.north) * scale) }
        let hatch = "\(id)-hatch"
        var svg = """
            <svg class="map" viewBox="0 0 \(Charts.number(width)) \(Charts.number(height))" role="img" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(Charts.escape(title))</title>
            <desc id="\(id)-desc">\(Charts.escape(description))</desc>
            <defs><pattern id="\(hatch)" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#FFFFFF"/><line x1="0" y1="0" x2="0" y2="5" stroke="\(Charts.textColour)" stroke-width="1.6"/></pattern></defs>

            """
        func fill(_ area: Area) -> String {
            if area.masked { return "url(#\(hatch))" }
            guard let value = area.value else { return missingFill }
            return classes[classIndex(of: value, in: classes)].fill
        }
        // The report's own area last, so its thick outline lies on top of its neighbours' edges.
        for area in areas.sorted(by: { !$0.emphasised && $1.emphasised }) {
            let path = area.polygons.flatMap(\.rings).map { ring in
                "M" + ring.dropLast().map { "\(x($0)) \(y($0))" }.joined(separator: "L") + "Z"
            }.joined()
            let stroke = area.emphasised ? "stroke=\"\(Charts.textColour)\" stroke-width=\"2.6\"" : "stroke=\"\(outline)\" stroke-width=\"0.7\""
            svg += "<path data-kod=\"\(Charts.escape(area.code))\" fill=\"\(fill(area))\" \(stroke) fill-rule=\"evenodd\" stroke-linejoin=\"round\" d=\"\(path)\"/>\n"
        }
        // Labels on a white plate, so they read on every shade and on hatching (a stroked halo needs SVG 2's
        // paint-order, which validators do not know). The plate's width is estimated from the characters.
        for area in areas {
            let weight = area.emphasised ? " font-weight=\"bold\"" : ""
            let cx = pad + (area.labelPoint.east - minEast) * scale, cy = pad + (maxNorth - area.labelPoint.north) * scale
            let plate = Double(max(area.name.count, area.text.count)) * 7.4 + 6
            svg += "<rect x=\"\(Charts.number(cx - plate / 2))\" y=\"\(Charts.number(cy - 12))\" width=\"\(Charts.number(plate))\" height=\"32\" rx=\"3\" fill=\"#FFFFFF\" fill-opacity=\"0.85\"/>"
                + "<text x=\"\(Charts.number(cx))\" y=\"\(Charts.number(cy))\" text-anchor=\"middle\" font-size=\"13\" fill=\"\(Charts.textColour)\"\(weight)>"
                + "<tspan x=\"\(Charts.number(cx))\">\(Charts.escape(area.name))</tspan><tspan x=\"\(Charts.number(cx))\" dy=\"15\">\(Charts.escape(area.text))</tspan></text>\n"
        }
        var row = 0.0
        func legend(_ fill: String, _ label: String) {
            let top = legendTop + row * 22
            svg += "<rect x=\"\(Charts.number(pad))\" y=\"\(Charts.number(top))\" width=\"24\" height=\"16\" fill=\"\(fill)\" stroke=\"\(outline)\" stroke-width=\"0.7\"/>"
                + "<text x=\"\(Charts.number(pad + 32))\" y=\"\(Charts.number(top + 13))\" font-size=\"13\" fill=\"\(Charts.textColour)\">\(Charts.escape(label))</text>\n"
            row += 1
        }
        for valueClass in classes { legend(valueClass.fill, valueClass.label) }
        if hasMasked { legend("url(#\(hatch))", maskedLabel) }
        if hasMissing { legend(missingFill, "uppgift saknas i databasen") }
        return svg + "</svg>"
    }
}
