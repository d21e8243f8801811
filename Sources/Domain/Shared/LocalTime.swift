import Foundation

/// A wall-clock time of day written `"HH:mm"` (24-hour), in some time zone given elsewhere.
///
/// `"24:00"` is accepted as an end of day so a window can run until midnight.
public struct LocalTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Minutes since midnight, 0…1440.
    public var minutes: Int

    /// Parses `"HH:mm"`, or throws a `FieldError` naming `field`.
    public static func parse(_ text: String, _ field: String) throws(FieldError) -> LocalTime {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour) && (0...59).contains(minute) || (hour == 24 && minute == 0)
        else { throw FieldError(field, "\(field) must be a time written HH:mm, e.g. \"09:00\"") }
        return LocalTime(minutes: hour * 60 + minute)
    }

    public var description: String {
        let hour = minutes / 60, minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minutes < rhs.minutes }
}
