import Foundation
import Testing
import TestSupport

/// The real binary over real sockets: a join request reaches the owner's open notification stream,
/// the approval reaches the requester's inbox (only theirs) and their mailbox in French with a link
/// from `PROTALENT_PUBLIC_URL`, and nobody who turned mail off is mailed.
@Suite(.serialized) struct NotificationJourneyTests {
    @Test(.timeLimit(.minutes(10))) func aJoinRequestAndItsApprovalReachTheRightPeopleLiveAndByMail() async throws {
        try await withServer(environment: ["PROTALENT_PUBLIC_URL": "https://app.protalent.example"]) { server in
            let owner = try await server.signUp(uniqueEmail("mariama"), firstName: "Mariama", lastName: "Diallo")
            let joiner = try await server.signUp(uniqueEmail("ousmane"), firstName: "Ousmane", lastName: "Kane")
            let quiet = try await server.signUp(uniqueEmail("binta"), firstName: "Binta", lastName: "Cisse")
            let off = try await server.client.send("PUT", "/users/preferences", json: ["language": "en", "notifications": ["email": false]],
                                                   token: quiet.accessToken)
            #expect(off.status == 200 || off.status == 204, "\(off)")
            let created = try await server.client.send("POST", "/communities", json: [
                "name": "Data Dakar", "description": "Data scientists de Dakar", "category": "professional",
                "countryCode": "SN", "city": "Dakar", "isPrivate": true,
            ], token: owner.accessToken)
            let community = try #require(created.object["communityId"] as? String)

            // The owner keeps the notification stream open; a join request arrives on it.
            let client = server.client
            let ownerToken = owner.accessToken
            let (connected, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let live = Task {
                try await client.stream("/notifications/live", token: ownerToken, seconds: 30) { text in
                    if text.contains(": connected") { signal.yield() }
                    return text.contains("event: notification")
                }
            }
            for await _ in connected { break }
            let joined = try await server.client.send("POST", "/communities/\(community)/join", token: joiner.accessToken)
            #expect(joined.status == 200, "\(joined)")
            let feed = try await live.value
            #expect(feed.contains("event: notification") && feed.contains(#""kind":"join_requested""#), "\(feed.prefix(800))")
            #expect(feed.contains("Nouvelle demande d'adhésion"), "in French, the owner's language: \(feed.prefix(800))")

            // The quiet one asks too; both are approved, the quiet one first, so the mail to the joiner
            // shows the mailer went past the quiet one's approval.
            _ = try await server.client.send("POST", "/communities/\(community)/join", token: quiet.accessToken)
            for person in [quiet, joiner] {
                let approved = try await server.client.send("POST", "/communities/\(community)/requests/\(person.id)/approve", token: owner.accessToken)
                #expect(approved.status == 204, "\(approved)")
            }
            let mail = try await offPool {
                try DirectoryWatch.wait(in: server.dataDirectory + "/mail/outbox") { () -> String? in
                    let outbox = server.dataDirectory + "/mail/outbox"
                    let names = ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".eml") }
                    return try names.lazy.map { try String(contentsOfFile: outbox + "/" + $0, encoding: .utf8) }
                        .first { $0.contains("To: \(joiner.email)") && $0.contains("Demande d'adhésion acceptée") }
                }
            }
            #expect(mail.contains("Bonjour Ousmane,"))
            #expect(mail.contains("Vous êtes maintenant membre de « Data Dakar »."))
            #expect(mail.contains("https://app.protalent.example/communities/\(community)"))

            let head = try await server.logHead()
            let inbox = try await server.read("/notifications", token: joiner.accessToken, after: head)
            #expect((inbox.object["items"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["join_approved"], "\(inbox)")
            #expect(inbox.object["unread"] as? Int == 1)
            let quietInbox = try await server.read("/notifications", token: quiet.accessToken, after: head)
            let items = quietInbox.object["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["title"] as? String } == ["Join request approved"], "\(quietInbox)")
            let ownerInbox = try await server.read("/notifications", token: owner.accessToken, after: head)
            #expect((ownerInbox.object["items"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["join_requested", "join_requested"])

            // Stopping drains the mail queue into the outbox: the quiet one, whose mail is off, got
            // only the verification mail.
            await server.stop()
            let outbox = server.dataDirectory + "/mail/outbox"
            let toQuiet = try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix(".eml") }
                .map { try String(contentsOfFile: outbox + "/" + $0, encoding: .utf8) }
                .filter { $0.contains("To: \(quiet.email)") && !$0.contains("/auth/verify-email") }
            #expect(toQuiet.isEmpty)
            try await server.start()
        }
    }
}
