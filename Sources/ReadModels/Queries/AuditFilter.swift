public import Foundation

/// The filters of `GET /admin/audit?stream=&type=&actor=&from=&to=`.
public struct AuditFilter: Sendable, Hashable {
    /// A stream name, exactly (`session-<id>`).
    public var stream: String?
    /// An event type, exactly (`mentoring.session-accepted`).
    public var type: String?
    /// A lowercase user id, `system` or an operator name, exactly.
    public var actor: String?
    /// Events recorded at or after this time.
    public var from: Date?
    /// Events recorded before this time.
    public var to: Date?

    /// Filters; `nil` leaves a dimension open.
    public init(stream: String? = nil, type: String? = nil, actor: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.stream = stream
        self.type = type
        self.actor = actor
        self.from = from
        self.to = to
    }
}
