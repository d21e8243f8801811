public import EventSourcing
public import Foundation

extension Profiles {
    /// Payload of `profiles.profile-updated`: only the fields that changed; `""` or `[]` means cleared.
    public struct ProfileUpdated: Codable, Sendable, Equatable {
        public var userId: UUID
        public var firstName: Personal<String>?
        public var lastName: Personal<String>?
        public var bio: Personal<String>?
        public var currentEducationLevel: EducationLevel?
        public var fieldOfStudy: String?
        public var careerGoals: [String]?
        public var interests: [String]?
        public var languages: [Language]?
        public var skills: [Skill]?
        /// A CV is personal throughout: titles, employers, own descriptions.
        public var experience: Personal<[Experience]>?
        public var countryCode: String?
        public var city: Personal<String>?
        public var at: Date

        init(userId: UUID, at: Date) {
            self.userId = userId
            self.at = at
        }
    }

    /// Payload of `profiles.preferences-changed`: only the preferences that changed.
    public struct PreferencesChanged: Codable, Sendable, Equatable {
        public var userId: UUID
        public var language: PreferredLanguage?
        public var profileVisibility: ProfileVisibility?
        public var emailNotifications: Bool?
        public var at: Date
    }

    /// Payload of `profiles.avatar-set`.
    public struct AvatarSet: Codable, Sendable, Equatable {
        public var userId: UUID
        public var contentHash: String
        public var mediaType: String
        public var at: Date
    }

    /// What happened to a profile.
    public enum Event: DomainEvent {
        case profileUpdated(ProfileUpdated)
        case preferencesChanged(PreferencesChanged)
        case avatarSet(AvatarSet)

        public var eventType: String {
            switch self {
            case .profileUpdated: "profiles.profile-updated"
            case .preferencesChanged: "profiles.preferences-changed"
            case .avatarSet: "profiles.avatar-set"
            }
        }

        public var personalDataSubject: UUID? {
            if case .profileUpdated(let e) = self { return e.userId }
            return nil
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "profiles.profile-updated": self = .profileUpdated(try c.decode(ProfileUpdated.self))
            case "profiles.preferences-changed": self = .preferencesChanged(try c.decode(PreferencesChanged.self))
            case "profiles.avatar-set": self = .avatarSet(try c.decode(AvatarSet.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .profileUpdated(let p): try c.encode(p)
            case .preferencesChanged(let p): try c.encode(p)
            case .avatarSet(let p): try c.encode(p)
            }
        }
    }
}
