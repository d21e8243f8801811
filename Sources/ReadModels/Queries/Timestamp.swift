import EventLog
import Foundation

/// Converts between the read models' stored times and the contract's.
///
/// Projections store times as the payloads carry them, ISO 8601 UTC with milliseconds
/// (`2026-11-24T18:00:00.000Z`), so they sort as text; the contract shows whole seconds
/// (`2026-11-24T18:00:00Z`).
enum Timestamp {
    /// A stored time as the contract writes it.
    static func contract(_ stored: String) -> String {
        // `YYYY-MM-DDThh:mm:ss` is 19 characters; the rest is `.mmmZ`.
        guard stored.count > 19, stored.hasSuffix("Z") else { return stored }
        return String(stored.prefix(19)) + "Z"
    }

    /// A date in the stored form, to compare with stored columns.
    static func stored(_ date: Date) -> String {
        ISO8601Micros.format(Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }
}
