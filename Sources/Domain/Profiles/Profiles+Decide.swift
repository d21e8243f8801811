import EventSourcing
import Foundation

extension Profiles {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .update(let userID, let update, let principal, let now):
            try authorize(principal, userID)
            var event = ProfileUpdated(userId: userID, at: now)
            let v = try Rejection.check { () throws(FieldError) in try validated(update) }
            if let value = v.firstName, value != state.firstName { event.firstName = Personal(value) }
            if let value = v.lastName, value != state.lastName { event.lastName = Personal(value) }
            if let value = v.bio, value != (state.bio ?? "") { event.bio = Personal(value) }
            if let value = v.currentEducationLevel, value != state.currentEducationLevel { event.currentEducationLevel = value }
            if let value = v.fieldOfStudy, value != (state.fieldOfStudy ?? "") { event.fieldOfStudy = value }
            if let value = v.careerGoals, value != state.careerGoals { event.careerGoals = value }
            if let value = v.interests, value != state.interests { event.interests = value }
            if let value = v.languages, value != state.languages { event.languages = value }
            if let value = v.skills, value != state.skills { event.skills = value }
            if let value = v.experience, value != state.experience { event.experience = Personal(value) }
            if let value = v.countryCode, value != (state.countryCode ?? "") { event.countryCode = value }
            if let value = v.city, value != (state.city ?? "") { event.city = Personal(value) }
            return event == ProfileUpdated(userId: userID, at: now) ? [] : [.profileUpdated(event)]

        case .setPreferences(let userID, let update, let principal, let now):
            try authorize(principal, userID)
            var event = PreferencesChanged(userId: userID, at: now)
            // French is what a new account shows, not a choice: choosing it is recorded (the read
            // models then know it, and `Accept-Language` no longer decides).
            if let value = update.language, value != state.language || !state.languageChosen { event.language = value }
            if let value = update.profileVisibility, value != state.profileVisibility { event.profileVisibility = value }
            if let value = update.emailNotifications, value != state.emailNotifications { event.emailNotifications = value }
            return event == PreferencesChanged(userId: userID, at: now) ? [] : [.preferencesChanged(event)]

