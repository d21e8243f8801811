import Domain
import EventSourcing
import Foundation
import ReadModels
import Testing

/// `users.sql` and `ProfileQueries`: the owner's profile, visibility of the public profile, the export.
@Suite struct ProfileQueriesTests {
    static let awa = UUID(uuidString: "a0a00000-0000-4000-8000-000000000001")!
    static let bob = UUID(uuidString: "b0b00000-0000-4000-8000-000000000002")!
    static let monday = PeopleFixture.monday

    @Test func registrationProfilePreferencesAndAccountEventsMakeTheOwnersProfile() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        try await fixture.register(Self.awa, first: "Awa", last: "Diop", email: "awa.diop@example.org", country: "SN", city: "Dakar")
        try await fixture.verifyEmail(Self.awa, now: Self.monday.addingTimeInterval(-29.5 * 86_400))
        try await fixture.logIn(Self.awa, now: Self.monday.addingTimeInterval(-86_400))
        let experience = [Profiles.Experience(title: "Stagiaire data", organization: "Orange", startDate: "2025-06")]
        try await fixture.profile(Self.awa, .update(userID: Self.awa, Profiles.ProfileUpdate(
            lastName: "Diop-Sarr", bio: "J'aime les données.", currentEducationLevel: .master, fieldOfStudy: "Informatique",
            careerGoals: ["Data scientist"], interests: ["IA", "Énergie"], languages: [.init(code: "fr", level: .native), .init(code: "en", level: .b2)],
            skills: [.init(name: "Python", level: .advanced)], experience: experience
        ), by: .user(Self.awa, .student), now: Self.monday.addingTimeInterval(-10 * 86_400)))
        // Clearing a text with "" and leaving the other fields alone.
        try await fixture.profile(Self.awa, .update(userID: Self.awa, Profiles.ProfileUpdate(fieldOfStudy: "", city: "Thiès"),
                                                    by: .user(Self.awa, .student), now: Self.monday.addingTimeInterval(-9 * 86_400)))
        try await fixture.profile(Self.awa, .setPreferences(userID: Self.awa, .init(language: .en, emailNotifications: false),
                                                            by: .user(Self.awa, .student), now: Self.monday.addingTimeInterval(-8 * 86_400)))
        let hash = String(repeating: "ab", count: 32)
        try await fixture.profile(Self.awa, .setAvatar(userID: Self.awa, contentHash: hash, mediaType: "image/png",
                                                       by: .user(Self.awa, .student), now: Self.monday.addingTimeInterval(-7 * 86_400)))

        let profile = try await fixture.running {
            try await fixture.caughtUp()
            return try fixture.set.profiles.profile(of: Self.awa)
        }
        let expected = UserProfile(
            account: AccountView(userId: "a0a00000-0000-4000-8000-000000000001", email: "awa.diop@example.org", role: .student,
                                 emailVerified: true, status: "active", twoFactorEnabled: false, registeredAt: "2026-10-31T00:00:00Z",
                                 lastLoginAt: "2026-11-29T00:00:00Z"),
            profile: ProfileView(
                firstName: "Awa", lastName: "Diop-Sarr", bio: "J'aime les données.", currentEducationLevel: .master, fieldOfStudy: nil,
                careerGoals: ["Data scientist"], interests: ["IA", "Énergie"], languages: [.init(code: "fr", level: .native), .init(code: "en", level: .b2)],
                skills: [.init(name: "Python", level: .advanced)], experience: experience, countryCode: "SN", city: "Thiès",
                avatar: .init(contentHash: hash, mediaType: "image/png")),
            preferences: PreferencesView(language: .en, profileVisibility: .public, notifications: .init(email: false)))
        #expect(profile == expected)

