import API
import Domain
import EventLog
import EventSourcing
import Foundation
import ReadModels
import Testing

@Suite struct DemoMentoringTests {
    /// The demo has verified and unverified mentors in African time zones, sessions in every state
    /// with feedback and ratings, and scholarships open, closed, lapsed, with fees and restrictions.
    @Test func theDemoSeedsMentoringAndScholarships() async throws {
        let fixture = try APIFixture()
        let platform = fixture.platform
        _ = try await fixture.test { _ in
            let logins = try await DemoData.seedIfEmpty(platform, users: 20, progress: nil)
            #expect(await platform.readYourWrites.reach(platform.log.head, timeout: .seconds(30)))

            let listed = try platform.readModels.mentors.available(page: PageRequest(limit: 100)).items
            #expect(listed.count == 6)
            #expect(listed.allSatisfy { $0.verified && $0.timeZone.hasPrefix("Africa/") })
            let mentorID = try #require(try platform.accounts.userID(forEmail: logins.mentor))
            let demoMentor = try #require(try platform.readModels.mentors.mentor(mentorID))
            #expect(demoMentor.verified && demoMentor.timeZone == "Africa/Dakar" && demoMentor.rating.count >= 1)

            let counts = listed.map(\.sessions)
            #expect(counts.map(\.requested).reduce(0, +) >= 1)
            #expect(counts.map(\.accepted).reduce(0, +) >= 1)
            #expect(counts.map(\.inProgress).reduce(0, +) == 1)
            #expect(counts.map(\.completed).reduce(0, +) >= 5)
            #expect(counts.map(\.declined).reduce(0, +) == 1)
            #expect(counts.map(\.cancelled).reduce(0, +) == 1)
            let mentorSessions = try platform.readModels.sessions.sessions(of: mentorID, status: .completed).items
            #expect(mentorSessions.contains { $0.feedback.mentee != nil && $0.feedback.mentor != nil })

            let now = platform.clock.now()
            let all = try platform.readModels.scholarships.list(now: now, page: PageRequest(limit: 100)).items
            #expect(all.count == 10)
            #expect(all.filter(\.closed).count == 1)
            #expect(all.filter { !$0.closed && !$0.open }.count == 2)
            #expect(all.contains { $0.applicationFee != nil })
            #expect(all.contains { !$0.eligibility.countries.isEmpty } && all.contains { !$0.eligibility.fieldsOfStudy.isEmpty })
            #expect(all.contains { !$0.eligibility.educationLevels.isEmpty })
            let open = try platform.readModels.scholarships.list(ScholarshipFilter(openOnly: true), now: now, page: PageRequest(limit: 100)).items
            #expect(open.count == 7)
        }
    }
}
