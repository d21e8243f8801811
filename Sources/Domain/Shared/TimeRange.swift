public import Foundation

/// A half-open span of absolute time `[start, end)`, as booked in calendars.
public struct TimeRange: Codable, Sendable, Hashable {
    /// The first instant.
    public var start: Date
    /// The first instant after the span.
    public var end: Date

    /// Creates a range.
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// A range starting at `start` and lasting `minutes`.
    public init(start: Date, minutes: Int) {
        self.init(start: start, end: start.addingTimeInterval(TimeInterval(minutes * 60)))
    }

    /// Whether the two spans share an instant (back-to-back spans do not overlap).
    public func overlaps(_ other: TimeRange) -> Bool { start < other.end && other.start < end }
}
