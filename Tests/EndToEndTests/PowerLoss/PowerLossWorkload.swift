import Foundation
import Testing
import TestSupport

/// The recorded workload of the power-loss tests: concurrent registrations (group commit, data
/// keys, the mail queue and outbox), an erasure, a graceful stop, an offline snapshot and
/// projection rebuild, a restart with 2 KiB segments and more registrations (segment rolls), then
/// SIGKILL.
enum PowerLossWorkload {
    /// A registered person as the driver knows them.
    struct Person: Sendable {
        var id: String
        var email: String
        var name: String
    }

    static func run(_ recording: PowerLossRecording) async throws {
        let server = ServerProcess(dataDirectory: recording.dataDirectory, environment: try recording.recordedEnvironment())
        try await server.start()
        let people = try await register(on: server, recording, round: 0, workers: 4, each: 3)

        // An erasure: the event, then the key destroyed by a durable job.
        let erased = try #require(people.first)
        let token = try await offPool { try #require(try server.mailedToken(to: erased.email), "no mail for \(erased.email)") }
        let verified = try await server.client.send("GET", "/auth/verify-email?token=\(token)")
        try #require(verified.status == 200, "verify: \(verified)")
        let account = try await server.logIn(erased.email, id: erased.id)
        let erasure = try await server.client.send("DELETE", "/users/me", json: ["password": account.password], token: account.accessToken)
        try #require(erasure.status == 204, "erasure: \(erasure)")
        try recording.acknowledge(.init(
            position: try #require(erasure.logPosition), stream: "account-\(erased.id)", person: erased.id, name: erased.name, erased: true
        ))
        await server.stop()

        let snapshot = try await recording.runRecorded(["snapshot", "--data-dir", recording.dataDirectory, "--min-events", "1"])
        try #require(snapshot.status == 0, "snapshot: \(snapshot.stderr)")
        let rebuild = try await recording.runRecorded(["rebuild", "--data-dir", recording.dataDirectory, "--projections", ServerProcess.projectionsDirectory])
        try #require(rebuild.status == 0, "rebuild: \(rebuild.stderr)")

        // 2 KiB segments (a debug-build switch): the second round rolls several of them.
        server.environment["PROTALENT_TEST_SEGMENT_SIZE"] = "2048"
        try await server.start()
        _ = try await register(on: server, recording, round: 1, workers: 3, each: 2)
        await server.kill()
    }

    /// `workers` clients at once, each registering `each` people one after another; every answer
    /// is noted in the trace as it arrives.
    private static func register(
        on server: ServerProcess, _ recording: PowerLossRecording, round: Int, workers: Int, each: Int
    ) async throws -> [Person] {
        try await withThrowingTaskGroup(of: [Person].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var people: [Person] = []
                    for index in 0..<each {
                        // Letters only, unique, and no one's name inside another's.
                        let name = "Powerloss" + String(Array("abcdefghijklmnopqrstuvwxyz")[round]) + String(Array("abcdefghijklmnopqrstuvwxyz")[worker])
                            + String(Array("abcdefghijklmnopqrstuvwxyz")[index])
                        let email = uniqueEmail("powerloss")
                        let answer = try await server.register(email, firstName: name, lastName: "Crash")
                        try #require(answer.status == 201, "register: \(answer)")
                        let id = try #require(answer.object["userId"] as? String)
                        try recording.acknowledge(.init(
                            position: try #require(answer.logPosition), stream: "account-\(id)", person: id, name: name, email: email
                        ))
                        people.append(Person(id: id, email: email, name: name))
                    }
                    return people
                }
            }
            var all: [Person] = []
            for try await people in group { all += people }
            return all
        }
    }
}
