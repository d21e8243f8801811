import Domain
import EventLog
import EventSourcing
import Foundation
import Projections
import ProjectionsTestSupport
import ReadModels
import TestSupport

/// A real log, key store and event store, with the domain's people commands (sign-up, profile,
/// mentoring) run through the deciders, and the repository's projections reading it.
final class PeopleFixture: Sendable {
    let base: ReadModelFixture
    let store: EventStore
    let set: ProjectionSet
    /// 2026-11-30 00:00 UTC, a Monday: command times are offsets from it.
    static let monday = Date(timeIntervalSince1970: 1_795_996_800)
    static let admin = Principal.user(UUID(uuidString: "ad000000-0000-4000-8000-000000000001")!, .admin)

    init(_ label: String = "people") throws {
        base = try ReadModelFixture(label)
        store = EventStore(log: base.log, codec: EventCodec(cipher: KeyStoreCipher(keyStore: base.keys)))
        set = try ProjectionSet(projectionsDirectory: projectionsDirectory, dataDirectory: base.data.url, log: base.log, keyStore: base.keys)
    }

    var keys: KeyStore { base.keys }
    var log: EventLog { base.log }

    static func stream(_ prefix: String, _ id: UUID) -> String { "\(prefix)-\(id.uuidString.lowercased())" }

    // MARK: Identity and Profiles

    /// Signs a user up (email claim and account in one append).
    func register(
        _ user: UUID, first: String, last: String, email: String? = nil, role: Role = .student, country: String? = nil, city: String? = nil,
        now: Date = PeopleFixture.monday.addingTimeInterval(-30 * 86_400)
    ) async throws {
        let registration = Identity.Account.Registration(
            userID: user, email: email ?? "\(user.uuidString.prefix(8).lowercased())@example.org", emailKey: "key-\(user.uuidString.lowercased())",
            password: NewPassword(plaintext: "correct horse battery", hash: "scrypt$hash"), firstName: first, lastName: last, role: role,
            countryCode: country, city: city, verification: IssuedToken(tokenHash: "verify-\(user)", expiresAt: now.addingTimeInterval(86_400)),
            now: now
        )
        _ = try await store.handle(metadata: EventMetadata(actor: "anonymous")) { states throws(Identity.Rejection) in
            let claim = "email-\(registration.emailKey)", account = Self.stream("account", user)
            let decision = try Identity.register(
                registration, emailClaim: states.state(of: Identity.EmailClaim.self, stream: claim),
                account: states.state(of: Identity.Account.self, stream: account))
            return [StreamEvents(claim, decision.emailClaim), StreamEvents(account, decision.account, expectedVersion: .noStream)]
        }
    }

    func account(_ user: UUID, _ command: Identity.Account.Command) async throws {
        _ = try await store.handle(command, to: Identity.Account.self, stream: Self.stream("account", user))
    }

    func verifyEmail(_ user: UUID, now: Date) async throws {
        try await account(user, .verifyEmail(tokenHash: "verify-\(user)", now: now))
    }

    func logIn(_ user: UUID, now: Date) async throws {
        try await account(user, .logIn(.init(
            passwordMatches: true, familyID: UUID(), refreshToken: IssuedToken(tokenHash: "refresh-\(UUID())", expiresAt: now.addingTimeInterval(86_400)), now: now)))
    }

    /// Erases the account (and frees its email), then destroys the person's key, as the application does.
    func erase(_ user: UUID, now: Date) async throws {
        let account = Self.stream("account", user)
        _ = try await store.handle { states throws(Identity.Rejection) in
            let state = states.state(of: Identity.Account.self, stream: account)
            let claim = "email-\(state.emailKey ?? "")"
            let decision = try Identity.erase(
                by: .user(user, .student), .init(passwordMatches: true), now: now, account: state,
                emailClaim: states.state(of: Identity.EmailClaim.self, stream: claim))
            return [StreamEvents(account, decision.account), StreamEvents(claim, decision.emailClaim)]
        }
        try keys.erase(subject: user)
    }

    func profile(_ user: UUID, _ command: Profiles.Command) async throws {
        _ = try await store.handle(command, to: Profiles.self, stream: Self.stream("profile", user))
    }

    // MARK: Mentoring