        case .setAvatar(let userID, let hash, let mediaType, let principal, let now):
            try authorize(principal, userID)
            let hex = hash.lowercased()
            guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else {
                throw .invalid("contentHash", "contentHash must be a SHA-256 digest in hex (64 characters)")
            }
            guard avatarMediaTypes.contains(mediaType) else { throw .invalid("mediaType", "an avatar must be PNG, JPEG or WebP") }
            if hex == state.avatarHash { return [] }
            return [.avatarSet(AvatarSet(userId: userID, contentHash: hex, mediaType: mediaType, at: now))]
        }
    }

    private static func authorize(_ principal: Principal, _ userID: UUID) throws(Rejection) {
        guard principal.isUser(userID) || principal.isAdministrator else { throw .forbidden("only the user or an admin can change this profile") }
    }

    /// Checks every present field; optional texts come back as `""` when cleared.
    private static func validated(_ u: ProfileUpdate) throws(FieldError) -> ProfileUpdate {
        var v = ProfileUpdate(currentEducationLevel: u.currentEducationLevel)
        if let value = u.firstName { v.firstName = try Validate.text(value, "firstName", max: 100) }
        if let value = u.lastName { v.lastName = try Validate.text(value, "lastName", max: 100) }
        if let value = u.bio { v.bio = try Validate.optionalText(value, "bio", max: 2000) ?? "" }
        if let value = u.fieldOfStudy { v.fieldOfStudy = try Validate.optionalText(value, "fieldOfStudy", max: 100) ?? "" }
        if let value = u.careerGoals { v.careerGoals = try Validate.textList(value, "careerGoals", maxCount: 20, maxLength: 200) }
        if let value = u.interests { v.interests = try Validate.textList(value, "interests", maxCount: 30, maxLength: 100) }
        if let value = u.languages {
            if value.count > 20 { throw FieldError("languages", "languages may list at most 20 items") }
            var result: [Language] = []
            for (i, language) in value.enumerated() {
                let code = try Validate.languageCode(language.code, "languages[\(i)].code")
                if result.contains(where: { $0.code == code }) { throw FieldError("languages[\(i)].code", "languages lists \(code) twice") }
                result.append(Language(code: code, level: language.level))
            }
            v.languages = result
        }
        if let value = u.skills {
            if value.count > 50 { throw FieldError("skills", "skills may list at most 50 items") }
            var result: [Skill] = []
            for (i, skill) in value.enumerated() {
                result.append(Skill(name: try Validate.text(skill.name, "skills[\(i)].name", max: 100), level: skill.level))
            }
            v.skills = result
        }
        if let value = u.experience {
            if value.count > 30 { throw FieldError("experience", "experience may list at most 30 items") }
            var result: [Experience] = []
            for (i, item) in value.enumerated() {
                let field = "experience[\(i)]"
                let start = try partialDate(item.startDate, "\(field).startDate")
                let end = try partialDate(item.endDate, "\(field).endDate")
                if let start, let end, end < start { throw FieldError("\(field).endDate", "\(field).endDate must not be before its startDate") }
                result.append(Experience(
                    title: try Validate.text(item.title, "\(field).title", max: 200),
                    organization: try Validate.optionalText(item.organization, "\(field).organization", max: 200),
                    startDate: start, endDate: end,
                    description: try Validate.optionalText(item.description, "\(field).description", max: 2000)
                ))
            }
            v.experience = result
        }
        if let value = u.countryCode { v.countryCode = try CountryCode.validated(optional: value, "countryCode") ?? "" }
        if let value = u.city { v.city = try Validate.optionalText(value, "city", max: 100) ?? "" }
        return v
    }

    /// `"YYYY-MM"` or `"YYYY-MM-DD"`; these sort correctly as strings.
    private static func partialDate(_ value: String?, _ field: String) throws(FieldError) -> String? {
        guard let value = try Validate.optionalText(value, field, max: 10) else { return nil }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        let digits = parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard digits, (2...3).contains(parts.count), parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), (1900...2100).contains(year), let month = Int(parts[1]), (1...12).contains(month),
              parts.count == 2 || (parts[2].count == 2 && (1...31).contains(Int(parts[2]) ?? 0))
        else { throw FieldError(field, "\(field) must be a date written YYYY-MM or YYYY-MM-DD") }
        return value
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        func text(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        switch event {
        case .profileUpdated(let e):
            state.userID = e.userId
            // An erased value reads as nil: the person is gone, the rest of the history still folds.
            if let value = e.firstName { state.firstName = value.wrapped }
            if let value = e.lastName { state.lastName = value.wrapped }
            if let value = e.bio { state.bio = text(value.wrapped) }
            if let value = e.currentEducationLevel { state.currentEducationLevel = value }
            if let value = e.fieldOfStudy { state.fieldOfStudy = text(value) }
            if let value = e.careerGoals { state.careerGoals = value }
            if let value = e.interests { state.interests = value }
            if let value = e.languages { state.languages = value }
            if let value = e.skills { state.skills = value }
            if let value = e.experience { state.experience = value.wrapped ?? [] }
            if let value = e.countryCode { state.countryCode = text(value) }
            if let value = e.city { state.city = text(value.wrapped) }
        case .preferencesChanged(let e):
            state.userID = e.userId
            if let value = e.language {
                state.language = value
                state.languageChosen = true
            }
            if let value = e.profileVisibility { state.profileVisibility = value }
            if let value = e.emailNotifications { state.emailNotifications = value }
        case .avatarSet(let e):
            state.userID = e.userId
            state.avatarHash = e.contentHash
            state.avatarMediaType = e.mediaType
        }
        return state
    }
}
