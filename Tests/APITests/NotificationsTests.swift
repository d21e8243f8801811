@testable import API
import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOEmbedded
import Projections
import ReadModels
import TestSupport
import Testing

@Suite struct NotificationsTests {
    /// The kinds in `token`'s inbox, newest first, read after `position`.
    static func kinds(_ client: any TestClientProtocol, _ token: String, after position: Int64?) async throws -> [String] {
        try await client.get("/notifications", token: token, after: position).items().compactMap { $0["kind"] as? String }
    }

    /// A platform configuration on `directory` reading `clock` (a restart opens a second one on it).
    static func configuration(_ directory: URL, clock: Clock, masterKey: String, mailWindow: Duration = .milliseconds(200)) -> Platform.Configuration {
        var configuration = Platform.Configuration(
            dataDirectory: directory, projectionsDirectory: repositoryProjections,
            environment: ["PROTALENT_MASTER_KEY": masterKey, "PROTALENT_PUBLIC_URL": "https://app.protalent.example/"],
            passwordHasher: PasswordHasher(logN: 10), rateLimits: RateLimits(enabled: false), durability: .unsafeNoSync, clock: clock
        )
        configuration.notificationMailWindow = mailWindow
        configuration.reminderTick = .milliseconds(50)
        return configuration
    }

    /// An open `GET /notifications/live` through the real router, read as it streams.
    struct LiveClient {
        let body: Task<Void, any Error>
        var chunks: AsyncStream<String>.AsyncIterator
        var text = ""

        init(_ platform: Platform, token: String, lastEventID: String? = nil) async throws {
            let responder = try buildRouter(platform: platform).router.buildResponder()
            var headers: HTTPFields = [.authorization: "Bearer \(token)", .accept: "text/event-stream"]
            if let lastEventID { headers[ServerSentEvents.lastEventID] = lastEventID }
            let request = Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/notifications/live", headerFields: headers),
                body: RequestBody(buffer: ByteBuffer())
            )
            let context = AppRequestContext(source: .init(channel: EmbeddedChannel(), logger: Logger(label: "test")))
            let response = try await responder.respond(to: request, context: context)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let (stream, continuation) = AsyncStream<String>.makeStream()
            body = Task { try await response.body.write(CommunityLiveTests.StreamingWriter(continuation: continuation)) }
            chunks = stream.makeAsyncIterator()
            // The stream is subscribed once its first bytes are out.
            while !text.contains(": connected"), let chunk = await chunks.next() { text += chunk }
        }

        /// The `event: notification` frames so far: their ids and data.
        static func notifications(in text: String) throws -> [(id: String, item: [String: Any])] {
            try text.components(separatedBy: "\n\n").compactMap { frame in
                let lines = frame.split(separator: "\n").map(String.init)
                guard lines.contains("event: notification"),
                      let id = lines.first(where: { $0.hasPrefix("id: ") })?.dropFirst(4),
                      let data = lines.first(where: { $0.hasPrefix("data: ") })?.dropFirst(6)
                else { return nil }
                return (String(id), try #require(JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]))
            }
        }

        /// Reads until `count` notifications arrived; returns them.
        mutating func next(_ count: Int) async throws -> [(id: String, item: [String: Any])] {
            while try Self.notifications(in: text).count < count, let chunk = await chunks.next() { text += chunk }
            return try Self.notifications(in: text)
        }
    }

    /// The `.eml` files of `directory`'s outbox.
    static func outbox(_ directory: URL) throws -> [String] {
        let url = directory.appendingPathComponent("mail/outbox")
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { try String(contentsOf: url.appendingPathComponent($0), encoding: .utf8) }
    }

