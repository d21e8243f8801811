import EventLog
import Foundation

/// The two ways dates are written here: as the projections store them (the codec's
/// `2026-11-24T18:00:00.000Z`, comparable as text) and as the contract answers (`2026-11-24T18:00:00Z`).
enum DiscoveryDates {
    /// `date` as stored in the read models, for comparisons in SQL.
    static func stored(_ date: Date) -> String {
        ISO8601Micros.format(Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }

    /// A stored date read back; `nil` when it is not one.
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }

    /// A stored date in the contract's form (whole seconds, UTC); unparseable text is returned as is.
    static func contract(_ text: String) -> String {
        guard let date = parse(text) else { return text }
        return date.formatted(Date.ISO8601FormatStyle())
    }

    /// A stored date's day, `2026-11-24`, for reasons.
    static func day(_ text: String) -> String { String(text.prefix(10)) }
}
