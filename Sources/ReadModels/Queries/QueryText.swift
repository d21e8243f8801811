import Foundation

/// Small helpers the typed queries share to bind their arguments the way projections store values.
enum QueryText {
    /// A time as the projections store it and the contract writes it: `2026-11-24T18:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` taken literally (use with `ESCAPE '\'`).
    static func containsPattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }

    /// A lowercase UUID string, as projections store ids.
    static func id(_ uuid: UUID) -> String {
        uuid.uuidString.lowercased()
    }
}
