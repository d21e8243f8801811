import Domain
import EventLog
import EventSourcing
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import ReadModels
import TestSupport
import Testing

/// The repository's `projections/` directory.
let projectionsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("projections", isDirectory: true)

@Suite struct ProjectionFilesTests {
    struct Scholarship: Sendable, Equatable {
        var id: String
        var title: String
        var amount: String?
        var currency: String?
        var closed: Bool
        var anyCountry: Bool
        var countries: String
        var levels: String
    }

    @Test func everyProjectionFileParsesAndScholarshipEventsProjectThroughTheSet() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let codec = EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys))
        let admin = Principal.system
        let now = Date(timeIntervalSince1970: 1_795_543_200)
        let first = UUID(), second = UUID()
        let details = Scholarships.Details(
            title: "Bourse d'excellence", description: "Pour étudiants de Dakar", provider: "Fondation",
            amount: Money(amount: "1500", currency: "EUR"), deadline: now.addingTimeInterval(86_400 * 30),
            eligibility: Scholarships.Eligibility(educationLevels: [.master, .phd], fieldsOfStudy: ["Computer science"], countries: ["SN", "CI"])
        )
        var state = Scholarships.initialState
        var appended: Int64 = 0
        func record(_ stream: String, _ events: [Scholarships.Event]) async throws {
            let proposed = try events.map { try codec.encode($0, eventId: UUID(), metadata: EventMetadata(actor: "system")) }
            appended = try await fixture.log.append(to: stream, events: proposed).lastPosition
        }
        var events = try Scholarships.decide(.create(scholarshipID: first, details, by: admin, now: now), state)
        state = events.reduce(state, Scholarships.evolve)
        try await record("scholarship-\(first)", events)
        var changed = details
        changed.title = "Bourse d'excellence 2027"
        changed.eligibility.countries = []
        events = try Scholarships.decide(.update(changed, by: admin, now: now), state)
        state = events.reduce(state, Scholarships.evolve)
        try await record("scholarship-\(first)", events)
        events = try Scholarships.decide(.close(by: admin, now: now), state)
        try await record("scholarship-\(first)", events)
        events = try Scholarships.decide(.create(scholarshipID: second, details, by: admin, now: now), Scholarships.initialState)
        try await record("scholarship-\(second)", events)

        let set = try ProjectionSet(projectionsDirectory: projectionsDirectory, dataDirectory: fixture.data.url, log: fixture.log, keyStore: fixture.keys)
        #expect(set.runners.map(\.projection.name).contains("audit"))
        let task = Task { try await set.run() }
        for runner in set.runners {
            #expect(await runner.waitUntil(position: appended, timeout: patience))
        }
        task.cancel()
        _ = await task.result

        for status in set.status() {
            #expect(status.failure == nil, "\(status.name): \(String(describing: status.failure))")
            #expect(status.checkpoint == appended)
            #expect(status.lag == 0)
        }
        let audit = try #require(set.databases["audit"])
        let auditRows = try audit.read { db in try String.fetchAll(db, sql: "SELECT type FROM audit ORDER BY position") }
        #expect(auditRows == ["scholarships.scholarship-created", "scholarships.scholarship-updated", "scholarships.scholarship-closed", "scholarships.scholarship-created"])

        let scholarships = try #require(set.databases["scholarships"])
        let rows = try scholarships.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.*, (SELECT group_concat(country, ',') FROM (SELECT country FROM scholarship_countries WHERE scholarship_id = s.id ORDER BY country)) AS countries,
                       (SELECT group_concat(level, ',') FROM (SELECT level FROM scholarship_levels WHERE scholarship_id = s.id ORDER BY level)) AS levels
                FROM scholarships s ORDER BY position
                """).map { row in
                Scholarship(id: row["id"], title: row["title"], amount: row["amount"], currency: row["currency"], closed: row["closed"],
                            anyCountry: row["any_country"], countries: row["countries"] ?? "", levels: row["levels"] ?? "")
            }
        }
        #expect(rows == [
            Scholarship(id: first.uuidString.lowercased(), title: "Bourse d'excellence 2027", amount: "1500.00", currency: "EUR",
                        closed: true, anyCountry: true, countries: "", levels: "master,phd"),
            Scholarship(id: second.uuidString.lowercased(), title: "Bourse d'excellence", amount: "1500.00", currency: "EUR",
                        closed: false, anyCountry: false, countries: "CI,SN", levels: "master,phd"),
        ])
    }
}

/// `matching.sql` moves a community's member count by the rows its join or leave just changed:
/// a repeated join or leave (a replayed command's event, a ban after a leave) must not move it.
/// A community's member counter against its membership rows, through joins, leaves and bans that
/// the decider would refuse (repeated, or of someone who is not a member).
@Suite struct MemberCountTests {
    let community = UUID(), owner = UUID(), awa = UUID(), bob = UUID()

    func event(_ type: String, _ user: UUID) -> ProposedEvent {
        let fields = #""communityId":"\#(community)","userId":"\#(user)","by":"\#(owner)","at":"2026-11-30T10:00:00.000Z""#
        return ProposedEvent(type: type, metadata: EventMetadata(actor: "t"), payload: Array("{\(fields)}".utf8))
    }

    /// Runs `file` over the community's creation then `events`; returns the counter and the rows.
    func counted(_ file: String, counter: String, members table: String, _ events: [ProposedEvent]) async throws -> (count: Int?, rows: Int?) {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let source = try String(contentsOf: projectionsDirectory.appendingPathComponent("\(file).sql"), encoding: .utf8)
        let created = ProposedEvent(type: "communities.community-created", metadata: EventMetadata(actor: "t"), payload: Array(
            #"{"communityId":"\#(community)","ownerId":"\#(owner)","name":"Dakar","description":"","category":"academic","isPrivate":false,"at":"2026-11-30T09:00:00.000Z"}"#.utf8))
        let head = try await fixture.log.append(to: "community-\(community)", events: [created] + events).lastPosition
        let (storage, runner) = try fixture.runner(try fixture.projection(file, source))
        try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
        #expect(runner.status.failure == nil)
        let id = "\(community)".lowercased()
        return try storage.read { db in
            (try Int.fetchOne(db, sql: "SELECT \(counter) FROM communities WHERE id = ?", arguments: [id]),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE community_id = ?", arguments: [id]))
        }
    }

    /// `matching.sql`: repeated joins and leaves count each member once.
    @Test func repeatedJoinsAndLeavesCountEachMemberOnce() async throws {
        let (members, rows) = try await counted("matching", counter: "members", members: "memberships", [
            event("communities.member-joined", awa), event("communities.member-joined", awa), event("communities.member-joined", bob),
            event("communities.member-joined", owner), // the owner is a member already
            event("communities.member-left", awa), event("communities.member-left", awa), event("communities.member-banned", awa), // gone once
        ])
        #expect(rows == 2) // the owner and Bob
        #expect(members == rows)
    }

    /// `communities.sql`: a leave that finds no membership (repeated, or after a ban) subtracts nothing.
    @Test func aLeaveOfSomeoneWhoIsNotAMemberDoesNotLowerTheCount() async throws {
        let (count, rows) = try await counted("communities", counter: "member_count", members: "community_members", [
            event("communities.member-joined", awa), event("communities.member-joined", bob),
            event("communities.member-left", awa), event("communities.member-left", awa),   // the second finds nobody
            event("communities.member-banned", bob), event("communities.member-left", bob), // gone with the ban
        ])
        #expect(rows == 1) // the owner
        #expect(count == rows)
    }
}