    /// Applies as a mentor and, unless told otherwise, gets verified by an admin.
    func mentor(
        _ user: UUID, expertise: [String] = ["Data Science"], languages: [String] = ["fr"], timeZone: String = "Africa/Dakar",
        availability: [AvailabilitySlot] = Weekday.allCases.map { AvailabilitySlot(day: $0, start: "00:00", end: "24:00") },
        hourlyRate: Money? = nil, verified: Bool = true, now: Date = PeopleFixture.monday.addingTimeInterval(-20 * 86_400)
    ) async throws {
        let application = Mentoring.Mentor.Application(
            expertiseAreas: expertise, experienceYears: 5, hourlyRate: hourlyRate, languages: languages, timeZone: timeZone, availability: availability)
        _ = try await store.handle(.apply(application, by: .user(user, .mentor), now: now), to: Mentoring.Mentor.self, stream: Self.stream("mentor", user))
        if verified {
            _ = try await store.handle(.verify(mentorID: user, by: Self.admin, now: now), to: Mentoring.Mentor.self, stream: Self.stream("mentor", user))
        }
    }

    /// Runs a session command with the streams it touches, in one append.
    func session(_ session: UUID, _ command: Mentoring.Session.Command) async throws {
        try await self.session(session) { _, _ in command }
    }

    /// Runs the session command `make` builds from both parties' current calendars (for acceptance).
    func session(
        _ session: UUID, _ make: @escaping (Mentoring.BookingCalendar.State, Mentoring.BookingCalendar.State) -> Mentoring.Session.Command
    ) async throws {
        let sessionStream = Self.stream("session", session)
        _ = try await store.handle { states throws(Mentoring.Rejection) in
            let state = states.state(of: Mentoring.Session.self, stream: sessionStream)
            // A request names its mentor; later commands find the parties in the session's state.
            let mentorID = state.mentorID ?? UUID(), menteeID = state.menteeID ?? UUID()
            let mentorCalendar = Self.stream("calendar", mentorID), menteeCalendar = Self.stream("calendar", menteeID)
            let mentorStream = Self.stream("mentor", mentorID)
            let calendars = (
                states.state(of: Mentoring.BookingCalendar.self, stream: mentorCalendar),
                states.state(of: Mentoring.BookingCalendar.self, stream: menteeCalendar)
            )
            let decision = try Mentoring.decide(
                make(calendars.0, calendars.1), session: state, mentorCalendar: calendars.0, menteeCalendar: calendars.1,
                mentor: states.state(of: Mentoring.Mentor.self, stream: mentorStream))
            return [
                StreamEvents(sessionStream, decision.session), StreamEvents(mentorCalendar, decision.mentorCalendar),
                StreamEvents(menteeCalendar, decision.menteeCalendar), StreamEvents(mentorStream, decision.mentor),
            ]
        }
    }

    /// A mentee asks `mentor` for a session at `start`.
    @discardableResult
    func request(
        _ id: UUID = UUID(), mentor: UUID, mentee: UUID, title: String = "Revue de CV", description: String? = nil, start: Date,
        minutes: Int = 60, now: Date = PeopleFixture.monday.addingTimeInterval(-7 * 86_400)
    ) async throws -> UUID {
        let state = try store.load(Mentoring.Mentor.self, stream: Self.stream("mentor", mentor)).state
        let request = Mentoring.Session.Request(sessionID: id, mentorID: mentor, title: title, description: description, scheduledAt: start, durationMinutes: minutes)
        try await session(id, .request(request, mentor: state, by: .user(mentee, .student), now: now))
        return id
    }

    /// The mentor accepts, against both parties' calendars.
    func accept(_ id: UUID, mentor: UUID, now: Date) async throws {
        try await session(id) { mentorCalendar, menteeCalendar in
            .accept(mentorCalendar: mentorCalendar, menteeCalendar: menteeCalendar, by: .user(mentor, .mentor), now: now)
        }
    }

    /// Accepts, completes and rates a session (the mentee's rating goes to the mentor's stream).
    func completeAndRate(_ id: UUID, mentor: UUID, mentee: UUID, start: Date, rating: Int, comment: String? = nil) async throws {
        try await accept(id, mentor: mentor, now: start.addingTimeInterval(-3_600))
        try await session(id, .complete(by: .user(mentor, .mentor), now: start.addingTimeInterval(3_600)))
        try await session(id, .giveFeedback(rating: rating, comment: comment, by: .user(mentee, .student), now: start.addingTimeInterval(7_200)))
    }

    // MARK: Projections

    /// Runs the projections while `body` runs (call `caughtUp()` before reading), then stops them.
    func running<T>(_ body: () async throws -> T) async throws -> T {
        let task = Task { [set] in try await set.run() }
        defer { task.cancel() }
        let result = try await body()
        task.cancel()
        _ = await task.result
        return result
    }

    /// Waits until every projection reached the log's head (the runners must be running).
    func caughtUp() async throws {
        let head = log.head
        for runner in set.runners {
            guard await runner.waitUntil(position: head, timeout: patience) else {
                throw NotCaughtUp(projection: runner.projection.name, head: head)
            }
        }
    }

    func close() { base.close() }

    struct NotCaughtUp: Error {
        var projection: String
        var head: Int64
    }
}
