/// The metric names a PromQL expression reads, for checking dashboards and alert rules against what a
/// server serves. A small scanner, not a parser: it drops strings, label matchers, ranges, grouping
/// clauses and Grafana variables, then keeps the identifiers that are neither functions nor keywords.
enum PromQLNames {
    static let keywords: Set<String> = [
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
        // Aggregations, which may put `by (…)` before their parenthesis.
        "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    ]

    /// The metric names `expression` reads.
    static func metrics(in expression: String) -> Set<String> {
        var text = Substring(expression)
        var kept = ""
        // Drop "…" strings, {…} matchers and […] ranges.
        var closing: Character?
        for character in text {
            if let end = closing {
                if character == end { closing = nil }
                continue
            }
            switch character {
            case "\"": closing = "\""
            case "{": closing = "}"
            case "[": closing = "]"
            default: kept.append(character)
            }
        }
        text = Substring(kept)
        var names: Set<String> = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "$" {
                // A Grafana variable ($__rate_interval, $instance).
                index = text[index...].dropFirst().firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? text.endIndex
                continue
            }
            if character.isNumber {
                // A number or a duration (0.99, 24, 5m): never a name.
                index = text[index...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") } ?? text.endIndex
                continue
            }
            guard character.isLetter || character == "_" || character == ":" else {
                index = text.index(after: index)
                continue
            }
            let end = text[index...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") } ?? text.endIndex
            let word = String(text[index..<end])
            let next = text[end...].first { $0 != " " && $0 != "\n" }
            index = end
            if ["by", "without", "on", "ignoring", "group_left", "group_right"].contains(word), next == "(" {
                // Skip the label list.
                index = text[index...].firstIndex(of: ")").map { text.index(after: $0) } ?? text.endIndex
                continue
            }
            if next == "(" || keywords.contains(word) { continue }
            names.insert(word)
        }
        return names
    }

    /// The `expr:` values of a Prometheus rules file as this repository writes them: on the line, or
    /// as a `|` block of the lines indented deeper.
    static func alertExpressions(in rules: String) -> [String] {
        let lines = rules.split(separator: "\n", omittingEmptySubsequences: false)
        var expressions: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " }
            index += 1
            guard trimmed.hasPrefix("expr:") else { continue }
            let value = trimmed.dropFirst("expr:".count).trimmingPrefix(" ")
            guard value == "|" else {
                expressions.append(String(value))
                continue
            }
            let indent = line.count - trimmed.count
            var block: [Substring] = []
            while index < lines.count, lines[index].prefix(while: { $0 == " " }).count > indent {
                block.append(lines[index])
                index += 1
            }
            expressions.append(block.joined(separator: "\n"))
        }
        return expressions
    }
}
