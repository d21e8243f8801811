import Foundation

/// Charts drawn on the server as SVG markup (no chart library, nothing fetched): grouped vertical
/// bars for series over time, horizontal bars for rankings and rates. Every label is escaped like
/// any other interpolated value; each bar carries a `<title>` with its figure for screen readers
/// and hover.
enum SVGChart {
    /// One series of a grouped bar chart.
    struct Series {
        var name: String
        var values: [Double]
        /// A fill colour with at least 3:1 contrast on white.
        var color: String
    }

    static let palette = ["#0b5cad", "#c2410c", "#1b6e3a", "#6b21a8", "#a4161a"]

    /// Grouped vertical bars: one group per label, one bar per series.
    static func bars(id: String, title: String, labels: [String], series: [Series], empty: String) -> HTML {
        guard !labels.isEmpty else { return figure(id: id, title: title, body: "<p>\(empty)</p>") }
        let width = 640.0, height = 240.0, left = 40.0, bottom = 36.0, top = 10.0
        let plotHeight = height - bottom - top
        let maximum = max(1, series.flatMap(\.values).max() ?? 1)
        let groupWidth = (width - left - 10) / Double(labels.count)
        let barWidth = max(2, (groupWidth * 0.8) / Double(max(1, series.count)))
        var marks: [HTML] = []
        for (index, label) in labels.enumerated() {
            let x0 = left + Double(index) * groupWidth + groupWidth * 0.1
            for (number, line) in series.enumerated() {
                let value = index < line.values.count ? line.values[index] : 0
                let barHeight = plotHeight * value / maximum
                marks.append("""
                    <rect x="\(x0 + Double(number) * barWidth)" y="\(top + plotHeight - barHeight)" width="\(barWidth)" height="\(barHeight)" fill="\(line.color)"><title>\(label) · \(line.name): \(format(value))</title></rect>
                    """)
            }
            // Every label when they fit, else every few.
            let step = max(1, Int((Double(labels.count) * 60 / (width - left)).rounded(.up)))
            if index % step == 0 {
                marks.append("<text x=\"\(x0 + groupWidth * 0.4)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5468\">\(label)</text>")
            }
        }
        let axis: HTML = """
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(width - 5)" y2="\(top + plotHeight)" stroke="#8a94a6"/>\
            <text x="\(left - 6)" y="\(top + 10)" text-anchor="end" font-size="11" fill="#4a5468">\(format(maximum))</text>\
            <text x="\(left - 6)" y="\(top + plotHeight)" text-anchor="end" font-size="11" fill="#4a5468">0</text>
            """
        let legend = series.map { "<span><svg width=\"10\" height=\"10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"\($0.color)\"/></svg> \($0.name)</span> " as HTML }
        return figure(id: id, title: title, body: """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(title)">\(axis)\(marks)</svg>
            <p class="legend">\(legend)</p>
            """)
    }

    /// Horizontal bars, one per item, longest first as given; `value` shows each figure.
    static func ranking(id: String, title: String, items: [(label: String, value: Double)], maximum: Double? = nil, empty: String,
                        value: (Double) -> String = SVGChart.format) -> HTML {
        guard !items.isEmpty else { return figure(id: id, title: title, body: "<p>\(empty)</p>") }
        let width = 640.0, row = 22.0, left = 170.0
        let top = maximum ?? max(1, items.map(\.value).max() ?? 1)
        let rows = items.enumerated().map { index, item -> HTML in
            let y = Double(index) * row
            let length = (width - left - 60) * min(1, item.value / top)
            return """
                <text x="\(left - 6)" y="\(y + 15)" text-anchor="end" font-size="12" fill="#1d2433">\(String(item.label.prefix(28)))</text>\
                <rect x="\(left)" y="\(y + 4)" width="\(length)" height="\(row - 8)" fill="\(palette[0])"><title>\(item.label): \(value(item.value))</title></rect>\
                <text x="\(left + length + 4)" y="\(y + 15)" font-size="12" fill="#1d2433">\(value(item.value))</text>
                """
        }
        let height = Double(items.count) * row + 4
        return figure(id: id, title: title, body: "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(title)\">\(rows)</svg>")
    }

    private static func figure(id: String, title: String, body: HTML) -> HTML {
        "<figure id=\"\(id)\"><figcaption>\(title)</figcaption>\(body)</figure>"
    }

    /// A whole number, or one decimal.
    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
    }
}
