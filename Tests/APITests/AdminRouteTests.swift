import API
import Domain
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Projections
import TestSupport
import Testing

@Suite struct AdminRouteTests {
    @Test func theAuditTrailFiltersAndCarriesTheChainStatus() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let student = try await client.signUp(fixture, email: "awa@example.sn")
            let created = try await client.send(.post, "/scholarships", json: ScholarshipRouteTests.scholarship("Audit me"), token: admin.access)
            let id = try #require(try created.jsonObject()["scholarshipId"] as? String)
            let closed = try await client.send(.post, "/scholarships/\(id)/close", token: admin.access)

            try await client.send(.get, "/admin/audit", token: student.access).expectProblem(.forbidden)
            func audit(_ query: String) async throws -> [String: Any] {
                let page = try await client.get("/admin/audit\(query)", token: admin.access, after: closed.logPosition)
                #expect(page.status == .ok, "\(query): \(page.text)")
                return try page.jsonObject()
            }
            let stream = try await audit("?stream=scholarship-\(id)")
            let items = try #require(stream["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["type"] as? String } == ["scholarships.scholarship-closed", "scholarships.scholarship-created"])
            #expect(items.allSatisfy { $0["actor"] as? String == admin.userID && $0["chain"] as? String == "verified" })
            #expect(items.first?["position"] as? Int == Int(closed.logPosition ?? 0))
            // The index keeps the time as a number; each item shows the log's time of its event (to the second, as every API date).
            for item in items {
                let position = try #require(item["position"] as? Int)
                let record = try #require(try fixture.platform.log.read(from: Int64(position), maxCount: 1).first)
                let shown = try #require(ISO8601DateFormatter().date(from: item["time"] as? String ?? ""))
                #expect(Int64(shown.timeIntervalSince1970) == record.timestampMicros / 1_000_000)
            }
            let verification = try #require(stream["verification"] as? [String: Any])
            #expect(verification["intact"] as? Bool == true)
            #expect((verification["verifiedThrough"] as? Int ?? 0) >= Int(closed.logPosition ?? 0))
            #expect((verification["headChainHash"] as? String)?.count == 64)

            let byType = try await audit("?type=identity.account-registered")
            #expect((byType["items"] as? [[String: Any]])?.count == 2)
            let byActor = try await audit("?actor=\(admin.userID)")
            #expect((byActor["items"] as? [[String: Any]])?.compactMap { $0["stream"] as? String }.contains("scholarship-\(id)") == true)
            let future = try await audit("?from=2100-01-01T00:00:00Z")
            #expect((future["items"] as? [Any])?.isEmpty == true)
            let past = try await audit("?to=2000-01-01T00:00:00Z")
            #expect((past["items"] as? [Any])?.isEmpty == true)
            let window = try await audit("?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&limit=2")
            #expect((window["items"] as? [[String: Any]])?.compactMap { $0["position"] as? Int } == [Int(closed.logPosition ?? 0), Int(closed.logPosition ?? 0) - 1])

