import Foundation
import Testing
import EventSourcing
@testable import Domain

private let user = Fixture.id(1)
private let me = Principal.user(user, .student)
private let now = Fixture.now

private func updated(_ build: (inout Profiles.ProfileUpdated) -> Void) -> Profiles.Event {
    var payload = Profiles.ProfileUpdated(userId: user, at: now)
    build(&payload)
    return .profileUpdated(payload)
}

@Suite struct ProfileUpdateTests {
    @Test func presentFieldsAreNormalisedAndRecorded() {
        let update = Profiles.ProfileUpdate(
            firstName: " Awa ", bio: "Future data scientist", currentEducationLevel: .master, careerGoals: ["Data science", "data science"],
            languages: [Profiles.Language(code: "FR", level: .native)], skills: [Profiles.Skill(name: "Python", level: .advanced)],
            experience: [Profiles.Experience(title: "Intern", organization: "Orange", startDate: "2024-06", endDate: "2024-09")],
            countryCode: "sn", city: "Dakar"
        )
        Given(Profiles.self).when(.update(userID: user, update, by: me, now: now)).then([updated {
            $0.firstName = Personal("Awa")
            $0.bio = Personal("Future data scientist")
            $0.currentEducationLevel = .master
            $0.careerGoals = ["Data science"]
            $0.languages = [Profiles.Language(code: "fr", level: .native)]
            $0.skills = [Profiles.Skill(name: "Python", level: .advanced)]
            $0.experience = Personal([Profiles.Experience(title: "Intern", organization: "Orange", startDate: "2024-06", endDate: "2024-09")])
            $0.countryCode = "SN"
            $0.city = Personal("Dakar")
        }])
    }

    @Test func absentOrUnchangedFieldsAreLeftAlone() {
        let history = [updated { $0.firstName = Personal("Awa"); $0.city = Personal("Dakar") }]
        Given(Profiles.self, history).when(.update(userID: user, Profiles.ProfileUpdate(firstName: "Awa"), by: me, now: now)).then([])
        Given(Profiles.self, history).when(.update(userID: user, Profiles.ProfileUpdate(lastName: "Diop"), by: me, now: now))
            .then([updated { $0.lastName = Personal("Diop") }])
        #expect(Profiles.fold(history + [updated { $0.lastName = Personal("Diop") }]).city == "Dakar")
    }

    @Test func anEmptyStringClearsAnOptionalText() {
        let history = [updated { $0.bio = Personal("Hello") }]
        Given(Profiles.self, history).when(.update(userID: user, Profiles.ProfileUpdate(bio: ""), by: me, now: now))
            .then([updated { $0.bio = Personal("") }])
        #expect(Profiles.fold(history + [updated { $0.bio = Personal("") }]).bio == nil)
    }

    @Test func namesCannotBeBlankOrTooLong() {
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(firstName: " "), by: me, now: now)).thenRejected(.invalid, field: "firstName")
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(lastName: String(repeating: "x", count: 101)), by: me, now: now))
            .thenRejected(.invalid, field: "lastName")
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(bio: String(repeating: "x", count: 2001)), by: me, now: now))
            .thenRejected(.invalid, field: "bio")
    }

    @Test func nestedFieldsAreNamedWithTheirIndex() {
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(languages: [
            Profiles.Language(code: "fr", level: .native), Profiles.Language(code: "english", level: .b2),
        ]), by: me, now: now)).thenRejected(.invalid, field: "languages[1].code")
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(skills: [Profiles.Skill(name: "")]), by: me, now: now))
            .thenRejected(.invalid, field: "skills[0].name")
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(experience: [
            Profiles.Experience(title: "Analyst", startDate: "2024-13"),
        ]), by: me, now: now)).thenRejected(.invalid, field: "experience[0].startDate")
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(experience: [
            Profiles.Experience(title: "Analyst", startDate: "2024-05", endDate: "2023-01"),
        ]), by: me, now: now)).thenRejected(.invalid, field: "experience[0].endDate")
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(countryCode: "S3N"), by: me, now: now))
            .thenRejected(.invalid, field: "countryCode")
    }

    @Test func onlyTheUserOrAnAdminEdits() {
        Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(firstName: "X"), by: .user(Fixture.id(2), .moderator), now: now))
            .thenRejected(.forbidden)
        #expect(Given(Profiles.self).when(.update(userID: user, Profiles.ProfileUpdate(firstName: "X"), by: .user(Fixture.id(2), .admin), now: now))
            .events().count == 1)
    }

    @Test func personalDataBelongsToTheUserAndSurvivesErasure() {
        let event = updated { $0.firstName = Personal("Awa") }
        #expect(event.personalDataSubject == user)
        let state = Profiles.fold([updated { $0.firstName = .erased; $0.city = .erased; $0.experience = .erased; $0.interests = ["AI"] }])
        #expect(state.firstName == nil && state.city == nil && state.experience.isEmpty)
        #expect(state.interests == ["AI"])
    }
}

