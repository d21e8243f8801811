public import EventSourcing
import Foundation

/// Profiles: what a user tells about themselves (studies, goals, skills, experience), their
/// preferences and avatar, and how complete the profile is.
///
/// Streams:
/// - `profile-<userId>`: every `Profiles.Event` of one user (profile updated, preferences changed,
///   avatar set). Names, bio, city and experience are the user's personal data (`Personal`).
///
/// The account (names at sign-up) lives in Identity; the application seeds the profile with the
/// sign-up names through a first `update`, so the profile stream is self-sufficient for read models.
public enum Profiles: Decider {
    /// Why a profile command was refused.
    public typealias Rejection = Refusal<Profiles>

    public static var initialState: State { State() }
}
