public import Domain

/// What a user tells about themselves: the fields of `PUT /users/profile`, plus the avatar.
public struct ProfileView: Codable, Sendable, Equatable {
    /// The avatar in the blob store: the HTTP layer builds its URL from the hash.
    public struct Avatar: Codable, Sendable, Equatable {
        /// SHA-256 of the image, hex.
        public var contentHash: String
        /// `image/png`, `image/jpeg` or `image/webp`.
        public var mediaType: String

        /// An avatar.
        public init(contentHash: String, mediaType: String) {
            self.contentHash = contentHash
            self.mediaType = mediaType
        }
    }

    public var firstName: String?
    public var lastName: String?
    public var bio: String?
    public var currentEducationLevel: EducationLevel?
    public var fieldOfStudy: String?
    public var careerGoals: [String]
    public var interests: [String]
    public var languages: [Profiles.Language]
    public var skills: [Profiles.Skill]
    public var experience: [Profiles.Experience]
    /// ISO 3166-1 code.
    public var countryCode: String?
    public var city: String?
    public var avatar: Avatar?

    /// A profile; lists default to empty.
    public init(
        firstName: String? = nil, lastName: String? = nil, bio: String? = nil, currentEducationLevel: EducationLevel? = nil,
        fieldOfStudy: String? = nil, careerGoals: [String] = [], interests: [String] = [], languages: [Profiles.Language] = [],
        skills: [Profiles.Skill] = [], experience: [Profiles.Experience] = [], countryCode: String? = nil, city: String? = nil,
        avatar: Avatar? = nil
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
        self.avatar = avatar
    }
}
