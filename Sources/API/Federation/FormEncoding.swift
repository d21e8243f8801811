import Foundation

/// `application/x-www-form-urlencoded` and query-string escaping (WHATWG URL, "component" set).
enum FormEncoding {
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `value` with every byte outside the unreserved set percent-encoded.
    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `name=value&…` in the given order.
    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// The pairs of a form body (`+` is a space).
    static func decode(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func text(_ part: Substring) -> String { (part.replacingOccurrences(of: "+", with: " ")).removingPercentEncoding ?? "" }
            fields[text(parts[0])] = parts.count > 1 ? text(parts[1]) : ""
        }
        return fields
    }
}
