public import Foundation

/// One recurring window of a week, in the owner's time zone: `{day: "monday", start: "09:00", end: "17:30"}`.
///
/// Times stay strings as the contract carries them; `WeeklyAvailability.validated` checks them.
public struct AvailabilitySlot: Codable, Sendable, Hashable {
    /// The day of the week.
    public var day: Weekday
    /// Local start time, `"HH:mm"`.
    public var start: String
    /// Local end time, `"HH:mm"`, after `start` (`"24:00"` for midnight).
    public var end: String

    /// Creates a slot.
    public init(day: Weekday, start: String, end: String) {
        self.day = day
        self.start = start
        self.end = end
    }
}

/// The weekly windows in which someone can be booked, in an IANA time zone.
///
/// Sessions are absolute instants; checking one against the windows converts it to the owner's
/// wall clock, so daylight-saving shifts are honoured, and adjacent windows (e.g. Monday until
/// 24:00 and Tuesday from 00:00) count as one.
public struct WeeklyAvailability: Codable, Sendable, Hashable {
    /// An IANA time zone identifier, e.g. `"Africa/Dakar"`.
    public var timeZone: String
    /// The windows, in any order; overlaps are allowed.
    public var slots: [AvailabilitySlot]

    /// Creates an availability (unchecked; see `validated()`).
    public init(timeZone: String, slots: [AvailabilitySlot]) {
        self.timeZone = timeZone
        self.slots = slots
    }

    private static let minutesPerWeek = 7 * 24 * 60

    /// Checks the time zone and every window; returns the availability unchanged when valid.
    public func validated() throws(FieldError) -> WeeklyAvailability {
        guard TimeZone(identifier: timeZone) != nil else {
            throw FieldError("timeZone", "timeZone must be an IANA time zone identifier such as \"Africa/Dakar\"")
        }
        if slots.count > 70 { throw FieldError("availability", "availability may list at most 70 windows") }
        for (index, slot) in slots.enumerated() {
            let start = try LocalTime.parse(slot.start, "availability[\(index)].start")
            let end = try LocalTime.parse(slot.end, "availability[\(index)].end")
            if start.minutes == 24 * 60 {
                throw FieldError("availability[\(index)].start", "availability[\(index)].start must be before 24:00")
            }
            guard start < end else {
                throw FieldError("availability[\(index)].end", "availability[\(index)].end must be after its start")
            }
        }
        return self
    }

    /// Whether `[start, end)` lies entirely inside the windows, read on the owner's wall clock.
    ///
    /// Returns `false` for an unknown time zone or malformed windows (they never pass `validated()`).
    public func covers(start: Date, end: Date) -> Bool {
        guard let week = weekMinutes(start: start, end: end), week.to - week.from <= Self.minutesPerWeek else { return false }
        return week.windows.contains { $0.0 <= week.from && week.to <= $0.1 }
    }

    /// Whether some part of `[start, end)` falls inside the windows, read on the owner's wall clock
    /// (the mentor search's `from`/`to` filter). A span of a week or more meets every window.
    ///
    /// Returns `false` for an unknown time zone or when no window is well formed.
    public func overlaps(start: Date, end: Date) -> Bool {
        guard let week = weekMinutes(start: start, end: end) else { return false }
        if end.timeIntervalSince(start) >= Double(Self.minutesPerWeek * 60) { return !week.windows.isEmpty }
        return week.windows.contains { $0.0 < week.to && week.from < $0.1 }
    }

    /// `[start, end)` as minutes from the owner's Monday 00:00 (`to` past a week when it wraps), and
    /// the windows merged, twice over so a span across Sunday midnight finds them.
    private func weekMinutes(start: Date, end: Date) -> (from: Int, to: Int, windows: [(Int, Int)])? {
        guard end > start, let zone = TimeZone(identifier: timeZone) else { return nil }
        var calendar = Foundation.Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func weekMinute(_ date: Date, roundUp: Bool) -> Int {
            let parts = calendar.dateComponents([.weekday, .hour, .minute, .second, .nanosecond], from: date)
            let day = ((parts.weekday ?? 2) + 5) % 7  // Calendar: 1 = Sunday; here 0 = Monday
            let partial = roundUp && ((parts.second ?? 0) > 0 || (parts.nanosecond ?? 0) > 0)
            return day * 24 * 60 + (parts.hour ?? 0) * 60 + (parts.minute ?? 0) + (partial ? 1 : 0)
        }
        let from = weekMinute(start, roundUp: false)
        var to = weekMinute(end, roundUp: true)
        if to <= from { to += Self.minutesPerWeek }  // wraps past Sunday midnight

        // Windows as week-minute ranges, twice over so a Sunday-to-Monday session finds its cover.
        var ranges: [(Int, Int)] = []
        for slot in slots {
            guard let startTime = try? LocalTime.parse(slot.start, "start"),
                  let endTime = try? LocalTime.parse(slot.end, "end"), startTime < endTime else { continue }
            let base = slot.day.index * 24 * 60
            ranges.append((base + startTime.minutes, base + endTime.minutes))
            ranges.append((base + startTime.minutes + Self.minutesPerWeek, base + endTime.minutes + Self.minutesPerWeek))
        }
        ranges.sort { $0.0 < $1.0 }
        var merged: [(Int, Int)] = []
        for range in ranges {
            if let last = merged.last, range.0 <= last.1 {
                merged[merged.count - 1].1 = max(last.1, range.1)
            } else {
                merged.append(range)
            }
        }
        return (from, to, merged)
    }
}
