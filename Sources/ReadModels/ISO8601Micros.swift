import Foundation

/// Formats log timestamps as the codec writes dates: ISO 8601 UTC with milliseconds.
enum ISO8601Micros {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func format(_ micros: Int64) -> String {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000).formatted(style)
    }
}
