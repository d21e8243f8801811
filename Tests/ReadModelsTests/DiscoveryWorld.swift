import Domain
import EventLog
import EventSourcing
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import ReadModels

/// A small platform built through the real deciders and codec onto a real log, projected by the
/// repository's `search.sql` and `matching.sql` into real SQLite files: what the discovery tests query.
final class DiscoveryWorld: @unchecked Sendable {
    // Only the test that owns the world touches it, sequentially (no concurrent access to `states`).
    let fixture: ReadModelFixture
    let codec: EventCodec
    /// The fixed "now" of every command and query.
    let now = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18
    let admin = UUID()
    private var states: [String: any Sendable] = [:]
    private var head: Int64 = 0
    private let search: SQLiteProjectionStorage
    private let matching: SQLiteProjectionStorage

    init() throws {
        fixture = try ReadModelFixture("discovery")
        codec = EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys))
        search = try SQLiteProjectionStorage(projection: try Projection.load(contentsOf: projectionsDirectory.appendingPathComponent("search.sql")),
                                             directory: fixture.readModels)
        matching = try SQLiteProjectionStorage(projection: try Projection.load(contentsOf: projectionsDirectory.appendingPathComponent("matching.sql")),
                                               directory: fixture.readModels)
    }

    func close() { fixture.close() }

    /// Decides `command` on `stream`'s state and appends the events.
    @discardableResult
    func decide<D: Decider>(_ decider: D.Type, _ stream: String, _ command: D.Command) async throws -> [D.Event] where D.Event: DomainEvent {
        let state = states[stream] as? D.State ?? D.initialState
        let events = try D.decide(command, state)
        states[stream] = events.reduce(state, D.evolve)
        try await append(stream, events)
        return events
    }

    func append<E: DomainEvent>(_ stream: String, _ events: [E]) async throws {
        guard !events.isEmpty else { return }
        let proposed = try events.map { try codec.encode($0, eventId: UUID(), metadata: EventMetadata(actor: "tester")) }
        head = try await fixture.log.append(to: stream, events: proposed).lastPosition
    }

    func user(_ first: String, _ last: String, role: Role = .student, country: String? = "SN", _ update: Profiles.ProfileUpdate? = nil) async throws -> UUID {
        let id = UUID()
        let registration = Identity.Account.Registration(
            userID: id, email: "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(id.uuidString.prefix(6))@example.org",
            emailKey: id.uuidString,
            password: NewPassword(plaintext: "correct horse battery", hash: "scrypt$test"), firstName: first, lastName: last, role: role,
            countryCode: country, verification: IssuedToken(tokenHash: "hash", expiresAt: now.addingTimeInterval(86_400)), now: now
        )
        try await decide(Identity.Account.self, "account-\(id)", .register(registration))
        if let update { try await profile(id, update) }
        return id
    }

    func profile(_ id: UUID, _ update: Profiles.ProfileUpdate) async throws {
        try await decide(Profiles.self, "profile-\(id)", .update(userID: id, update, by: .user(id, .student), now: now))
    }

    func visibility(_ id: UUID, _ visibility: ProfileVisibility) async throws {
        try await decide(Profiles.self, "profile-\(id)", .setPreferences(userID: id, .init(profileVisibility: visibility), by: .user(id, .student), now: now))
    }

    func language(_ id: UUID, _ language: PreferredLanguage) async throws {
        try await decide(Profiles.self, "profile-\(id)", .setPreferences(userID: id, .init(language: language), by: .user(id, .student), now: now))
    }

    func erase(_ id: UUID) async throws {
        try await decide(Identity.Account.self, "account-\(id)", .erase(by: .user(id, .student), .init(passwordMatches: true), now: now))
        try fixture.keys.erase(subject: id)
    }

    func mentor(_ first: String, _ last: String, country: String = "SN", expertise: [String], languages: [String] = ["fr"],
                timeZone: String = "Africa/Dakar", verified: Bool = true, ratings: [Int] = []) async throws -> UUID {
        let id = try await user(first, last, role: .mentor, country: country)
        let application = Mentoring.Mentor.Application(
            expertiseAreas: expertise, experienceYears: 5, languages: languages, timeZone: timeZone,
            availability: [AvailabilitySlot(day: .monday, start: "09:00", end: "17:00")]
        )
        try await decide(Mentoring.Mentor.self, "mentor-\(id)", .apply(application, by: .user(id, .mentor), now: now))
        if verified { try await decide(Mentoring.Mentor.self, "mentor-\(id)", .verify(mentorID: id, by: .user(admin, .admin), now: now)) }
        for rating in ratings {
            try await decide(Mentoring.Mentor.self, "mentor-\(id)", .recordRating(mentorID: id, sessionID: UUID(), rating: rating, now: now))
        }
        return id
    }

    func scholarship(_ title: String, description: String = "Bourse pour étudiants.", deadlineInDays: Double = 30, amount: String? = "1500.00",
                     fee: String? = nil, eligibility: Scholarships.Eligibility = .init(), closed: Bool = false) async throws -> UUID {
        let id = UUID()
        // Created before `now` so a deadline already passed can be published (the decider checks against its own `now`).
        let created = deadlineInDays < 0 ? now.addingTimeInterval((deadlineInDays - 10) * 86_400) : now
        let details = Scholarships.Details(
            title: title, description: description, provider: "Fondation Avenir", amount: amount.map { Money(amount: $0, currency: "EUR") },
            applicationFee: fee.map { Money(amount: $0, currency: "EUR") }, deadline: now.addingTimeInterval(deadlineInDays * 86_400),
            eligibility: eligibility
        )
        try await decide(Scholarships.self, "scholarship-\(id)", .create(scholarshipID: id, details, by: .user(admin, .admin), now: created))
        if closed { try await decide(Scholarships.self, "scholarship-\(id)", .close(by: .user(admin, .admin), now: now)) }
        return id
    }

    func community(_ name: String, owner: UUID, description: String? = nil, category: Communities.Category = .academic,
                   country: String? = "SN", isPrivate: Bool = false) async throws -> UUID {
        let id = UUID()
        let details = Communities.Details(name: name, description: description, category: category, countryCode: country, isPrivate: isPrivate)
        try await decide(Communities.self, "community-\(id)", .create(communityID: id, details, by: .user(owner, .student), now: now))
        return id
    }

    func join(_ community: UUID, _ user: UUID) async throws {
        try await decide(Communities.self, "community-\(community)", .join(by: .user(user, .student), now: now))
    }

    @discardableResult
    func post(_ community: UUID, by author: UUID, title: String?, body: String) async throws -> UUID {
        let id = UUID()
        try await decide(Communities.self, "community-\(community)", .post(postID: id, title: title, body: body, by: .user(author, .student), now: now))
        return id
    }

    func event(_ title: String, description: String? = nil, type: Gathering.Kind = .webinar, inDays: Double = 10, online: Bool = true) async throws -> UUID {
        let id = UUID()
        let start = now.addingTimeInterval(inDays * 86_400)
        let details = Gathering.Details(title: title, description: description, eventType: type, startDate: start,
                                        endDate: start.addingTimeInterval(3_600), isOnline: online, location: online ? nil : "Dakar",
                                        meetingUrl: online ? "https://meet.example.org/\(id)" : nil)
        try await decide(Gathering.self, "event-\(id)", .create(eventID: id, details, by: .user(admin, .admin), now: now))
        return id
    }

    /// Runs both projections up to the log's head and returns the queries over them.
    func discovery() async throws -> Discovery {
        for storage in [search, matching] {
            let runner = try ProjectionRunner(storage: storage, log: fixture.log, keyStore: fixture.keys, batchSize: 500)
            let head = self.head
            let caughtUp = try await whileRunning(runner) { await runner.waitUntil(position: head, timeout: patience) }
            if !caughtUp || runner.status.failure != nil {
                throw DiscoveryWorldError(message: "\(storage.projection.name) did not reach \(head): \(String(describing: runner.status.failure))")
            }
        }
        return Discovery(search: search, matching: matching)
    }

    /// Every token the live full-text index holds (term, document, column, offset), in order, read
    /// through FTS5's `fts5vocab` on a connection of the test's own.
    func fullTextIndex() throws -> [String] {
        guard let file = search.liveFile else { throw DiscoveryWorldError(message: "search has no live model") }
        let queue = try DatabaseQueue(path: search.directory.appendingPathComponent(file).path)
        defer { try? queue.close() }
        return try queue.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(main, search, instance)")
            return try String.fetchAll(db, sql: "SELECT term || ' ' || doc || ' ' || col || ' ' || offset FROM temp.tokens ORDER BY term, doc, col, offset")
        }
    }

    /// Rebuilds `search.sql`'s model from the log (blue/green, as a changed file would).
    func rebuildSearch() async throws {
        let runner = try ProjectionRunner(storage: search, log: fixture.log, keyStore: fixture.keys, batchSize: 500)
        guard try await runner.rebuild(progress: nil) else { throw DiscoveryWorldError(message: "the search rebuild did not go live") }
    }

    struct DiscoveryWorldError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
