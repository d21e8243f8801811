import Foundation
import Testing
import TestSupport

/// The documented nginx configuration (`deploy/nginx/protalent.conf`) in front of a primary and
/// two replicas on loopback: a journey of commands and reads through nginx works, commands all
/// reach the primary, reads are spread over every node, and a killed replica breaks no read.
@Suite(.serialized) struct NginxEndToEndTests {
    @Test(
        .enabled(if: NginxFront.isAvailable, "nginx-light is not installed and scripts/setup could not install it"),
        .timeLimit(.minutes(10))
    )
    func aJourneyThroughNginxReachesThePrimaryForCommandsAndEveryNodeForReads() async throws {
        let directory = try TemporaryDirectory("protalent-e2e-nginx")
        defer { directory.remove() }
        let cluster = try ClusterSecrets(in: directory.path)
        let primary = cluster.primary(in: directory.path)
        var replicas: [ServerProcess] = []
        var nginx: NginxFront?
        defer {
            nginx?.stop()
            for node in [primary] + replicas { node.removeFiles() }
        }
        do {
            try await primary.start()
            for name in ["replica-a", "replica-b"] {
                replicas.append(cluster.replica(in: directory.path, name, following: primary.port))
                try await replicas[replicas.count - 1].start()
            }
            let front = try NginxFront(prefix: directory.path + "/nginx", primaryPort: primary.port, replicaPorts: replicas.map(\.port))
            nginx = front
            try front.start()
            let client = front.client

            // Sign up, verify (the GET that records an event), log in and fill a profile, all through nginx.
            let email = uniqueEmail("nginx")
            let registered = try await client.send("POST", "/auth/register", json: [
                "email": email, "password": testPassword, "firstName": "Aminata", "lastName": "Ndiaye", "role": "student",
            ])
            #expect(registered.status == 201, "\(registered)")
            let id = try #require(registered.object["userId"] as? String)
            let mailed = try #require(try primary.mailedToken(to: email), "no verification mail")
            let verified = try await client.send("GET", "/auth/verify-email?token=\(mailed)")
            #expect(verified.status == 200, "\(verified)")
            let login = try await client.send("POST", "/auth/login", json: ["email": email, "password": testPassword])
            let token = try #require(login.object["accessToken"] as? String, "\(login)")
            let put = try await client.send("PUT", "/users/profile", json: [
                "bio": "Through nginx", "fieldOfStudy": "Statistics", "countryCode": "SN", "city": "Thiès",
            ], token: token)
            #expect(put.status == 204, "\(put)")
            let position = try #require(put.logPosition)

            // Reads with X-Min-Position answer the write wherever nginx sends them.
            for _ in 0..<30 {
                let profile = try await client.send("GET", "/users/profile", headers: ["X-Min-Position": String(position)], token: token)
                #expect(profile.status == 200 && profile.text.contains("Through nginx"), "\(profile)")
            }
            let ports = [primary.port] + replicas.map(\.port)
            let nodes = ports.map { "127.0.0.1:\($0)" }
            let log = try front.accessLog()
            let commands = log.filter { !["GET", "HEAD"].contains($0.method) }
            #expect(commands.count >= 3 && commands.allSatisfy { $0.upstreams == [nodes[0]] }, "a command went elsewhere than the primary: \(commands)")
            #expect(log.filter { $0.path == "/auth/verify-email" }.allSatisfy { $0.upstreams == [nodes[0]] })
            let reads = log.filter { $0.method == "GET" && $0.path == "/users/profile" }
            for node in nodes {
                #expect(reads.contains { $0.upstreams.last == node }, "no read was served by \(node): \(reads.map { $0.upstreams })")
            }
            // Replication is spoken between nodes, never through the front.
            let stream = try await client.send("GET", "/replication/stream?from=1", headers: ["X-Replication-Secret": "anything"])
            #expect(stream.status == 404, "\(stream)")

            // A replica killed: nginx skips it, and every read still answers.
            await replicas[1].kill()
            for _ in 0..<15 {
                let profile = try await client.send("GET", "/users/profile", headers: ["X-Min-Position": String(position)], token: token)
                #expect(profile.status == 200 && profile.text.contains("Through nginx"), "\(profile)")
                let visible = try await client.send("GET", "/users/\(id)/public")
                #expect(visible.status == 200, "\(visible)")
            }

            front.stop()
            for node in [replicas[0], primary] { await node.stop() }
        } catch {
            nginx?.stop()
            for node in [primary] + replicas { await node.kill() }
            throw error
        }
    }
}
