import Domain

/// The body of `PUT /users/profile`: absent fields are left unchanged.
struct ProfileBody: Decodable {
    struct Language: Decodable {
        var code: String
        var level: String
    }
    struct Skill: Decodable {
        var name: String
        var level: String?
    }
    struct Experience: Decodable {
        var title: String
        var organization: String?
        var startDate: String?
        var endDate: String?
        var description: String?
    }

    var firstName: String?
    var lastName: String?
    var bio: String?
    var currentEducationLevel: String?
    var fieldOfStudy: String?
    var careerGoals: [String]?
    var interests: [String]?
    var languages: [Language]?
    var skills: [Skill]?
    var experience: [Experience]?
    var countryCode: String?
    var city: String?

    /// The domain's update, with enum words checked and named.
    func update() throws(APIError) -> Profiles.ProfileUpdate {
        var languages: [Profiles.Language]?
        if let list = self.languages {
            var converted: [Profiles.Language] = []
            for (index, language) in list.enumerated() {
                let level = try enumField(language.level, "languages[\(index)].level", as: LanguageLevel.self)!
                converted.append(Profiles.Language(code: language.code, level: level))
            }
            languages = converted
        }
        var skills: [Profiles.Skill]?
        if let list = self.skills {
            var converted: [Profiles.Skill] = []
            for (index, skill) in list.enumerated() {
                converted.append(Profiles.Skill(name: skill.name, level: try enumField(skill.level, "skills[\(index)].level", as: SkillLevel.self)))
            }
            skills = converted
        }
        return Profiles.ProfileUpdate(
            firstName: firstName, lastName: lastName, bio: bio,
            currentEducationLevel: try enumField(currentEducationLevel, "currentEducationLevel", as: EducationLevel.self),
            fieldOfStudy: fieldOfStudy, careerGoals: careerGoals, interests: interests, languages: languages, skills: skills,
            experience: experience?.map {
                Profiles.Experience(title: $0.title, organization: $0.organization, startDate: $0.startDate, endDate: $0.endDate, description: $0.description)
            },
            countryCode: countryCode, city: city
        )
    }
}

/// The body of `PUT /users/preferences`.
struct PreferencesBody: Decodable {
    struct Notifications: Decodable { var email: Bool? }
    var language: String?
    var profileVisibility: String?
    var notifications: Notifications?

    func update() throws(APIError) -> Profiles.PreferencesUpdate {
        Profiles.PreferencesUpdate(
            language: try enumField(language, "language", as: PreferredLanguage.self),
            profileVisibility: try enumField(profileVisibility, "profileVisibility", as: ProfileVisibility.self),
            emailNotifications: notifications?.email
        )
    }
}
