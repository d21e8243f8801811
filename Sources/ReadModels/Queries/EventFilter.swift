public import Domain
public import Foundation

/// The filters of `GET /events?type=&from=&to=&online=&q=`.
public struct EventFilter: Sendable, Hashable {
    public var type: Gathering.Kind?
    /// Events starting at or after this instant (pass now for upcoming events only).
    public var from: Date?
    /// Events starting before this instant.
    public var to: Date?
    /// `true`: online only; `false`: in person only.
    public var online: Bool?
    /// A plain substring of the title or the description (case-insensitive for ASCII letters).
    public var query: String?

    /// Filters; `nil` leaves a dimension open.
    public init(type: Gathering.Kind? = nil, from: Date? = nil, to: Date? = nil, online: Bool? = nil, query: String? = nil) {
        self.type = type
        self.from = from
        self.to = to
        self.online = online
        self.query = query
    }
}
