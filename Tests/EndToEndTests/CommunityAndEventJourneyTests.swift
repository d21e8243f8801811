import Foundation
import Testing
import TestSupport

/// A private community that admits a member on approval, who then posts (seen live over
/// server-sent events); an event that fills, waitlists and promotes when a seat frees.
@Suite(.serialized) struct CommunityAndEventJourneyTests {
    @Test func aPrivateCommunityAdmitsOnApprovalAndItsPostsArriveLive() async throws {
        try await withServer { server in
            let owner = try await server.signUp(uniqueEmail("mariama"), firstName: "Mariama", lastName: "Diallo")
            let joiner = try await server.signUp(uniqueEmail("ousmane"), firstName: "Ousmane", lastName: "Kane")
            let stranger = try await server.signUp(uniqueEmail("binta"), firstName: "Binta", lastName: "Cisse")
            let created = try await server.client.send("POST", "/communities", json: [
                "name": "Data Dakar", "description": "Data scientists de Dakar", "category": "professional",
                "countryCode": "SN", "city": "Dakar", "isPrivate": true,
            ], token: owner.accessToken)
            #expect(created.status == 201, "\(created)")
            let community = try #require(created.object["communityId"] as? String)

            let joined = try await server.client.send("POST", "/communities/\(community)/join", token: joiner.accessToken)
            #expect(joined.status == 200 && joined.object["status"] as? String == "pending", "a private community: \(joined)")
            let early = try await server.client.send("POST", "/communities/\(community)/posts", json: ["body": "Bonjour !"], token: joiner.accessToken)
            #expect(early.status == 403 && early.isProblem, "posting while pending: \(early)")
            let byStranger = try await server.client.send("POST", "/communities/\(community)/requests/\(joiner.id)/approve", token: stranger.accessToken)
            #expect(byStranger.status == 403 && byStranger.isProblem, "approval by a non-moderator: \(byStranger)")
            let approved = try await server.client.send("POST", "/communities/\(community)/requests/\(joiner.id)/approve", token: owner.accessToken)
            #expect(approved.status == 204, "\(approved)")

            // The post arrives on the live feed the owner keeps open.
            let title = "Meetup du \(UUID().uuidString.prefix(6))"
            let client = server.client
            let ownerToken = owner.accessToken
            // The feed resumes from the head when the server answered, so once the client has read the
            // `: connected` comment, a post made now cannot be missed.
            let (connected, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let live = Task {
                try await client.stream("/communities/\(community)/live", token: ownerToken, seconds: 20) { text in
                    if text.contains(": connected") { signal.yield() }
                    return text.contains(title)
                }
            }
            for await _ in connected { break }
            let posted = try await server.client.send("POST", "/communities/\(community)/posts",
                                                      json: ["title": title, "body": "Rendez-vous jeudi à 18h"], token: joiner.accessToken)
            #expect(posted.status == 201, "\(posted)")
            let post = try #require(posted.object["postId"] as? String)
            let feed = try await live.value
            #expect(feed.contains("text/event-stream") && feed.contains("event: post") && feed.contains(title), "the live feed: \(feed.prefix(800))")

            let at = try #require(posted.logPosition)
            let posts = try await server.read("/communities/\(community)/posts", token: owner.accessToken, after: at)
            #expect((posts.object["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == post }, "\(posts)")
            let detail = try await server.read("/communities/\(community)", token: joiner.accessToken, after: at)
            #expect(detail.object["memberCount"] as? Int == 2 && detail.object["postCount"] as? Int == 1, "\(detail)")
            #expect(detail.object["viewerMembership"] as? String == "member", "\(detail)")
            let hidden = try await server.read("/communities/\(community)/posts", token: stranger.accessToken, after: at)
            #expect(hidden.status == 403 || hidden.status == 404 || (hidden.object["items"] as? [Any])?.isEmpty == true,
                    "a private community's posts to a non-member: \(hidden)")

            let removedByStranger = try await server.client.send("DELETE", "/communities/\(community)/posts/\(post)", token: stranger.accessToken)
            #expect(removedByStranger.status == 403 && removedByStranger.isProblem, "\(removedByStranger)")
            let removed = try await server.client.send("DELETE", "/communities/\(community)/posts/\(post)", token: owner.accessToken)
            #expect(removed.status == 204, "\(removed)")
            let ownerLeaves = try await server.client.send("POST", "/communities/\(community)/leave", token: owner.accessToken)
            #expect((ownerLeaves.status == 409 || ownerLeaves.status == 403) && ownerLeaves.isProblem, "the owner cannot leave: \(ownerLeaves)")
            let left = try await server.client.send("POST", "/communities/\(community)/leave", token: joiner.accessToken)
            #expect(left.status == 204, "\(left)")

            let types = try await server.replay(stream: "community-\(community)").compactMap { $0["type"] as? String }
            #expect(types == ["communities.community-created", "communities.join-requested", "communities.join-approved",
                              "communities.post-published", "communities.post-removed", "communities.member-left"], "\(types)")

