import Foundation

/// Markup that is safe to send: its literal parts come from our source code (`StaticString`), and
/// every value interpolated into it is escaped, unless it is itself `HTML`.
///
/// The console renders pages from people's names, titles and posts; escaping by construction
/// means no page can forget to escape one: `"<p>\(name)</p>" as HTML` escapes `name`.
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    private(set) var markup: String

    init(stringLiteral value: StaticString) {
        markup = value.description
    }

    init(stringInterpolation: Interpolation) {
        markup = stringInterpolation.markup
    }

    /// Markup already built (pages and fragments): never a value from outside.
    private init(markup: String) {
        self.markup = markup
    }

    var description: String { markup }

    /// Nothing.
    static let empty = HTML(markup: "")

    /// The fragments one after the other.
    static func join(_ parts: some Sequence<HTML>) -> HTML {
        HTML(markup: parts.map(\.markup).joined())
    }

    /// `value` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in text and in quoted attributes.
    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Builds markup: literals as written, values escaped.
    struct Interpolation: StringInterpolationProtocol {
        typealias StringLiteralType = StaticString
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: StaticString) {
            markup += literal.description
        }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: String) {
            markup += HTML.escape(text)
        }

        /// Text when present, nothing otherwise.
        mutating func appendInterpolation(_ text: String?) {
            if let text { markup += HTML.escape(text) }
        }

        /// A fragment built the same way.
        mutating func appendInterpolation(_ html: HTML) {
            markup += html.markup
        }

        /// Fragments one after the other.
        mutating func appendInterpolation(_ fragments: [HTML]) {
            for fragment in fragments { markup += fragment.markup }
        }

        /// A whole number.
        mutating func appendInterpolation<Number: BinaryInteger>(_ number: Number) {
            markup += String(number)
        }

        /// A coordinate or measure, to one decimal.
        mutating func appendInterpolation(_ number: Double) {
            markup += number.isFinite ? String(format: "%.1f", number) : "0"
        }

        /// A path or query component, percent-encoded, then escaped.
        mutating func appendInterpolation(component: String) {
            markup += HTML.escape(HTML.percentEncoded(component))
        }
    }

    /// RFC 3986's unreserved characters, ASCII only.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `value` percent-encoded for a path segment or a query value.
    static func percentEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
