import Domain
import Foundation
import GRDB
import Projections
import ReadModels
import Testing

/// Erasure across `users.sql`, `mentors.sql` and `sessions.sql`: the live `identity.account-erased`
/// leaves nothing personal in the rows, and after the key is destroyed a rebuild leaves nothing in
/// the files either.
@Suite struct PeopleErasureTests {
    static let awa = UUID(uuidString: "a0a00000-0000-4000-8000-000000000001")!
    static let bob = UUID(uuidString: "b0b00000-0000-4000-8000-000000000002")!
    static let monday = PeopleFixture.monday
    /// Every personal value Awa gave; none may survive her erasure.
    static let secrets = [
        "Zéphyrine", "Kouyaté-Ndour", "zephyrine.k@example.org", "robotique solaire", "Ziguinchor", "Sonatel",
        "projet secret", "Détails privés", "imprévu familial", "Bob est motivé",
    ]

    @Test func erasureBlanksTheRowsLiveAndARebuildLeavesNoTraceInTheFiles() async throws {
        let fixture = try PeopleFixture()
        defer { fixture.close() }
        try await fixture.register(Self.awa, first: "Zéphyrine", last: "Kouyaté-Ndour", email: "zephyrine.k@example.org", role: .mentor,
                                   country: "SN", city: "Ziguinchor")
        try await fixture.register(Self.bob, first: "Bob", last: "Martin")
        try await fixture.profile(Self.awa, .update(userID: Self.awa, .init(
            bio: "Passionnée de robotique solaire", experience: [.init(title: "Ingénieure", organization: "Sonatel")]
        ), by: .user(Self.awa, .mentor), now: Self.monday.addingTimeInterval(-25 * 86_400)))
        try await fixture.mentor(Self.awa)
        try await fixture.mentor(Self.bob)
        // Awa books Bob (her title and description), cancels another with her reason; Bob rates her.
        let booked = try await fixture.request(mentor: Self.bob, mentee: Self.awa, title: "Mon projet secret", description: "Détails privés",
                                               start: Self.monday.addingTimeInterval(10 * 3_600))
        let cancelled = try await fixture.request(mentor: Self.bob, mentee: Self.awa, start: Self.monday.addingTimeInterval(20 * 3_600))
        try await fixture.session(cancelled, .cancel(reason: "Un imprévu familial", by: .user(Self.awa, .mentor), now: Self.monday))
        let given = try await fixture.request(mentor: Self.awa, mentee: Self.bob, title: "Bob's question", start: Self.monday.addingTimeInterval(30 * 3_600))
        try await fixture.completeAndRate(given, mentor: Self.awa, mentee: Self.bob, start: Self.monday.addingTimeInterval(30 * 3_600), rating: 5,
                                          comment: "Très pédagogue")
        try await fixture.session(given, .giveFeedback(rating: 4, comment: "Bob est motivé", by: .user(Self.awa, .mentor),
                                                       now: Self.monday.addingTimeInterval(33 * 3_600)))

        try await fixture.running {
            try await fixture.caughtUp()
            #expect(try fixture.set.mentors.mentor(Self.awa)?.name == "Zéphyrine Kouyaté-Ndour")
            #expect(try fixture.set.sessions.session(booked)?.title == "Mon projet secret")

            try await fixture.erase(Self.awa, now: Self.monday.addingTimeInterval(40 * 3_600))
            try await fixture.caughtUp()
            let live = try Self.observed(fixture)
            #expect(live.profile == nil && live.mentor == nil && live.listed == [Self.bob.uuidString.lowercased()])
            #expect(live.account?.status == "erased" && live.account?.email == nil)
            #expect(live.booked?.title == "[erased]" && live.booked?.description == nil)
            #expect(live.cancelled?.reason == nil)
            // Her rating of Bob stays, her words go; Bob's own words stay: they are his.
            #expect(live.given?.feedback == SessionView.FeedbackByParty(mentor: .init(rating: 4, comment: nil), mentee: .init(rating: 5, comment: "Très pédagogue")))
            let rows = try Self.rowsText(fixture)
            for secret in Self.secrets {
                #expect(!rows.contains(secret), "a row still holds \(secret)")
            }

            // The key is gone; rebuilt models never see the values, and the old files are deleted.
            try await fixture.set.rebuild(["users", "mentors", "sessions"])
            let rebuilt = try Self.observed(fixture)
            #expect(rebuilt.profile == nil && rebuilt.mentor == nil && rebuilt.listed == live.listed)
            #expect(rebuilt.account == live.account)
            #expect(rebuilt.booked == live.booked && rebuilt.cancelled == live.cancelled && rebuilt.given == live.given)
        }
        var files = 0, controls = 0
        for name in ["users", "mentors", "sessions"] {
            let storage = try #require(fixture.set.databases[name])
            storage.removeRetiredFiles()
            for file in try FileManager.default.contentsOfDirectory(atPath: storage.directory.path) where file.hasPrefix(name + ".") {
                files += 1
                let text = String(decoding: try Data(contentsOf: storage.directory.appendingPathComponent(file)), as: UTF8.self)
                for secret in Self.secrets {
                    #expect(!text.contains(secret), "\(file) still holds \(secret)")
                }
                if text.contains("Très pédagogue") { controls += 1 }  // Bob's words: the bytes are readable
            }
        }
        #expect(files >= 3 && controls >= 1)
    }

    struct Observed: Sendable {
        var account: AccountView?
        var profile: UserProfile?
        var mentor: MentorView?
        var listed: [String]
        var booked: SessionView?
        var cancelled: SessionView?
        var given: SessionView?
    }

    static func observed(_ fixture: PeopleFixture) throws -> Observed {
        let sessions = try fixture.set.sessions
        let bobsSessions = try sessions.sessions(of: bob, page: PageRequest(limit: 100)).items
        func find(_ party: Mentoring.Party) -> [SessionView] {
            bobsSessions.filter { (party == .mentor ? $0.mentorId : $0.menteeId) == awa.uuidString.lowercased() }
        }
        let asMentee = find(.mentee).sorted { $0.scheduledAt < $1.scheduledAt }
        return Observed(
            account: try fixture.set.profiles.export(of: awa)?.account, profile: try fixture.set.profiles.profile(of: awa),
            mentor: try fixture.set.mentors.mentor(awa), listed: try fixture.set.mentors.available().items.map(\.mentorId),
            booked: asMentee.first, cancelled: asMentee.last, given: find(.mentor).first
        )
    }

    /// Every row of the three read models, as text.
    static func rowsText(_ fixture: PeopleFixture) throws -> String {
        var text = ""
        for name in ["users", "mentors", "sessions"] {
            text += try #require(fixture.set.databases[name]).read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                return try tables.map { table in
                    try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).joined(separator: "\n")
                }.joined(separator: "\n")
            }
        }
        return text
    }
}
