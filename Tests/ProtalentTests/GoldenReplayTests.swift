import Domain
import EventLog
import EventSourcing
import Foundation
import GRDB
import Projections
import ReadModels
import Testing
import TestSupport

/// Pins replay: the committed log in `snapshots/` must still verify and decode, today's writer must
/// produce it byte for byte from the same commands, and today's projections must turn it into the
/// committed rows. Regenerate on purpose with
/// `PROTALENT_REGENERATE_GOLDEN=1 swift test --filter GoldenReplayTests`.
@Suite(.serialized) struct GoldenReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let golden = root.appendingPathComponent("snapshots")
    static let goldenSegment = golden.appendingPathComponent("log/00000000000000000001.seg")
    static var regenerate: Bool { ProcessInfo.processInfo.environment["PROTALENT_REGENERATE_GOLDEN"] == "1" }

    /// The fixed history: an admin publishes three scholarships, updates one, closes another; plus
    /// an operator event with full metadata; then people, communities and an event
    /// (`buildPeopleAndGatherings`), then the mentoring people (`buildPeople`). Fixed clock and
    /// sequential ids make it deterministic.
    static func buildLog(in directory: String) async throws {
        var options = EventLogOptions()
        options.clock = { 1_790_000_000_000_000 }
        let log = try EventLog.open(directory: directory, options: options)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let store = EventStore(log: log, options: EventStore.Options(snapshotInterval: 0), clock: .fixed(now), ids: .sequential())
        let admin = IdGenerator.sequentialId(1_000)
        let metadata = EventMetadata(correlationId: IdGenerator.sequentialId(2_000), actor: admin.uuidString.lowercased())
        let titles = ["Bourse d'excellence Sénégal", "Master en énergies renouvelables", "Doctorat santé publique"]
        for (index, title) in titles.enumerated() {
            let details = Scholarships.Details(
                title: title, description: "Financement complet pour étudiants africains: \(title).", provider: "Fondation Avenir",
                amount: index == 1 ? nil : Money(amount: "\(1500 * (index + 1)).00", currency: "EUR"),
                applicationFee: index == 2 ? Money(amount: "25.00", currency: "EUR") : nil,
                deadline: now.addingTimeInterval(Double(30 + index * 30) * 86_400), applicationUrl: "https://example.org/apply/\(index)",
                eligibility: .init(educationLevels: index == 0 ? [] : [.master], fieldsOfStudy: index == 1 ? ["énergie"] : [],
                                   countries: index == 0 ? ["SN", "CI"] : [], requirements: ["Dossier complet"], preferences: ["Projet social"])
            )
            _ = try await store.handle(.create(scholarshipID: IdGenerator.sequentialId(UInt64(100 + index)), details, by: .user(admin, .admin), now: now),
                                       to: Scholarships.self, stream: "scholarship-\(index)", metadata: metadata)
        }
        let updated = Scholarships.Details(title: "Master en énergies renouvelables (2027)", description: "Mise à jour.", provider: "Fondation Avenir",
                                           deadline: now.addingTimeInterval(90 * 86_400))
        _ = try await store.handle(.update(updated, by: .user(admin, .admin), now: now), to: Scholarships.self, stream: "scholarship-1", metadata: metadata)
        _ = try await store.handle(.close(by: .user(admin, .admin), now: now), to: Scholarships.self, stream: "scholarship-2", metadata: metadata)
        _ = try await log.append(to: "operations", events: [ProposedEvent(
            eventId: IdGenerator.sequentialId(3_000), type: "operations.note",
            metadata: EventMetadata(correlationId: IdGenerator.sequentialId(3_001), causationId: IdGenerator.sequentialId(3_002), actor: "operator"),
            payload: Array(#"{"note":"golden log"}"#.utf8)
        )])
        try await buildPeopleAndGatherings(store: store, admin: admin, now: now, metadata: metadata)
        try await buildPeople(store: store, admin: admin, now: now)
        log.close()
    }

    /// After the scholarships: a sign-up, a public community with a member, a post removed and a
    /// ban, a private one with a pending request, and an event of one seat whose waitlist closes up.
    /// (Without a cipher, personal fields are written erased.)
    static func buildPeopleAndGatherings(store: EventStore, admin: UUID, now: Date, metadata: EventMetadata) async throws {
        func user(_ n: UInt64) -> UUID { IdGenerator.sequentialId(1_100 + n) }
        func student(_ n: UInt64) -> Principal { .user(user(n), .student) }
        func minutes(_ m: Double) -> Date { now.addingTimeInterval(m * 60) }
        _ = try await store.handle(.register(Identity.Account.Registration(
            userID: user(1), email: "awa@example.org", emailKey: "golden-key-1", password: NewPassword(plaintext: "a long enough secret", hash: "scrypt$golden"),
            firstName: "Awa", lastName: "Diop", role: .student, countryCode: "SN",
            verification: IssuedToken(tokenHash: "golden-verify", expiresAt: minutes(1_440)), now: now
        )), to: Identity.Account.self, stream: "account-\(user(1))", metadata: metadata)

        let open = IdGenerator.sequentialId(1_200), closed = IdGenerator.sequentialId(1_201)
        let owner = Principal.user(admin, .admin)
        let community = "community-\(open)", club = "community-\(closed)"
        _ = try await store.handle(.create(communityID: open, .init(name: "Étudiants de Dakar", description: "Entraide", category: .academic, countryCode: "SN", city: "Dakar", isPrivate: false), by: owner, now: now),
                                   to: Communities.self, stream: community, metadata: metadata)
        _ = try await store.handle(.join(by: student(1), now: minutes(1)), to: Communities.self, stream: community, metadata: metadata)
        _ = try await store.handle(.join(by: student(2), now: minutes(2)), to: Communities.self, stream: community, metadata: metadata)
        _ = try await store.handle(.post(postID: IdGenerator.sequentialId(1_210), title: "Bonjour", body: "Premier message", by: student(1), now: minutes(3)),
                                   to: Communities.self, stream: community, metadata: metadata)
        _ = try await store.handle(.post(postID: IdGenerator.sequentialId(1_211), title: nil, body: "Publicité", by: student(2), now: minutes(4)),
                                   to: Communities.self, stream: community, metadata: metadata)
        _ = try await store.handle(.removePost(postID: IdGenerator.sequentialId(1_211), by: owner, now: minutes(5)), to: Communities.self, stream: community, metadata: metadata)
        _ = try await store.handle(.ban(userID: user(2), by: owner, now: minutes(6)), to: Communities.self, stream: community, metadata: metadata)
        _ = try await store.handle(.create(communityID: closed, .init(name: "Club des mentors", category: .professional, isPrivate: true), by: owner, now: minutes(7)),
                                   to: Communities.self, stream: club, metadata: metadata)
        _ = try await store.handle(.join(by: student(1), now: minutes(8)), to: Communities.self, stream: club, metadata: metadata)

        let event = IdGenerator.sequentialId(1_300), stream = "gathering-\(event)"
        let details = Gathering.Details(title: "Atelier CV", description: "Relire son CV", eventType: .workshop, startDate: minutes(10_080),
                                        endDate: minutes(10_200), isOnline: false, location: "Dakar", maxParticipants: 1)
        _ = try await store.handle(.create(eventID: event, details, by: owner, now: now), to: Gathering.self, stream: stream, metadata: metadata)
        for n: UInt64 in 1...3 {
            _ = try await store.handle(.register(by: student(n), now: minutes(Double(10 + n))), to: Gathering.self, stream: stream, metadata: metadata)
        }
        _ = try await store.handle(.cancelRegistration(by: student(2), now: minutes(20)), to: Gathering.self, stream: stream, metadata: metadata)
        _ = try await store.handle(.cancelRegistration(by: student(1), now: minutes(21)), to: Gathering.self, stream: stream, metadata: metadata)
    }

    /// The mentoring people, after the gatherings part: a mentor and a mentee sign up,
    /// fill their profiles, the mentor is verified, a session is booked, held and rated; a third
    /// account signs up and is erased. (No cipher here: personal fields are stored bare.)
    static func buildPeople(store: EventStore, admin: UUID, now: Date) async throws {
        let (mentor, mentee, leaver) = (IdGenerator.sequentialId(4_000), IdGenerator.sequentialId(4_001), IdGenerator.sequentialId(4_002))
        func stream(_ prefix: String, _ id: UUID) -> String { "\(prefix)-\(id.uuidString.lowercased())" }
        for (user, first, last, role) in [(mentor, "Aminata", "Sow", Role.mentor), (mentee, "Koffi", "Mensah", .student), (leaver, "Temp", "Orary", .student)] {
            let registration = Identity.Account.Registration(
                userID: user, email: "\(first.lowercased())@example.org", emailKey: "key-\(first.lowercased())",
                password: NewPassword(plaintext: "correct horse battery", hash: "scrypt$golden"), firstName: first, lastName: last, role: role,
                countryCode: "SN", city: "Dakar", verification: IssuedToken(tokenHash: "verify-\(first)", expiresAt: now.addingTimeInterval(86_400)),
                now: now)
            _ = try await store.handle { states throws(Identity.Rejection) in
                let claim = "email-\(registration.emailKey)", account = stream("account", user)
                let decision = try Identity.register(registration, emailClaim: states.state(of: Identity.EmailClaim.self, stream: claim),
                                                     account: states.state(of: Identity.Account.self, stream: account))
                return [StreamEvents(claim, decision.emailClaim), StreamEvents(account, decision.account, expectedVersion: .noStream)]
            }
        }
        _ = try await store.handle(.verifyEmail(tokenHash: "verify-Koffi", now: now), to: Identity.Account.self, stream: stream("account", mentee))
        _ = try await store.handle(.update(userID: mentee, .init(
            bio: "Étudiant en énergie solaire.", currentEducationLevel: .master, fieldOfStudy: "Énergie", interests: ["Solaire"],
            languages: [.init(code: "fr", level: .native)], skills: [.init(name: "Python", level: .intermediate)]
        ), by: .user(mentee, .student), now: now), to: Profiles.self, stream: stream("profile", mentee))
        _ = try await store.handle(.setPreferences(userID: mentee, .init(language: .en, profileVisibility: .members), by: .user(mentee, .student), now: now),
                                   to: Profiles.self, stream: stream("profile", mentee))
        let application = Mentoring.Mentor.Application(
            expertiseAreas: ["Énergie", "Data Science"], experienceYears: 12, hourlyRate: Money(amount: "30.00", currency: "EUR"), languages: ["fr", "en"],
            timeZone: "Africa/Dakar", availability: [AvailabilitySlot(day: .tuesday, start: "09:00", end: "17:00")])
        _ = try await store.handle(.apply(application, by: .user(mentor, .mentor), now: now), to: Mentoring.Mentor.self, stream: stream("mentor", mentor))
        _ = try await store.handle(.verify(mentorID: mentor, by: .user(admin, .admin), now: now), to: Mentoring.Mentor.self, stream: stream("mentor", mentor))

        // 2026-09-22 is a Tuesday: 10:00–11:00 UTC is inside the mentor's Dakar availability.
        let session = IdGenerator.sequentialId(5_000), start = Date(timeIntervalSince1970: 1_790_071_200)
        func decide(_ command: Mentoring.Session.Command) async throws {
            _ = try await store.handle { states throws(Mentoring.Rejection) in
                let streams = (stream("session", session), stream("calendar", mentor), stream("calendar", mentee), stream("mentor", mentor))
                let decision = try Mentoring.decide(
                    command, session: states.state(of: Mentoring.Session.self, stream: streams.0),
                    mentorCalendar: states.state(of: Mentoring.BookingCalendar.self, stream: streams.1),
                    menteeCalendar: states.state(of: Mentoring.BookingCalendar.self, stream: streams.2),
                    mentor: states.state(of: Mentoring.Mentor.self, stream: streams.3))
                return [StreamEvents(streams.0, decision.session), StreamEvents(streams.1, decision.mentorCalendar),
                        StreamEvents(streams.2, decision.menteeCalendar), StreamEvents(streams.3, decision.mentor)]
            }
        }
        let mentorState = try store.load(Mentoring.Mentor.self, stream: stream("mentor", mentor)).state
        try await decide(.request(.init(sessionID: session, mentorID: mentor, title: "Projet solaire", scheduledAt: start, durationMinutes: 60),
                                  mentor: mentorState, by: .user(mentee, .student), now: now))
        try await decide(.accept(mentorCalendar: Mentoring.BookingCalendar.initialState, menteeCalendar: Mentoring.BookingCalendar.initialState,
                                 by: .user(mentor, .mentor), now: now))  // both calendars are empty here
        try await decide(.complete(by: .user(mentor, .mentor), now: start.addingTimeInterval(3_600)))
        try await decide(.giveFeedback(rating: 5, comment: "Très utile", by: .user(mentee, .student), now: start.addingTimeInterval(7_200)))

        let leaverAccount = try store.load(Identity.Account.self, stream: stream("account", leaver)).state
        _ = try await store.handle { states throws(Identity.Rejection) in
            let claim = "email-key-temp"
            let decision = try Identity.erase(
                by: .user(leaver, .student), .init(passwordMatches: true), now: now, account: leaverAccount,
                emailClaim: states.state(of: Identity.EmailClaim.self, stream: claim))
            return [StreamEvents(stream("account", leaver), decision.account), StreamEvents(claim, decision.emailClaim)]
        }
    }

    /// Every user table of every projection, rows sorted, as text.
    static func dumpProjections(logDirectory: String) async throws -> [String: String] {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let log = try EventLog.openReadOnly(directory: logDirectory)
        let set = try ProjectionSet(projectionsDirectory: root.appendingPathComponent("projections"), dataDirectory: data.url,
                                    log: log, keyStore: nil)
        try await set.rebuild()
        var dumps: [String: String] = [:]
        for (name, storage) in set.databases {
            dumps[name] = try storage.read { db -> String in
                // FTS5 tables are dumped through their virtual table; their shadow tables hold binary index pages.
                let tables = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
                var text = ""
                for table in tables {
                    let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
                    text += "## \(table)\n"
                    text += rows.map { row in row.columnNames.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: " | ") }.sorted().joined(separator: "\n")
                    text += "\n"
                }
                return text
            }
        }
        return dumps
    }

    @Test func theCommittedLogStillVerifiesDecodesAndIsWhatTodaysWriterProduces() async throws {
        let fresh = try TemporaryDirectory()
        defer { fresh.remove() }
        try await Self.buildLog(in: fresh.path)
        let produced = try Data(contentsOf: URL(fileURLWithPath: fresh.path + "/00000000000000000001.seg"))
        if Self.regenerate {
            try FileManager.default.createDirectory(at: Self.goldenSegment.deletingLastPathComponent(), withIntermediateDirectories: true)
            try produced.write(to: Self.goldenSegment)
        }
        let committed = try Data(contentsOf: Self.goldenSegment)
        #expect(produced == committed, "today's writer no longer produces the committed log: a format change? regenerate on purpose (see snapshots/README.md)")
        let directory = Self.goldenSegment.deletingLastPathComponent().path
        let report = try LogVerifier.verify(directory: directory)
        #expect(report.isIntact && report.events == 47 && report.tornTail == nil)
        let events = try EventLog.openReadOnly(directory: directory).read(from: 1)
        let signUp = ["identity.email-claimed", "identity.account-registered", "identity.email-verification-issued"]
        let scholarships: [String] = ["scholarships.scholarship-created", "scholarships.scholarship-created", "scholarships.scholarship-created",
                                      "scholarships.scholarship-updated", "scholarships.scholarship-closed", "operations.note"]
        let people: [String] = signUp + signUp + signUp + [
            "identity.email-verified", "profiles.profile-updated", "profiles.preferences-changed", "mentoring.mentor-registered",
            "mentoring.mentor-verified", "mentoring.session-requested", "mentoring.session-accepted", "mentoring.calendar-slot-booked",
            "mentoring.calendar-slot-booked", "mentoring.session-completed", "mentoring.session-feedback-given", "mentoring.mentor-rated",
            "identity.account-erased", "identity.email-released",
        ]
        #expect(Array(events.prefix(6).map(\.type)) == scholarships)
        #expect(Array(events.suffix(people.count).map(\.type)) == people)
        let codec = EventCodec()
        let first = try codec.decode(Scholarships.Event.self, from: events[0])
        guard case .created(let published) = first else { Issue.record("expected a creation"); return }
        #expect(published.title == "Bourse d'excellence Sénégal")
    }

    @Test func todaysProjectionsTurnTheCommittedLogIntoTheCommittedRows() async throws {
        let dumps = try await Self.dumpProjections(logDirectory: Self.goldenSegment.deletingLastPathComponent().path)
        #expect(Set(dumps.keys) == ["analytics", "audit", "communities", "events", "matching", "mentors", "notifications", "scholarships", "search", "sessions", "users"])
        for (name, dump) in dumps {
            let file = Self.golden.appendingPathComponent("\(name).rows.txt")
            if Self.regenerate { try Data(dump.utf8).write(to: file) }
            let committed = try String(contentsOf: file, encoding: .utf8)
            #expect(dump == committed, "projection \(name) no longer produces the committed rows; regenerate on purpose if intended")
        }
    }
}
