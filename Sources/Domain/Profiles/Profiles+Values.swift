import Foundation
import EventSourcing
/// How well someone speaks a language (CEFR levels, or plain words).
public enum LanguageLevel: String, Codable, Sendable, Hashable, CaseIterable {
    case a1, a2, b1, b2, c1, c2
    case beginner, intermediate, advanced, fluent, native
}

/// How well someone masters a skill.
public enum SkillLevel: String, Codable, Sendable, Hashable, CaseIterable {
    case beginner, intermediate, advanced, expert
}

/// Who may see a profile.
public enum ProfileVisibility: String, Codable, Sendable, Hashable, CaseIterable {
    /// Anyone, signed in or not (the default).
    case `public`
    /// Signed-in users.
    case members
    /// Only the user and admins.
    case `private`
}

/// The language of the interface and of mails.
public enum PreferredLanguage: String, Codable, Sendable, Hashable, CaseIterable {
    case fr, en
}

extension Profiles {
    /// A spoken language: `{code: "fr", level: "native"}`.
    public struct Language: Codable, Sendable, Hashable {
        /// ISO 639 code, lowercased.
        public var code: String
        public var level: LanguageLevel
        public init(code: String, level: LanguageLevel) {
            self.code = code
            self.level = level
        }
    }

    /// A skill: `{name, level?}`.
    public struct Skill: Codable, Sendable, Hashable {
        public var name: String
        public var level: SkillLevel?
        public init(name: String, level: SkillLevel? = nil) {
            self.name = name
            self.level = level
        }
    }

    /// A past or current position: `{title, organization?, startDate?, endDate?, description?}`.
    ///
    /// Dates are `"YYYY-MM"` or `"YYYY-MM-DD"`: CVs rarely know the day.
    public struct Experience: Codable, Sendable, Hashable {
        public var title: String
        public var organization: String?
        public var startDate: String?
        public var endDate: String?
        public var description: String?
        public init(title: String, organization: String? = nil, startDate: String? = nil, endDate: String? = nil, description: String? = nil) {
            self.title = title
            self.organization = organization
            self.startDate = startDate
            self.endDate = endDate
            self.description = description
        }
    }

    /// What `PUT /users/profile` carries: every field optional, absent fields unchanged; an empty
    /// string clears an optional text, an empty list clears a list.
    public struct ProfileUpdate: Sendable, Equatable {
        public var firstName: String?
        public var lastName: String?
        public var bio: String?
        public var currentEducationLevel: EducationLevel?
        public var fieldOfStudy: String?
        public var careerGoals: [String]?
        public var interests: [String]?
        public var languages: [Language]?
        public var skills: [Skill]?
        public var experience: [Experience]?
        public var countryCode: String?
        public var city: String?

        public init(
            firstName: String? = nil, lastName: String? = nil, bio: String? = nil, currentEducationLevel: EducationLevel? = nil,
            fieldOfStudy: String? = nil, careerGoals: [String]? = nil, interests: [String]? = nil, languages: [Language]? = nil,
            skills: [Skill]? = nil, experience: [Experience]? = nil, countryCode: String? = nil, city: String? = nil
        ) {
            self.firstName = firstName
            self.lastName = lastName
            self.bio = bio
            self.currentEducationLevel = currentEducationLevel
            self.fieldOfStudy = fieldOfStudy
            self.careerGoals = careerGoals
            self.interests = interests
            self.languages = languages
            self.skills = skills
            self.experience = experience
            self.countryCode = countryCode
            self.city = city
        }
    }

    /// What `PUT /users/preferences` carries; absent fields unchanged.
    public struct PreferencesUpdate: Sendable, Equatable {
        public var language: PreferredLanguage?
        public var profileVisibility: ProfileVisibility?
        public var emailNotifications: Bool?
        public init(language: PreferredLanguage? = nil, profileVisibility: ProfileVisibility? = nil, emailNotifications: Bool? = nil) {
            self.language = language
            self.profileVisibility = profileVisibility
            self.emailNotifications = emailNotifications
        }
    }
}
