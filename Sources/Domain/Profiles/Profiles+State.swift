import EventSourcing
public import Foundation

extension Profiles {
    /// The fields completeness counts, in the API's names.
    public static let completenessFields = [
        "firstName", "lastName", "bio", "avatar", "currentEducationLevel", "fieldOfStudy", "careerGoals",
        "interests", "languages", "skills", "experience", "countryCode", "city",
    ]

    /// A user's profile as the decider sees it. Erased personal values read as `nil`.
    public struct State: Sendable, Equatable {
        public var userID: UUID?
        public var firstName: String?
        public var lastName: String?
        public var bio: String?
        public var currentEducationLevel: EducationLevel?
        public var fieldOfStudy: String?
        public var careerGoals: [String] = []
        public var interests: [String] = []
        public var languages: [Language] = []
        public var skills: [Skill] = []
        public var experience: [Experience] = []
        public var countryCode: String?
        public var city: String?
        public var avatarHash: String?
        public var avatarMediaType: String?
        public var language: PreferredLanguage = .fr
        /// Whether the person chose `language` (a new account shows French without having chosen it).
        public var languageChosen = false
        public var profileVisibility: ProfileVisibility = .public
        public var emailNotifications = true

        /// The completeness fields still empty, in `completenessFields` order.
        public var missingFields: [String] {
            let filled: [String: Bool] = [
                "firstName": firstName != nil, "lastName": lastName != nil, "bio": bio != nil, "avatar": avatarHash != nil,
                "currentEducationLevel": currentEducationLevel != nil, "fieldOfStudy": fieldOfStudy != nil,
                "careerGoals": !careerGoals.isEmpty, "interests": !interests.isEmpty, "languages": !languages.isEmpty,
                "skills": !skills.isEmpty, "experience": !experience.isEmpty, "countryCode": countryCode != nil, "city": city != nil,
            ]
            return completenessFields.filter { filled[$0] != true }
        }

        /// The share of completeness fields filled, 0…100, rounded down.
        public var completeness: Int {
            (completenessFields.count - missingFields.count) * 100 / completenessFields.count
        }
    }
}