            // SIGTERM with a live feed open ends the feed and the server cleanly (it used to wait for
            // the client, then for heartbeats to fail: SIGKILL after 20 s here).
            let (opened, opening) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let open = Task {
                try await client.stream("/communities/\(community)/live", token: ownerToken, seconds: 40) { text in
                    if text.contains(": connected") { opening.yield() }
                    return false
                }
            }
            for await _ in opened { break }
            await server.stop()
            #expect(server.terminationStatus == 0, "SIGTERM with a live feed open: \(server.lastStderr.suffix(500))")
            _ = try await open.value
        }
    }

    @Test func aFullEventWaitlistsAndPromotesWhenASeatFrees() async throws {
        try await withServer { server in
            let host = try await server.signUp(uniqueEmail("host"), role: "mentor", firstName: "Abdou", lastName: "Faye")
            let people = [
                try await server.signUp(uniqueEmail("first"), firstName: "Awa", lastName: "Ndoye"),
                try await server.signUp(uniqueEmail("second"), firstName: "Modou", lastName: "Gueye"),
                try await server.signUp(uniqueEmail("third"), firstName: "Sokhna", lastName: "Diagne"),
            ]
            let start = Date().addingTimeInterval(7 * 86_400)
            let body: [String: Any] = [
                "title": "Atelier CV et LinkedIn", "description": "Deux heures pour un CV qui se lit", "eventType": "workshop",
                "startDate": iso8601(start), "endDate": iso8601(start.addingTimeInterval(7_200)), "isOnline": true,
                "meetingUrl": "https://meet.example.org/cv", "maxParticipants": 1,
            ]
            let byStudent = try await server.client.send("POST", "/events", json: body, token: people[0].accessToken)
            #expect(byStudent.status == 403 && byStudent.isProblem, "a student creating an event: \(byStudent)")
            let created = try await server.client.send("POST", "/events", json: body, token: host.accessToken)
            #expect(created.status == 201, "\(created)")
            let event = try #require(created.object["eventId"] as? String)

            let first = try await server.client.send("POST", "/events/\(event)/register", token: people[0].accessToken)
            #expect(first.status == 200 && first.object["status"] as? String == "registered", "\(first)")
            let again = try await server.client.send("POST", "/events/\(event)/register", token: people[0].accessToken)
            #expect(again.status == 409 && again.isProblem, "registering twice: \(again)")
            let second = try await server.client.send("POST", "/events/\(event)/register", token: people[1].accessToken)
            #expect(second.status == 200 && second.object["status"] as? String == "waitlisted" && second.object["waitlistPosition"] as? Int == 1,
                    "a full event waitlists (2xx): \(second)")
            let third = try await server.client.send("POST", "/events/\(event)/register", token: people[2].accessToken)
            #expect(third.object["status"] as? String == "waitlisted" && third.object["waitlistPosition"] as? Int == 2, "\(third)")
            let full = try await server.read("/events/\(event)", token: people[1].accessToken, after: third.logPosition)
            #expect(full.object["seatsLeft"] as? Int == 0 && full.object["waitlistCount"] as? Int == 2, "\(full)")

            // The registered person cancels: the first on the waitlist takes the seat.
            let cancelled = try await server.client.send("DELETE", "/events/\(event)/register", token: people[0].accessToken)
            #expect(cancelled.status == 204, "\(cancelled)")
            let at = try #require(cancelled.logPosition)
            let promoted = try await server.read("/events/\(event)", token: people[1].accessToken, after: at)
            #expect((promoted.object["viewerRegistration"] as? [String: Any])?["status"] as? String == "registered", "promoted: \(promoted)")
            #expect(promoted.object["waitlistCount"] as? Int == 1 && promoted.object["seatsLeft"] as? Int == 0, "\(promoted)")
            let stillWaiting = try await server.read("/events/\(event)", token: people[2].accessToken, after: at)
            let waiting = stillWaiting.object["viewerRegistration"] as? [String: Any]
            #expect(waiting?["status"] as? String == "waitlisted" && waiting?["waitlistPosition"] as? Int == 1, "\(stillWaiting)")
            let calendar = try await server.read("/events/calendar", token: people[1].accessToken, after: at)
            #expect(calendar.text.contains(event), "the promoted person's calendar: \(calendar)")

            let types = try await server.replay(stream: "gathering-\(event)").compactMap { $0["type"] as? String }
            #expect(types == ["gatherings.event-created", "gatherings.registered", "gatherings.waitlisted", "gatherings.waitlisted",
                              "gatherings.registration-cancelled", "gatherings.waitlist-promoted"], "\(types)")
        }
    }
}