        // JSON: account and profile fields side by side, preferences as PUT /users/preferences takes them.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(try #require(profile)), as: UTF8.self)
        #expect(json.contains(#""firstName":"Awa""#))
        #expect(json.contains(#""userId":"a0a00000-0000-4000-8000-000000000001""#))
        #expect(json.contains(#""preferences":{"language":"en","notifications":{"email":false},"profileVisibility":"public"}"#))
        #expect(try JSONDecoder().decode(UserProfile.self, from: Data(json.utf8)) == expected)
        #expect(try fixture.set.profiles.profile(of: UUID()) == nil)
    }

    @Test func thePublicProfileFollowsTheOwnersVisibility() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        try await fixture.register(Self.awa, first: "Awa", last: "Diop", email: "awa@example.org", country: "SN")
        try await fixture.register(Self.bob, first: "Bob", last: "Martin")
        let anonymous: Principal? = nil, member = Principal.user(Self.bob, .student), owner = Principal.user(Self.awa, .student)
        let admin = PeopleFixture.admin, moderator = Principal.user(UUID(), .moderator)
        func visible() async throws -> [Bool] {
            try await fixture.caughtUp()
            let queries = try fixture.set.profiles
            return try [anonymous, member, owner, admin, moderator].map { try queries.publicProfile(of: Self.awa, viewer: $0) != nil }
        }
        func visibility(_ value: ProfileVisibility, at offset: TimeInterval) async throws {
            try await fixture.profile(Self.awa, .setPreferences(userID: Self.awa, .init(profileVisibility: value), by: .user(Self.awa, .student),
                                                                now: Self.monday.addingTimeInterval(offset)))
        }
        try await fixture.running {
            // Default: public.
            #expect(try await visible() == [true, true, true, true, true])
            let shown = try fixture.set.profiles.publicProfile(of: Self.awa, viewer: nil)
            #expect(shown == PublicProfile(userId: "a0a00000-0000-4000-8000-000000000001", role: .student,
                                           profile: ProfileView(firstName: "Awa", lastName: "Diop", countryCode: "SN")))
            let json = String(decoding: try JSONEncoder().encode(try #require(shown)), as: UTF8.self)
            #expect(!json.contains("awa@example.org") && !json.contains("preferences") && json.contains(#""firstName":"Awa""#))

            try await visibility(.members, at: 1)
            #expect(try await visible() == [false, true, true, true, true])
            try await visibility(.private, at: 2)
            #expect(try await visible() == [false, false, true, true, false])
            try await visibility(.public, at: 3)
            #expect(try await visible() == [true, true, true, true, true])

            try await fixture.erase(Self.awa, now: Self.monday.addingTimeInterval(4))
            #expect(try await visible() == [false, false, false, false, false])
            #expect(try fixture.set.profiles.publicProfile(of: UUID(), viewer: admin) == nil)
            #expect(try fixture.set.profiles.profile(of: Self.awa) == nil)
        }
    }

    @Test func theExportHoldsAccountProfileMentorAndSessionsAndTakesOtherSections() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        try await fixture.register(Self.awa, first: "Awa", last: "Diop", role: .mentor)
        try await fixture.register(Self.bob, first: "Bob", last: "Martin")
        try await fixture.mentor(Self.awa)
        try await fixture.mentor(Self.bob)
        let given = try await fixture.request(mentor: Self.awa, mentee: Self.bob, title: "Données", start: Self.monday.addingTimeInterval(10 * 3_600))
        let booked = try await fixture.request(mentor: Self.bob, mentee: Self.awa, title: "Carrière", start: Self.monday.addingTimeInterval(30 * 3_600))

        var export = try #require(try await fixture.running {
            try await fixture.caughtUp()
            return try fixture.set.profiles.export(of: Self.awa)
        })
        #expect(export.account.role == .mentor)
        #expect(export.profile?.firstName == "Awa")
        #expect(export.preferences == PreferencesView())
        #expect(export.mentor?.mentorId == "a0a00000-0000-4000-8000-000000000001")
        #expect(export.sessionsAsMentor.map(\.id) == [given.uuidString.lowercased()])
        #expect(export.sessionsAsMentee.map(\.id) == [booked.uuidString.lowercased()])

        struct Post: Encodable, Sendable { var postId: String; var body: String }
        export.add("posts", [Post(postId: "p1", body: "Bonjour")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(export)) as? [String: Any])
        #expect(Set(object.keys) == UserExport.ownKeys.union(["posts"]))
        #expect((object["posts"] as? [[String: String]])?.first?["body"] == "Bonjour")
        #expect(try fixture.set.profiles.export(of: UUID()) == nil)
    }
}
