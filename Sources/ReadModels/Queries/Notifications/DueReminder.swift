public import Foundation

/// A reminder of the schedule whose time has come and that has not fired.
public struct DueReminder: Sendable, Equatable {
    /// Its key (stream `reminder-<key>`).
    public var key: String
    /// `session_reminder`, `event_reminder` or `scholarship_deadline`.
    public var kind: String
    /// The session, event or scholarship.
    public var subjectId: UUID
    /// The person reminded; `nil`: the people the scholarship fits.
    public var recipientId: UUID?
    /// When it was due.
    public var dueAt: Date
}
