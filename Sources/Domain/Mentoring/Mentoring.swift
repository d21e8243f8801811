import Foundation
import EventSourcing

/// Mentoring: mentor profiles, session booking, calendars and feedback.
///
/// Streams:
/// - `mentor-<userId>`: `Mentoring.Mentor.Event` — a mentor's profile and availability, verification
///   by an admin, and the ratings mentees gave (the rating is a Bayesian average kept in the state).
/// - `session-<sessionId>`: `Mentoring.Session.Event` — one session's life: requested, accepted,
///   declined, cancelled, started, completed, and each party's feedback.
/// - `calendar-<userId>`: `Mentoring.BookingCalendar.Event` — the accepted sessions a user is booked
///   in, as mentor or mentee; it is what makes double booking impossible.
///
/// Decisions spanning streams return a `SessionDecision` with the events for each stream; the
/// application appends them in one atomic append, each stream with the version it read:
/// accepting books both calendars, cancelling an accepted session frees them, and a mentee's
/// feedback records the rating on the mentor's stream.
public enum Mentoring {
    /// Why a mentoring command was refused.
    public typealias Rejection = Refusal<Mentoring>
}