            // Keyset pages over the whole trail, newest first, each position once.
            var positions: [Int] = []
            var cursor: String?
            repeat {
                let page = try await audit("?limit=7" + (cursor.map { "&cursor=\($0)" } ?? ""))
                positions += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["position"] as? Int }
                cursor = page["nextCursor"] as? String
            } while cursor != nil
            #expect(positions == Array((1...Int(closed.logPosition ?? 0)).reversed()))

            try await client.send(.get, "/admin/audit?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", token: admin.access)
                .expectProblem(.unprocessableContent)
            try await client.send(.get, "/admin/audit?from=yesterday", token: admin.access).expectProblem(.badRequest)
            let foreignCursor = try await client.get("/scholarships?limit=1", token: admin.access, after: nil)
            if let other = try foreignCursor.jsonObject()["nextCursor"] as? String {
                try await client.send(.get, "/admin/audit?cursor=\(other)", token: admin.access).expectProblem(.badRequest)
            }
        }
    }

    /// A byte flipped inside a committed batch: the audit says the log is not intact, and marks
    /// the entries from the first bad position on as `broken`.
    @Test func aTamperedLogShowsAsBrokenInTheAuditTrail() async throws {
        let clock = ManualClock(Date())
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            var last: Int64?
            for index in 1...12 {
                let created = try await client.send(.post, "/scholarships", json: ScholarshipRouteTests.scholarship("Bourse \(index)"), token: admin.access)
                last = created.logPosition
            }
            let intact = try await client.get("/admin/audit?limit=100", token: admin.access, after: last)
            #expect(try (intact.jsonObject()["verification"] as? [String: Any])?["intact"] as? Bool == true)

            let logDirectory = fixture.directory.url.appendingPathComponent("log")
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: logDirectory.path).filter { $0.hasSuffix(".seg") }.sorted().first)
            // The writer preallocates the segment: flip a byte halfway through what it wrote.
            let url = logDirectory.appendingPathComponent(segment)
            let bytes = try Data(contentsOf: url)
            let written = try #require(bytes.lastIndex { $0 != 0 })
            let file = try FileHandle(forUpdating: url)
            try file.seek(toOffset: UInt64(written / 2))
            try file.write(contentsOf: [bytes[written / 2] ^ 0xFF])
            try file.close()

            // Once the last check is a minute old, the next audit checks again.
            clock.advance(61)
            let broken = try await client.get("/admin/audit?limit=100", token: admin.access, after: last)
            let object = try broken.jsonObject()
            let verification = try #require(object["verification"] as? [String: Any])
            #expect(verification["intact"] as? Bool == false, "\(verification)")
            let firstBad = try #require(verification["firstBadPosition"] as? Int)
            #expect((verification["fault"] as? String)?.isEmpty == false)
            let items = try #require(object["items"] as? [[String: Any]])
            for item in items {
                let position = try #require(item["position"] as? Int)
                #expect(item["chain"] as? String == (position >= firstBad ? "broken" : "verified"), "\(item)")
            }
        }
    }

    @Test func projectionsReportTheirStatusAndRebuildOnDemand() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let student = try await client.signUp(fixture, email: "awa@example.sn")
            let created = try await client.send(.post, "/scholarships", json: ScholarshipRouteTests.scholarship("Rebuild me"), token: admin.access)
            #expect(created.status == .created)

            try await client.send(.get, "/admin/projections", token: student.access).expectProblem(.forbidden)
            let listed = try await client.send(.get, "/admin/projections", token: admin.access)
            #expect(listed.status == .ok, "\(listed.text)")
            let items = try #require(try listed.jsonObject()["items"] as? [[String: Any]])
            let names = items.compactMap { $0["name"] as? String }
            #expect(names.contains("scholarships") && names.contains("audit") && names.contains("sessions"))
            #expect(items.allSatisfy { $0["version"] is String && $0["checkpoint"] is Int && $0["head"] is Int && $0["lag"] is Int && $0["state"] is String })

            try await client.send(.post, "/admin/projections/scholarships/rebuild", token: student.access).expectProblem(.forbidden)
            try await client.send(.post, "/admin/projections/nothing/rebuild", token: admin.access).expectProblem(.notFound)
            let rebuild = try await client.send(.post, "/admin/projections/scholarships/rebuild", token: admin.access)
            #expect(rebuild.status == .accepted && rebuild.logPosition != nil, "\(rebuild.text)")
            #expect(try rebuild.jsonObject()["name"] as? String == "scholarships")

            // The rebuilt model answers the same (read-your-writes waits for its checkpoint).
            let list = try await client.get("/scholarships", token: student.access, after: created.logPosition)
            #expect((try list.jsonObject()["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Rebuild me"])
            // The swap is signalled by the engine; then the route reports the rebuilt model running.
            #expect(await fixture.platform.readModels.waitUntil(timeout: .seconds(60)) { statuses in
                statuses.first { $0.name == "scholarships" }?.state == .running
            })
            let status = try await client.send(.get, "/admin/projections", token: admin.access)
            let state = (try status.jsonObject()["items"] as? [[String: Any]])?.first { $0["name"] as? String == "scholarships" }?["state"] as? String
            #expect(state == "running")
        }
    }

    @Test func analyticsAreForAdmins() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let student = try await client.signUp(fixture, email: "awa@example.sn")
            try await client.send(.get, "/admin/analytics", token: student.access).expectProblem(.forbidden)
            let created = try await client.send(.post, "/scholarships", json: ScholarshipRouteTests.scholarship("Count me"), token: admin.access)
            let overview = try await client.get("/admin/analytics", token: admin.access, after: created.logPosition)
            #expect(overview.status == .ok, "\(overview.text)")
            let totals = try #require(try overview.jsonObject()["totals"] as? [String: Any])
            #expect(totals["usersSignedUp"] as? Int == 2)
        }
    }
}
