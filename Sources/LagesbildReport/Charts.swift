import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// Inline SVG charts for the report.
///
/// Written by hand: no SVG charting package is available for server-side Swift, and the report needs
/// exactly two small chart types whose every detail matters for print (greyscale, masked values, text
/// alternatives). Every text is escaped; values that are masked are never drawn as numbers or bar heights.
public enum Charts {
    /// One bar of a chart.
    public struct Bar: Sendable {
        public let label: String
        /// nil when the value is masked or missing: no bar is drawn, `text` says why.
        public let value: Double?
        public let text: String
        public let emphasised: Bool

        public init(label: String, value: Double?, text: String, emphasised: Bool = false) {
            self.label = label
            self.value = value
            self.text = text
            self.emphasised = emphasised
        }
    }

    /// Dark blue and vermillion of the Okabe–Ito palette: distinguishable with any colour vision and, by
    /// lightness, in greyscale.
    static let barColour = "#0072B2"
    static let emphasisColour = "#004B75"
    static let horizontalColour = "#0072B2"
    static let textColour = "#1A1A1A"
    static let gridColour = "#BBBBBB"

    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// Vertical bars over years, with value labels, a y axis with gridlines, a title and a text alternative.
    public static func columns(id: String, title: String, description: String, bars: [Bar], maximum: Double? = nil) -> String {
        let width = 640.0, height = 230.0
        let left = 56.0, right = 12.0, top = 20.0, bottom = 34.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let largest = max(maximum ?? 0, bars.compactMap(\.value).max() ?? 0)
        let axis = ticks(for: largest)
        let scaleMax = axis.step * Double(axis.count)
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(escape(title))</title>
            <desc id="\(id)-desc">\(escape(description))</desc>

            """
        for step in 0...axis.count {
            let value = axis.step * Double(step)
            let y = top + plotHeight - plotHeight * Double(step) / Double(axis.count)
            svg += "<line x1=\"\(number(left))\" y1=\"\(number(y))\" x2=\"\(number(width - right))\" y2=\"\(number(y))\" stroke=\"\(step == 0 ? textColour : gridColour)\" stroke-width=\"\(step == 0 ? 1.2 : 0.6)\"/>\n"
            svg += "<text x=\"\(number(left - 6))\" y=\"\(number(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(textColour)\">\(escape(axisLabel(value)))</text>\n"
        }
        let slot = plotWidth / Double(max(bars.count, 1))
        let barWidth = min(56, slot * 0.6)
        for (index, bar) in bars.enumerated() {
            let centre = left + slot * (Double(index) + 0.5)
            let baseline = top + plotHeight
            var labelY = baseline - 6
            if let value = bar.value, scaleMax > 0 {
                let barHeight = plotHeight * value / scaleMax
                svg += "<rect x=\"\(number(centre - barWidth / 2))\" y=\"\(number(baseline - barHeight))\" width=\"\(number(barWidth))\" height=\"\(number(barHeight))\" fill=\"\(bar.emphasised ? emphasisColour : barColour)\"/>\n"
                labelY = baseline - barHeight - 5
            }
            let weight = bar.emphasised ? " font-weight=\"bold\"" : ""
            svg += "<text x=\"\(number(centre))\" y=\"\(number(labelY))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(textColour)\"\(weight)>\(escape(bar.text))</text>\n"
            svg += "<text x=\"\(number(centre))\" y=\"\(number(baseline + 18))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(textColour)\"\(weight)>\(escape(bar.label))</text>\n"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars on a 0–100 % scale, one labelled row per bar (labels above the bars, so long names fit).
    public static func percentBars(id: String, title: String, description: String, bars: [Bar]) -> String {
        let width = 640.0, rowHeight = 40.0, top = 8.0, left = 8.0, right = 70.0
        let height = top + rowHeight * Double(bars.count) + 22
        let plotWidth = width - left - right
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(escape(title))</title>
            <desc id="\(id)-desc">\(escape(description))</desc>

            """
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += "<text x=\"\(number(left))\" y=\"\(number(y + 12))\" font-size=\"12\" fill=\"\(textColour)\">\(escape(bar.label))</text>\n"
            svg += "<rect x=\"\(number(left))\" y=\"\(number(y + 17))\" width=\"\(number(plotWidth))\" height=\"14\" fill=\"none\" stroke=\"\(gridColour)\" stroke-width=\"0.8\"/>\n"
            if let value = bar.value {
                let barWidth = plotWidth * min(max(value, 0), 100) / 100
                svg += "<rect x=\"\(number(left))\" y=\"\(number(y + 17))\" width=\"\(number(barWidth))\" height=\"14\" fill=\"\(horizontalColour)\"/>\n"
            }
            svg += "<text x=\"\(number(left + plotWidth + 6))\" y=\"\(number(y + 29))\" font-size=\"12\" fill=\"\(textColour)\">\(escape(bar.text))</text>\n"
        }
        let axisY = top + rowHeight * Double(bars.count) + 14
        for step in 0...4 {
            let x = left + plotWidth * Double(step) / 4
            svg += "<text x=\"\(number(x))\" y=\"\(number(axisY))\" text-anchor=\"middle\" font-size=\"10\" fill=\"\(textColour)\">\(step * 25) %</text>\n"
        }
        return svg + "</svg>"
    }

    /// One part of a stacked bar: a count and the series it belongs to.
    public struct Segment: Sendable {
        public let series: Int
        public let value: Int
        public init(series: Int, value: Int) {
            self.series = series
            self.value = value
        }
    }

    /// Fills for up to four stacked series that stay apart in greyscale: dark, light, hatched, pale grey.
    static let stackFills = [emphasisColour, "#56B4E9", "url(#hatch)", "#D9D9D9"]
    static let stackText = ["#FFFFFF", textColour, textColour, textColour]

    /// Horizontal stacked bars of counts, one row per bar, each part labelled with its count when it fits, and
    /// a legend whose swatches carry the same fills. Parts differ by lightness and pattern, not by hue alone.
    public static func stackedBars(id: String, title: String, description: String, series: [String],
                                   rows: [(label: String, segments: [Segment])]) -> String {
        let width = 640.0, rowHeight = 42.0, top = 8.0, left = 8.0, right = 48.0
        let legendHeight = 26.0
        let height = top + rowHeight * Double(rows.count) + legendHeight
        let plotWidth = width - left - right
        let largest = max(1, rows.map { $0.segments.reduce(0) { $0 + $1.value } }.max() ?? 1)
        let hatch = "\(id)-hatch"
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(escape(title))</title>
            <desc id="\(id)-desc">\(escape(description))</desc>
            <defs><pattern id="\(hatch)" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#FFFFFF"/><line x1="0" y1="0" x2="0" y2="6" stroke="\(textColour)" stroke-width="2"/></pattern></defs>

            """
        func fill(_ series: Int) -> String {
            let fill = stackFills[series % stackFills.count]
            return fill == "url(#hatch)" ? "url(#\(hatch))" : fill
        }
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += "<text x=\"\(number(left))\" y=\"\(number(y + 12))\" font-size=\"12\" fill=\"\(textColour)\">\(escape(row.label))</text>\n"
            var x = left
            for segment in row.segments where segment.value > 0 {
                let segmentWidth = plotWidth * Double(segment.value) / Double(largest)
                svg += "<rect x=\"\(number(x))\" y=\"\(number(y + 17))\" width=\"\(number(segmentWidth))\" height=\"16\" fill=\"\(fill(segment.series))\" stroke=\"\(textColour)\" stroke-width=\"0.8\"/>\n"
                if segmentWidth >= 18 {
                    // Over hatching the count sits on a white plate, so it reads on every fill.
                    if segment.series % stackFills.count == 2 {
                        svg += "<rect x=\"\(number(x + segmentWidth / 2 - 8))\" y=\"\(number(y + 18.5))\" width=\"16\" height=\"13\" fill=\"#FFFFFF\"/>\n"
                    }
                    svg += "<text x=\"\(number(x + segmentWidth / 2))\" y=\"\(number(y + 29))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(stackText[segment.series % stackText.count])\">\(segment.value)</text>\n"
                }
                x += segmentWidth
            }
            let total = row.segments.reduce(0) { $0 + $1.value }
            svg += "<text x=\"\(number(x + 6))\" y=\"\(number(y + 29))\" font-size=\"12\" font-weight=\"bold\" fill=\"\(textColour)\">\(total)</text>\n"
        }
        var legendX = left
        let legendY = top + rowHeight * Double(rows.count) + 8
        for (index, name) in series.enumerated() {
            svg += "<rect x=\"\(number(legendX))\" y=\"\(number(legendY))\" width=\"14\" height=\"12\" fill=\"\(fill(index))\" stroke=\"\(textColour)\" stroke-width=\"0.8\"/>\n"
            svg += "<text x=\"\(number(legendX + 19))\" y=\"\(number(legendY + 10.5))\" font-size=\"11\" fill=\"\(textColour)\">\(escape(name))</text>\n"
            legendX += 30 + Double(name.count) * 6.5
        }
        return svg + "</svg>"
    }

    /// The axis: a step of 1, 2, 2,5 or 5 × 10^k, the smallest that covers `largest` in at most five steps (and at
    /// least one), so every label is a round number ("0, 5, 10, 15, 20, 25", never "6,3 / 12,5 / 18,8").
    package static func ticks(for largest: Double) -> (step: Double, count: Int) {
        guard largest > 0 else { return (1, 4) }
        var magnitude = pow(10, floor(log10(largest / 5)))
        while true {
            for factor in [1.0, 2.0, 2.5, 5.0] {
                let step = factor * magnitude
                let count = Int((largest / step - 1e-9).rounded(.up))
                if count <= 5 { return (step, max(count, 1)) }
            }
            magnitude *= 10
        }
    }

    static func axisLabel(_ value: Double) -> String {
        value == value.rounded() ? SwedishFormat.integer(Int(value)) : SwedishFormat.decimal(value, decimals: 1)
    }
}
