import EventLog
import Foundation
import ProjectionsTestSupport
@testable import ReadModels
import Synchronization
import TestSupport
import Testing

/// The audit model keeps no index on stream: a stream's rows are found through the log's own
/// stream index (`EventLog.positions(ofStream:)`) and read by position. Its pages must hold what a
/// scan of the log finds, with the other filters, across cursors, and ignore what the model has not
/// applied yet.
@Suite struct AuditStreamTests {
    static let audit = QueryPlanTests.projections.appendingPathComponent("audit.sql")

    @Test func aStreamsPagesHoldWhatAScanOfTheLogFinds() async throws {
        // A clock a second further at each append, so that a time window cuts a stream.
        var options = LogFixtures.options()
        let seconds = Atomic<Int64>(0)
        options.clock = { 1_790_000_000_000_000 + seconds.add(1, ordering: .relaxed).newValue * 1_000_000 }
        let sets = try SetFixture(["audit": try String(contentsOf: Self.audit, encoding: .utf8)], options: options)
        defer { sets.fixture.close() }
        let log = sets.fixture.log
        // 600 events over 3 streams, 2 types and 3 actors, interleaved in batches of 1 to 4.
        var n = 0
        while n < 600 {
            let stream = ["session-a", "session-b", "community-c"][n % 3]
            let type = n % 5 == 0 ? "test.rare" : "test.counted"
            try await sets.fixture.append(1 + n % 4, type: type, stream: stream, actor: ["u1", "u2", "system"][n % 7 % 3], from: n)
            n += 1 + n % 4
        }
        let set = try sets.set()
        try await catchUp(set, log)
        // Appended after the model stopped: in the log's stream index, not in the model.
        let applied = log.head
        try await sets.fixture.append(5, stream: "session-a", actor: "u1")
        let audit = try set.audit

        let records = try log.read(from: 1, maxCount: 10_000).filter { $0.position <= applied }
        for stream in ["session-a", "community-c", "nothing-here"] {
            for (type, actor) in [(nil, nil), ("test.rare", nil), (nil, "u2"), ("test.counted", "system")] as [(String?, String?)] {
                let expected = records.filter {
                    $0.stream == stream && (type == nil || $0.type == type) && (actor == nil || $0.metadata.actor == actor)
                }.map(\.position).reversed()
                for limit in [1, 7, 100] {
                    let listed = try Self.pages(audit, AuditFilter(stream: stream, type: type, actor: actor), limit: limit)
                    #expect(listed.allSatisfy { $0.stream == stream })
                    #expect(listed.map(\.position) == Array(expected), "\(stream) \(type ?? "-") \(actor ?? "-") by \(limit)")
                }
            }
        }
        // A time window and a stream together: the window's positions only.
        let times = records.map(\.timestampMicros)
        let from = times[times.count / 3], to = times[2 * times.count / 3]
        let date = { (micros: Int64) in Date(timeIntervalSince1970: Double(micros / 1_000_000)) } // whole seconds: exact in a Date
        for (stream, type) in [("session-b", nil), ("community-c", "test.rare")] as [(String, String?)] {
            let windowed = try Self.pages(audit, AuditFilter(stream: stream, type: type, from: date(from), to: date(to)), limit: 7)
            let expected = records.filter { $0.stream == stream && (type == nil || $0.type == type) && $0.timestampMicros >= from && $0.timestampMicros < to }
            #expect(windowed.map(\.position) == expected.map(\.position).reversed(), "\(stream) \(type ?? "-")")
            #expect(!expected.isEmpty)
        }
    }

    /// Every page of `filter`, `limit` entries a page, following the cursors.
    static func pages(_ audit: AuditQueries, _ filter: AuditFilter, limit: Int) throws -> [AuditEntry] {
        var listed: [AuditEntry] = []
        var cursor: PageCursor?
        repeat {
            let page = try audit.list(filter, page: PageRequest(limit: limit, cursor: cursor))
            #expect(page.items.count <= limit)
            listed += page.items
            cursor = page.nextCursor.flatMap { PageCursor(encoded: $0) }
        } while cursor != nil && listed.count <= 1_000 // a cursor that does not move on stops here
        return listed
    }

    @Test func aUsersEntriesAreTheirStreamsAndWhatTheyDid() async throws {
        let sets = try SetFixture(["audit": try String(contentsOf: Self.audit, encoding: .utf8)])
        defer { sets.fixture.close() }
        let user = UUID(), other = UUID()
        let id = user.uuidString.lowercased(), otherID = other.uuidString.lowercased()
        try await sets.fixture.append(3, stream: "account-\(id)", actor: id)
        try await sets.fixture.append(2, stream: "profile-\(id)", actor: "system")
        try await sets.fixture.append(4, stream: "session-x", actor: id)
        try await sets.fixture.append(2, stream: "account-\(otherID)", actor: otherID)
        try await sets.fixture.append(1, stream: "calendar-\(id)", actor: otherID)
        let set = try sets.set()
        try await catchUp(set, sets.fixture.log)

        let entries = try set.audit.entries(concerning: user)
        let records = try sets.fixture.log.read(from: 1, maxCount: 100)
        let expected = records.filter { AuditQueries.streams(of: user).contains($0.stream) || $0.metadata.actor == id }.map(\.position)
        #expect(entries.map(\.position) == expected)
        #expect(expected.count == 10)
        #expect(try set.audit.entries(concerning: user, limit: 4).map(\.position) == Array(expected.prefix(4)))
    }

}