    /// Waits (inotify, no polling) until the outbox holds a message to `address` containing `text`;
    /// on a thread of its own, so the server's tasks keep every thread of the pool.
    static func waitForMail(_ directory: URL, to address: String, containing text: String) async throws -> String {
        let outbox = directory.appendingPathComponent("mail/outbox").path
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try DirectoryWatch.wait(in: outbox, timeout: .seconds(60)) {
                        try Self.outbox(directory).first { $0.contains("To: \(address)") && $0.contains(text) }
                    }
                })
            }.start()
        }
    }

    /// A verified mentor (Aminata) and two students (Koffi, Fatou) on a fixture.
    static func people(
        _ client: any TestClientProtocol, _ fixture: APIFixture
    ) async throws -> (mentor: (id: String, token: String), koffi: (userID: String, access: String, refresh: String), fatou: (userID: String, access: String, refresh: String)) {
        let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
        let mentor = try await MentorRouteTests.verifiedMentor(client, fixture, email: "aminata@example.sn", admin: admin.access)
        return (mentor, try await client.signUp(fixture, email: "koffi@example.tg"), try await client.signUp(fixture, email: "fatou@example.ml"))
    }

    // MARK: Inbox

    /// Sessions, events, communities: each kind lands in the inbox of the person it concerns, and
    /// in no other; titles are in the reader's language; a person reads and marks only their own.
    @Test(.timeLimit(.minutes(10))) func eachKindReachesTheRightInboxOnlyInTheReadersLanguage() async throws {
        let clock = ManualClock(MentorRouteTests.tuesday)
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let (mentor, koffi, fatou) = try await Self.people(client, fixture)
            let outsider = try await client.signUp(fixture, email: "outsider@example.sn")
            let english = try await client.send(.put, "/users/preferences", json: #"{"language": "en"}"#, token: fatou.access)
            #expect(english.status == .ok || english.status == .noContent, "\(english.text)")

            // Mentoring: requested (mentor), accepted (mentee), declined (mentee), cancelled (the other party).
            let first = try await client.send(.post, "/mentors/request", json: MentorRouteTests.request(mentor.id, at: "2026-12-01T10:00:00Z"), token: koffi.access)
            let s1 = try #require(try first.jsonObject()["sessionId"] as? String)
            let second = try await client.send(
                .post, "/mentors/request", json: MentorRouteTests.request(mentor.id, at: "2026-12-01T14:00:00Z", title: "CV review"), token: fatou.access
            )
            let s2 = try #require(try second.jsonObject()["sessionId"] as? String)
            _ = try await client.send(.post, "/mentors/sessions/\(s1)/accept", token: mentor.token)
            _ = try await client.send(.post, "/mentors/sessions/\(s2)/decline", json: #"{"reason": "Fully booked"}"#, token: mentor.token)
            let cancelled = try await client.send(.post, "/mentors/sessions/\(s1)/cancel", json: #"{"reason": "Exam"}"#, token: koffi.access)
            #expect(cancelled.status == .noContent || cancelled.status == .ok, "\(cancelled.text)")

            // Events: a seat freed by a cancellation goes to the first in line.
            let event = try await EventsTests.create(client, token: mentor.token, EventsTests.body(title: "Small workshop", type: "workshop", in: 3, capacity: 1))
            _ = try await client.send(.post, "/events/\(event.id)/register", token: koffi.access)
            _ = try await client.send(.post, "/events/\(event.id)/register", token: fatou.access)
            _ = try await client.send(.delete, "/events/\(event.id)/register", token: koffi.access)

            // Communities: a join request (owner), its approval (requester), an answer (earlier posters).
            let club = try await CommunitiesTests.create(client, token: koffi.access, name: "Solar club", isPrivate: true)
            _ = try await client.send(.post, "/communities/\(club.id)/join", token: fatou.access)
            _ = try await client.send(.post, "/communities/\(club.id)/requests/\(fatou.userID)/approve", token: koffi.access)
            _ = try await client.send(.post, "/communities/\(club.id)/posts", json: #"{"body": "Welcome!"}"#, token: koffi.access)
            let answer = try await client.send(.post, "/communities/\(club.id)/posts", json: #"{"body": "Thanks"}"#, token: fatou.access)
            let last = try #require(answer.logPosition)

            #expect(try await Self.kinds(client, mentor.token, after: last) == ["session_cancelled", "session_requested", "session_requested"])
            #expect(try await Self.kinds(client, koffi.access, after: last) == ["community_reply", "join_requested", "session_accepted"])
            #expect(try await Self.kinds(client, fatou.access, after: last) == ["join_approved", "waitlist_promoted", "session_declined"])
            #expect(try await Self.kinds(client, outsider.access, after: last) == [])

            // In the reader's language, with a link and the subject's title.
            let koffis = try await client.get("/notifications", token: koffi.access, after: last)
            let inbox = try koffis.jsonObject()
            #expect(inbox["unread"] as? Int == 3)
            #expect(inbox.keys.contains("nextCursor"))
            let accepted = try #require(try koffis.items().last)
            #expect(accepted["title"] as? String == "Séance acceptée")
            #expect(accepted["body"] as? String == "Votre séance « Projet solaire » du 2026-12-01 10:00 UTC est acceptée.")
            #expect(accepted["link"] as? String == "/mentors/sessions/\(s1)")
            #expect(accepted["readAt"] == nil)
            let fatous = try await client.get("/notifications", token: fatou.access, after: last).items()
            #expect(fatous.last?["title"] as? String == "Session declined")
            #expect(fatous.last?["body"] as? String == "Your session request “CV review” was declined.")
            #expect(fatous[1]["link"] as? String == "/events/\(event.id)")

            // Paging, newest first.
            let page = try await client.get("/notifications?limit=2", token: koffi.access, after: last).jsonObject()
            let cursor = try #require(page["nextCursor"] as? String)
            let rest = try await client.get("/notifications?limit=2&cursor=\(cursor)", token: koffi.access, after: last)
            #expect(try rest.items().map { $0["kind"] as? String } == ["session_accepted"])
            try await client.send(.get, "/notifications?cursor=bm90LW91cnM", token: koffi.access).expectProblem(.badRequest)

            // Read marks: one's own only; another person's id is a 404 and changes nothing.
            let id = try #require(accepted["id"] as? String)
            try await client.send(.post, "/notifications/\(id)/read", token: fatou.access).expectProblem(.notFound)
            try await client.send(.post, "/notifications/abc/read", token: koffi.access).expectProblem(.notFound)
            let read = try await client.send(.post, "/notifications/\(id)/read", token: koffi.access)
            #expect(read.status == .noContent, "\(read.text)")
            let again = try await client.send(.post, "/notifications/\(id)/read", token: koffi.access)
            #expect(again.status == .noContent)
            let afterRead = try await client.get("/notifications?unread=true", token: koffi.access, after: read.logPosition).jsonObject()
            #expect(afterRead["unread"] as? Int == 2)
            #expect((afterRead["items"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["community_reply", "join_requested"])
            let all = try await client.send(.post, "/notifications/read-all", token: koffi.access)
            #expect(all.status == .noContent)
            let none = try await client.get("/notifications", token: koffi.access, after: all.logPosition).jsonObject()
            #expect(none["unread"] as? Int == 0)
            #expect((none["items"] as? [[String: Any]])?.allSatisfy { $0["readAt"] is String } == true)
            let fatouUnread = try await client.get("/notifications", token: fatou.access, after: all.logPosition).jsonObject()
            #expect(fatouUnread["unread"] as? Int == 3)
            #expect(try fixture.eventTypes().filter { $0.hasPrefix("notifications.") } == ["notifications.read", "notifications.all-read"])
        }
    }

    // MARK: Live

    /// An open stream receives the notification the command caused, as the inbox lists it; a
    /// client reconnecting with `Last-Event-ID` gets what it missed and nothing twice.
    @Test(.timeLimit(.minutes(10))) func liveStreamsNewNotificationsAndResumesFromTheLastEventID() async throws {
        let clock = ManualClock(MentorRouteTests.tuesday)
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let (mentor, koffi, fatou) = try await Self.people(client, fixture)

            var mentorLive = try await LiveClient(fixture.platform, token: mentor.token)
            var koffiLive = try await LiveClient(fixture.platform, token: koffi.access)
            let requested = try await client.send(.post, "/mentors/request", json: MentorRouteTests.request(mentor.id, at: "2026-12-01T10:00:00Z"), token: koffi.access)
            let session = try #require(try requested.jsonObject()["sessionId"] as? String)
            let first = try await mentorLive.next(1)
            #expect(first.map { $0.item["kind"] as? String } == ["session_requested"])
            #expect(first[0].id == first[0].item["id"] as? String)
            #expect(first[0].item["title"] as? String == "Nouvelle demande de séance")

            _ = try await client.send(.post, "/mentors/request", json: MentorRouteTests.request(mentor.id, at: "2026-12-01T14:00:00Z"), token: fatou.access)
            let accepted = try await client.send(.post, "/mentors/sessions/\(session)/accept", token: mentor.token)
            let both = try await mentorLive.next(2)
            #expect(both.map { $0.item["kind"] as? String } == ["session_requested", "session_requested"])
            let koffis = try await koffiLive.next(1)
            #expect(koffis.map { $0.item["kind"] as? String } == ["session_accepted"])
            // Koffi's stream carried only Koffi's.
            #expect(try LiveClient.notifications(in: koffiLive.text).count == 1)
            #expect(accepted.status == .ok || accepted.status == .noContent)

            // Reconnecting after the first: the second again, once, then what comes next.
            mentorLive.body.cancel()
            var resumed = try await LiveClient(fixture.platform, token: mentor.token, lastEventID: first[0].id)
            let missed = try await resumed.next(1)
            #expect(missed.map(\.id) == [both[1].id])
            _ = try await client.send(.post, "/mentors/sessions/\(session)/cancel", json: #"{"reason": "Exam"}"#, token: koffi.access)
            let next = try await resumed.next(2)
            #expect(next.map { $0.item["kind"] as? String } == ["session_requested", "session_cancelled"])
            resumed.body.cancel()
            koffiLive.body.cancel()

            try await client.send(.get, "/notifications/live", token: mentor.token, headers: [ServerSentEvents.lastEventID: "-1"])
                .expectProblem(.badRequest)
            try await client.send(.get, "/notifications/live").expectProblem(.unauthorized)
        }
    }

    // MARK: Mail

    /// Mail goes through the outbox in the recipient's language with links from
    /// `PROTALENT_PUBLIC_URL`, not to someone who turned it off, and several at once make one digest.
    @Test(.timeLimit(.minutes(10))) func mailFollowsThePreferenceAndLanguageAndBurstsBecomeOneDigest() async throws {
        let directory = try TemporaryDirectory("protalent-notify-mail")
        defer { directory.remove() }
        let clock = ManualClock(MentorRouteTests.tuesday)
        let configuration = Self.configuration(directory.url, clock: clock.clock, masterKey: Base64.encode(SecureRandom.bytes(count: 32)))
        let platform = try Platform(configuration)
        defer { platform.close() }
        let (sessions, mentorToken) = try await buildApplication(platform: platform).test(.router) { client in
            let (mentor, koffi) = try await client.mentorAndMentee(platform)
            let fatou = try await client.signUp(platform, email: "fatou@example.ml")
            let off = try await client.send(.put, "/users/preferences", json: #"{"language": "en", "notifications": {"email": false}}"#, token: fatou.access)
            #expect(off.status == .ok || off.status == .noContent, "\(off.text)")
            var sessions: [String] = []
            for (token, time) in [(koffi.access, "2026-12-01T11:00:00Z"), (koffi.access, "2026-12-01T13:00:00Z"), (fatou.access, "2026-12-01T15:00:00Z")] {
                let requested = try await client.send(.post, "/mentors/request", json: MentorRouteTests.request(mentor.userID, at: time), token: token)
                sessions.append(try #require(try requested.jsonObject()["sessionId"] as? String))
            }
            // Fatou's decline is never mailed (she turned mail off); a mail to Koffi afterwards
            // shows the mailer went past it. (Sessions two hours ahead: no reminder is due yet.)
            _ = try await client.send(.post, "/mentors/sessions/\(sessions[2])/decline", json: "{}", token: mentor.access)
            _ = try await client.send(.post, "/mentors/sessions/\(sessions[0])/accept", token: mentor.access)
            let single = try await Self.waitForMail(directory.url, to: "koffi@example.tg", containing: "Séance acceptée")
            await platform.mail.waitUntilDelivered()
            #expect(single.contains("Subject: =?UTF-8?") || single.contains("Subject: Séance acceptée"))
            #expect(single.contains("Bonjour Awa,"))
            #expect(single.contains("Votre séance « Projet solaire » du 2026-12-01 11:00 UTC est acceptée."))
            #expect(single.contains("https://app.protalent.example/mentors/sessions/\(sessions[0])"))
            // Her only mail is the address verification of her registration.
            #expect(try Self.outbox(directory.url).filter { $0.contains("To: fatou@example.ml") && !$0.contains("/auth/verify-email") }.isEmpty)
            return (sessions, mentor.access)
        }

        // While the server is down the mentor's decision and a cancellation land together: at the
        // next start Koffi gets one digest of both, in French.
        let mentorID = try #require(try platform.accounts.userID(forEmail: "aminata@example.sn"))
        let koffiID = try #require(try platform.accounts.userID(forEmail: "koffi@example.tg"))
        let mentorPrincipal = Principal.user(mentorID, .mentor)
        _ = try await platform.commands.execute(
            .decline(reason: nil, by: mentorPrincipal, now: clock.now), on: Mentoring.Session.self,
            stream: StreamName.session(UUID(uuidString: sessions[1])!), by: mentorPrincipal
        )
        _ = try await platform.commands.execute(
            .cancel(reason: nil, by: mentorPrincipal, now: clock.now), on: Mentoring.Session.self,
            stream: StreamName.session(UUID(uuidString: sessions[0])!), by: mentorPrincipal
        )
        _ = mentorToken
        _ = koffiID
        try await buildApplication(platform: platform).test(.router) { _ in
            let digest = try await Self.waitForMail(directory.url, to: "koffi@example.tg", containing: "Vos notifications ProTalent")
            #expect(digest.contains("Séance refusée"))
            #expect(digest.contains("Séance annulée"))
            await platform.mail.waitUntilDelivered()
        }
        let toKoffi = try Self.outbox(directory.url).filter { $0.contains("To: koffi@example.tg") && !$0.contains("/auth/verify-email") }
        #expect(toKoffi.count == 2)
    }

    // MARK: Reminders

    /// A session's reminders fire an hour before, once, on the platform's clock: not before, not
    /// again after a restart, and a second firing is refused by the reminder's stream.
    @Test(.timeLimit(.minutes(10))) func remindersFireOnceAcrossARestart() async throws {
        let directory = try TemporaryDirectory("protalent-notify-reminders")
        defer { directory.remove() }
        let clock = ManualClock(MentorRouteTests.tuesday)  // 08:00
        let configuration = Self.configuration(directory.url, clock: clock.clock, masterKey: Base64.encode(SecureRandom.bytes(count: 32)))

        let first = try Platform(configuration)
        let sessionID = try await buildApplication(platform: first).test(.router) { client in
            let (mentor, koffi) = try await client.mentorAndMentee(first)
            let requested = try await client.send(.post, "/mentors/request", json: MentorRouteTests.request(mentor.userID, at: "2026-12-01T10:00:00Z"), token: koffi.access)
            let session = try #require(try requested.jsonObject()["sessionId"] as? String)
            let accepted = try await client.send(.post, "/mentors/sessions/\(session)/accept", token: mentor.access)
            _ = try await client.get("/notifications", token: koffi.access, after: accepted.logPosition)
            // 08:50: not due before 09:00; the scheduler finds nothing.
            clock.advance(50 * 60)
            #expect(await ReminderScheduler(queries: try first.readModels.notifications, commands: first.commands, node: first.replication, logger: first.logger).fireDue() == 0)
            return session
        }
        first.close()

        // Restarted; the clock passes 09:00 and the running scheduler fires, once per party.
        let second = try Platform(configuration)
        try await buildApplication(platform: second).test(.router) { client in
            var live = try await LiveClient(second, token: try await client.logIn("koffi@example.tg"))
            clock.advance(12 * 60)
            let reminded = try await live.next(1)
            #expect(reminded.map { $0.item["kind"] as? String } == ["session_reminder"])
            #expect(reminded[0].item["title"] as? String == "Votre séance commence dans une heure")
            #expect(reminded[0].item["link"] as? String == "/mentors/sessions/\(sessionID)")
            live.body.cancel()
            let mail = try await Self.waitForMail(directory.url, to: "koffi@example.tg", containing: "Votre séance commence dans une heure")
            #expect(mail.contains("https://app.protalent.example/mentors/sessions/\(sessionID)"))
            let mentorToken = try await client.logIn("aminata@example.sn")
            let mentorLive = try await Self.kinds(client, mentorToken, after: second.log.head)
            #expect(mentorLive.first == "session_reminder")
            await second.mail.waitUntilDelivered()
        }
        let fired = try second.log.read(from: 1, maxCount: 10_000).filter { $0.type == "reminders.reminder-fired" }
        #expect(fired.count == 2)
        second.close()

        // Restarted again, later still: nothing fires twice, even when asked directly.
        clock.advance(10 * 60)
        let third = try Platform(configuration)
        defer { third.close() }
        try await buildApplication(platform: third).test(.router) { client in
            let koffiToken = try await client.logIn("koffi@example.tg")
            _ = try await client.get("/notifications", token: koffiToken, after: third.log.head)
            #expect(await ReminderScheduler(queries: try third.readModels.notifications, commands: third.commands, node: third.replication, logger: third.logger).fireDue() == 0)
            let koffiID = try #require(try third.accounts.userID(forEmail: "koffi@example.tg"))
            let key = "session-\(sessionID)-\(koffiID.uuidString.lowercased())"
            let due = Reminder.Due(key: key, kind: .sessionReminder, subjectId: UUID(uuidString: sessionID)!, recipients: [koffiID], dueAt: clock.now)
            await #expect(throws: APIError.self) {
                _ = try await third.commands.execute(.fire(due, by: .system, now: clock.now), on: Reminder.self, stream: StreamName.reminder(key), by: .system)
            }
            let kinds = try await Self.kinds(client, koffiToken, after: third.log.head)
            #expect(kinds.filter { $0 == "session_reminder" }.count == 1)
            let mails = try Self.outbox(directory.url).filter { $0.contains("To: koffi@example.tg") && $0.contains("commence dans une heure") }
            #expect(mails.count == 1)
        }
        #expect(try third.log.read(from: 1, maxCount: 10_000).filter { $0.type == "reminders.reminder-fired" }.count == 2)
    }

    /// An event tomorrow and a fitting scholarship's deadline in seven days remind the people they
    /// concern: the registered (not the waitlisted, not the withdrawn), the students it fits.
    @Test(.timeLimit(.minutes(10))) func eventAndScholarshipRemindersReachThePeopleTheyConcern() async throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = ManualClock(start)
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let admin = try await client.signUpAdmin(fixture, email: "admin@protalent.sn")
            let organiser = try await client.signUp(fixture, email: "organiser@example.sn", role: "mentor")
            let ana = try await client.signUp(fixture, email: "ana@example.sn")  // SN
            let ben = try await client.signUp(fixture, email: "ben@example.sn")  // SN
            let gone = try await client.signUp(fixture, email: "gone@example.sn")
            let eventStart = start.addingTimeInterval(3 * 86_400)
            let body = """
                {"title": "Career fair", "eventType": "workshop", "startDate": "\(EventsTests.iso(eventStart))",
                 "endDate": "\(EventsTests.iso(eventStart.addingTimeInterval(3_600)))", "isOnline": true,
                 "meetingUrl": "https://meet.example.org/fair", "maxParticipants": 2}
                """
            let event = try await EventsTests.create(client, token: organiser.access, body)
            _ = try await client.send(.post, "/events/\(event.id)/register", token: ana.access)
            _ = try await client.send(.post, "/events/\(event.id)/register", token: gone.access)
            _ = try await client.send(.post, "/events/\(event.id)/register", token: ben.access)  // waitlisted
            _ = try await client.send(.delete, "/events/\(event.id)/register", token: gone.access)  // Ben takes the seat
            let scholarship = try await client.send(.post, "/scholarships", json: """
                {"title": "Bourse Senghor", "description": "Master studies", "provider": "Fondation", "deadline": "\(EventsTests.iso(start.addingTimeInterval(10 * 86_400)))",
                 "eligibility": {"countries": ["SN"], "educationLevels": []}}
                """, token: admin.access)
            #expect(scholarship.status == .created, "\(scholarship.text)")
            let directory = fixture.directory.url
            let deadline = start.addingTimeInterval(10 * 86_400)

            // Two days later: the event is tomorrow.
            clock.advance(2 * 86_400 + 60)
            let tomorrow = try await Self.waitForMail(directory, to: "ana@example.sn", containing: "Votre événement a lieu demain")
            #expect(tomorrow.contains("« Career fair » commence le"))
            // Three days later: the scholarship closes in seven days.
            clock.advance(86_400)
            let closing = try await Self.waitForMail(directory, to: "ana@example.sn", containing: "Une bourse pour vous se clôt dans sept jours")
            let day = String(EventsTests.iso(deadline).prefix(10)), time = String(EventsTests.iso(deadline).dropFirst(11).prefix(5))
            #expect(closing.contains("La bourse « Bourse Senghor » se clôt le \(day) \(time) UTC."))
            let head = fixture.platform.log.head
            func kinds(_ email: String) async throws -> [String] {
                try await Self.kinds(client, try await client.logIn(email), after: head)
            }
            #expect(try await kinds("ana@example.sn") == ["scholarship_deadline", "event_reminder"])
            #expect(try await kinds("ben@example.sn") == ["scholarship_deadline", "event_reminder", "waitlist_promoted"])
            #expect(try await kinds("gone@example.sn") == ["scholarship_deadline"])
            // The organiser is a mentor, the admin is not a student: no scholarship for them.
            #expect(try await kinds("organiser@example.sn") == [])
            #expect(try await kinds("admin@protalent.sn") == [])
            _ = (ana, ben, gone, organiser)
        }
    }

    // MARK: Erasure

    /// Erasure removes the person's notifications and schedule; the words they wrote leave the
    /// other party's inbox.
    @Test(.timeLimit(.minutes(10))) func erasureRemovesAPersonsNotificationsAndTheirWords() async throws {
        let clock = ManualClock(MentorRouteTests.tuesday)
        let fixture = try APIFixture(clock: clock.clock)
        try await fixture.test { client in
            let (mentor, koffi, _) = try await Self.people(client, fixture)
            let requested = try await client.send(.post, "/mentors/request", json: MentorRouteTests.request(mentor.id, at: "2026-12-01T10:00:00Z", title: "Plan Quetzalcoatl"), token: koffi.access)
            let session = try #require(try requested.jsonObject()["sessionId"] as? String)
            let accepted = try await client.send(.post, "/mentors/sessions/\(session)/accept", token: mentor.token)
            let koffiID = try #require(UUID(uuidString: koffi.userID))
            let queries = try fixture.platform.readModels.notifications
            _ = try await client.get("/notifications", token: koffi.access, after: accepted.logPosition)
            #expect(try queries.inbox(of: koffiID, unreadOnly: false, page: PageRequest()).items.count == 1)
            let readModels = fixture.directory.url.appendingPathComponent("readmodels")
            @Sendable func holdTheTitle() throws -> [String] {
                try FileManager.default.contentsOfDirectory(atPath: readModels.path).filter { $0.hasPrefix("notifications") }.filter { file in
                    try Data(contentsOf: readModels.appendingPathComponent(file)).range(of: Data("Quetzalcoatl".utf8)) != nil
                }
            }
            #expect(try !holdTheTitle().isEmpty, "control: the title is in the notifications model before the erasure")

            let erased = try await client.eraseAccount(token: koffi.access)
            #expect(erased.status == .noContent || erased.status == .accepted, "\(erased.text)")
            let mentorInbox = try await client.get("/notifications", token: mentor.token, after: fixture.platform.log.head).items()
            #expect(mentorInbox.map { $0["body"] as? String } == ["Un·e étudiant·e demande une séance « [erased] » le 2026-12-01 10:00 UTC."])
            #expect(try queries.inbox(of: koffiID, unreadOnly: false, page: PageRequest()).items.isEmpty)
            // The scrub of the erasure job leaves no page of their words in the notifications model's files.
            await fixture.platform.erasure.jobs.waitUntilEmpty()
            #expect(try holdTheTitle().isEmpty)
            // Their reminder is gone from the schedule: the hour before passes and only the mentor's fires.
            clock.advance(65 * 60)
            #expect(await ReminderScheduler(queries: queries, commands: fixture.platform.commands, node: fixture.platform.replication, logger: fixture.platform.logger).fireDue() <= 1)
            #expect(await fixture.platform.readModels.waitUntil(position: fixture.platform.log.head, timeout: .seconds(30)))
            #expect(try queries.inbox(of: koffiID, unreadOnly: false, page: PageRequest()).items.isEmpty)
            let fired = try fixture.platform.log.read(from: 1, maxCount: 10_000).filter { $0.type == "reminders.reminder-fired" }
            #expect(fired.count == 1)
        }
    }
}

extension TestClientProtocol {
    /// Registers and logs in on a platform opened by a test itself (not an `APIFixture`).
    func signUp(_ platform: Platform, email: String, role: String = "student") async throws -> (userID: String, access: String) {
        let registered = try await send(.post, "/auth/register", json: """
            {"email": "\(email)", "password": "correct horse battery", "firstName": "Awa", "lastName": "Diop", "role": "\(role)", "countryCode": "SN"}
            """)
        #expect(registered.status == .created, "\(registered.text)")
        return (try registered.jsonObject()["userId"] as? String ?? "", try await logIn(email))
    }

    /// On a platform opened by a test: an admin, a mentor the admin verified (Aminata) and a student (Koffi).
    func mentorAndMentee(_ platform: Platform) async throws -> (mentor: (userID: String, access: String), mentee: (userID: String, access: String)) {
        _ = try await signUp(platform, email: "admin@protalent.sn")
        _ = try await platform.accounts.promoteToAdmin(email: "admin@protalent.sn")
        let adminToken = try await logIn("admin@protalent.sn")
        let mentor = try await signUp(platform, email: "aminata@example.sn", role: "mentor")
        _ = try await send(.post, "/mentors", json: MentorRouteTests.application(), token: mentor.access)
        _ = try await send(.post, "/mentors/\(mentor.userID)/verify", token: adminToken)
        return (mentor, try await signUp(platform, email: "koffi@example.tg"))
    }
}
