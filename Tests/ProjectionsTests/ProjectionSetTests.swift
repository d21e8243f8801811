import Foundation
import Projections
import ProjectionsTestSupport
import Testing
import TestSupport

@Suite struct ProjectionSetTests {
    @Test func aFailingProjectionStopsAloneAndItsStatusSaysWhere() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let directory = fixture.data.url.appendingPathComponent("projections")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try countingProjection.write(to: directory.appendingPathComponent("counting.sql"), atomically: true, encoding: .utf8)
        let picky = """
            -- @schema
            CREATE TABLE seen (n INTEGER NOT NULL CHECK (n < 5));
            -- @on test.counted
            INSERT INTO seen VALUES (:p_n);
            """
        try picky.write(to: directory.appendingPathComponent("picky.sql"), atomically: true, encoding: .utf8)
        try "not a projection".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let head = try await fixture.append(20)

        let set = try ProjectionSet(projectionsDirectory: directory, dataDirectory: fixture.data.url, log: fixture.log, keyStore: fixture.keys)
        #expect(set.runners.map(\.projection.name) == ["counting", "picky"])
        let task = Task { try await set.run() }
        let counting = try #require(set.runner(named: "counting"))
        #expect(await counting.waitUntil(position: head, timeout: patience))
        let picked = try #require(set.runner(named: "picky"))
        #expect(await picked.waitUntil(position: head, timeout: .milliseconds(200)) == false)
        let more = try await fixture.append(5, from: 21)
        #expect(await counting.waitUntil(position: more, timeout: patience)) // the other keeps going
        task.cancel()
        _ = await task.result

        let status = Dictionary(uniqueKeysWithValues: set.status().map { ($0.name, $0) })
        #expect(status["counting"]?.checkpoint == more)
        #expect(status["counting"]?.failure == nil)
        let failed = try #require(status["picky"])
        #expect(failed.state == .failed)
        #expect(failed.checkpoint == 4)
        #expect(failed.lag == more - 4)
        #expect(failed.failure?.position == 5)
        #expect(failed.failure?.eventType == "test.counted")
        #expect(failed.failure?.message.contains("picky.sql:4") == true)
    }
}
