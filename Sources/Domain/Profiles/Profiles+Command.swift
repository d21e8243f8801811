import EventSourcing
public import Foundation

extension Profiles {
    /// The media types accepted for avatars (the API checks the bytes; this checks the declaration).
    public static let avatarMediaTypes: Set<String> = ["image/png", "image/jpeg", "image/webp"]

    /// What callers ask of a profile. The user edits their own; an admin may edit anyone's.
    public enum Command: Sendable, Equatable {
        case update(userID: UUID, ProfileUpdate, by: Principal, now: Date)
        case setPreferences(userID: UUID, PreferencesUpdate, by: Principal, now: Date)
        /// The avatar stored in the blob store under its SHA-256 (hex).
        case setAvatar(userID: UUID, contentHash: String, mediaType: String, by: Principal, now: Date)
    }
}