@Suite struct PreferencesAndAvatarTests {
    @Test func defaultsArePublicFrenchWithEmail() {
        let state = Profiles.initialState
        #expect(state.profileVisibility == .public && state.language == .fr && state.emailNotifications)
    }

    @Test func onlyChangedPreferencesAreRecorded() {
        let chosen = Profiles.Event.preferencesChanged(Profiles.PreferencesChanged(userId: user, language: .fr, at: now))
        Given(Profiles.self, [chosen])
            .when(.setPreferences(userID: user, Profiles.PreferencesUpdate(language: .fr, profileVisibility: .members, emailNotifications: false), by: me, now: now))
            .then([.preferencesChanged(Profiles.PreferencesChanged(userId: user, language: nil, profileVisibility: .members, emailNotifications: false, at: now))])
        Given(Profiles.self).when(.setPreferences(userID: user, Profiles.PreferencesUpdate(profileVisibility: .public), by: me, now: now)).then([])
    }

    /// A new account shows French without anyone choosing it: choosing French is recorded (and
    /// then, like any unchanged value, not again).
    @Test func choosingFrenchOnANewAccountIsRecorded() {
        let chosen = Profiles.Event.preferencesChanged(Profiles.PreferencesChanged(userId: user, language: .fr, at: now))
        Given(Profiles.self).when(.setPreferences(userID: user, Profiles.PreferencesUpdate(language: .fr), by: me, now: now)).then([chosen])
        Given(Profiles.self, [chosen]).when(.setPreferences(userID: user, Profiles.PreferencesUpdate(language: .fr), by: me, now: now)).then([])
        Given(Profiles.self).when(.setPreferences(userID: user, Profiles.PreferencesUpdate(language: .en), by: me, now: now))
            .then([.preferencesChanged(Profiles.PreferencesChanged(userId: user, language: .en, at: now))])
    }

    @Test func theAvatarIsAContentHashOfAnAcceptedImageType() {
        let hash = String(repeating: "ab", count: 32)
        Given(Profiles.self).when(.setAvatar(userID: user, contentHash: hash, mediaType: "image/png", by: me, now: now))
            .then([.avatarSet(Profiles.AvatarSet(userId: user, contentHash: hash, mediaType: "image/png", at: now))])
        Given(Profiles.self).when(.setAvatar(userID: user, contentHash: hash, mediaType: "image/gif", by: me, now: now)).thenRejected(.invalid, field: "mediaType")
        Given(Profiles.self).when(.setAvatar(userID: user, contentHash: "xyz", mediaType: "image/png", by: me, now: now)).thenRejected(.invalid, field: "contentHash")
    }

    @Test func completenessIsDerived() {
        #expect(Profiles.initialState.completeness == 0)
        #expect(Profiles.initialState.missingFields == Profiles.completenessFields)
        let state = Profiles.fold([
            updated { $0.firstName = Personal("Awa"); $0.lastName = Personal("Diop"); $0.countryCode = "SN"; $0.interests = ["AI"] },
            .avatarSet(Profiles.AvatarSet(userId: user, contentHash: String(repeating: "0", count: 64), mediaType: "image/png", at: now)),
        ])
        #expect(state.completeness == 5 * 100 / 13)
        #expect(state.missingFields == ["bio", "currentEducationLevel", "fieldOfStudy", "careerGoals", "languages", "skills", "experience", "city"])
    }
}

@Suite struct ProfilesEventCodingTests {
    @Test func everyEventRoundTrips() {
        expectRoundTrip(updated {
            $0.firstName = Personal("Awa"); $0.bio = .erased; $0.currentEducationLevel = .highSchool; $0.skills = [Profiles.Skill(name: "Go")]
            $0.experience = Personal([Profiles.Experience(title: "Intern")])
        }, named: "profiles.profile-updated")
        expectRoundTrip(Profiles.Event.preferencesChanged(Profiles.PreferencesChanged(userId: user, language: .en, profileVisibility: .private, emailNotifications: true, at: now)), named: "profiles.preferences-changed")
        expectRoundTrip(Profiles.Event.avatarSet(Profiles.AvatarSet(userId: user, contentHash: "h", mediaType: "image/webp", at: now)), named: "profiles.avatar-set")
        expectUnknownTypeRefused(Profiles.Event.self)
    }

    @Test func enumerationsUseTheContractsWords() throws {
        #expect(EducationLevel.allCases.map(\.rawValue) == ["high_school", "bachelor", "master", "phd", "professional"])
        #expect(Role.allCases.map(\.rawValue) == ["student", "mentor", "moderator", "admin"])
        #expect(ProfileVisibility.allCases.map(\.rawValue) == ["public", "members", "private"])
    }
}
