import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation

/// Generates a realistic platform through the real deciders and codec, in French and English, and
/// appends it to a log: either the documents `bench search` indexes and queries (people with
/// profiles, verified mentors with ratings, communities with posts, events and scholarships), or
/// the day-to-day activity `bench projections` rebuilds from (the same items, plus sign-ins, token
/// refreshes, profile edits, joins, event registrations and whole mentoring sessions).
struct PlatformCorpus {
    /// What one round of the mix adds, and how many of each.
    typealias Mix = [(kind: String, count: Int)]

    /// Per 20 documents: 8 people, 1 mentor, 1 community, 5 posts, 2 events, 3 scholarships.
    static let documents: Mix = [
        ("person", 8), ("mentor", 1), ("community", 1), ("post", 5), ("event", 2), ("scholarship", 3),
    ]

    /// One round of platform activity: 77 actions, about 108 events. What people do most is sign in
    /// and stay signed in (a 15-minute access token is refreshed while the app is open), then post,
    /// join, register for events and book mentors; new mentors, communities, events and
    /// scholarships are rare. Events per round: refresh 24, login 14, person 15 (account,
    /// verification, profile), profile 6, post 15, join 8, attend 8, session 15 (request, accept
    /// with both calendars, complete, feedback, rating), and 1–3 each for scholarship, event,
    /// community and mentor.
    static let activity: Mix = [
        ("refresh", 24), ("login", 7), ("person", 3), ("profile", 6), ("post", 15), ("join", 8), ("attend", 8),
        ("session", 2), ("scholarship", 1), ("event", 1), ("community", 1), ("mentor", 1),
    ]

    static let fields = ["Informatique", "Génie civil", "Médecine", "Data science", "Économie", "Droit", "Agronomie", "Finance",
                         "Énergies renouvelables", "Marketing digital", "Santé publique", "Computer science", "Public health"]
    static let interests = ["climat", "énergie solaire", "intelligence artificielle", "entrepreneuriat", "santé", "développement web",
                            "agriculture durable", "finance islamique", "droits humains", "robotique", "cybersécurité", "journalisme",
                            "machine learning", "renewable energy", "startups", "urban planning", "teaching", "research"]
    static let goals = ["Ingénieur logiciel", "Data scientist", "Médecin", "Entrepreneur", "Chercheur", "Consultant en finance",
                        "Software engineer", "Public health specialist", "Juriste", "Ingénieur agronome", "Civil engineer"]
    static let skills = ["Python", "Swift", "SQL", "Excel", "Gestion de projet", "Leadership", "Statistiques", "AutoCAD", "Rédaction",
                         "Négociation", "Machine learning", "Marketing"]
    static let countries = ["SN", "CI", "CM", "ML", "BF", "BJ", "TG", "CD", "MA", "FR", "GH", "NG", "KE", "CA"]
    static let firstNames = ["Aminata", "Moussa", "Fatou", "Ibrahima", "Awa", "Koffi", "Aïcha", "Jean-Baptiste", "Mariam", "Ousmane",
                             "Chloé", "Yacouba", "Nadia", "Serge", "Adjoa", "Kwame", "Léa", "Mamadou", "Grace", "Hélène"]
    static let lastNames = ["Diallo", "Traoré", "Ndiaye", "Kouassi", "Mensah", "Camara", "Sow", "Ouédraogo", "Mbemba", "Nkurunziza",
                            "Okafor", "Dupont", "Keïta", "Touré", "Sané", "Baldé", "Abena", "Fofana", "Coulibaly", "Yao"]
    static let words = ["bourse", "mentorat", "étudiant", "carrière", "stage", "entretien", "master", "projet", "réseau", "formation",
                        "candidature", "université", "opportunité", "compétences", "leadership", "entrepreneuriat", "scholarship",
                        "mentor", "internship", "application", "deadline", "community", "workshop", "conseil", "avenir", "Afrique",
                        "innovation", "recherche", "doctorat", "emploi", "orientation", "développement", "numérique", "expérience"]

    var random: Workload
    let codec: EventCodec
    /// The clock of the generated history; queries run at this instant.
    let now: Date
    let admin = UUID()
    let mix: Mix
    /// Students with a full profile, for recommendation requests.
    private(set) var students: [UUID] = []
    private var owners: [UUID: (owner: UUID, state: Communities.State)] = [:]
    private var communities: [UUID] = []
    /// Recent accounts (at most `activeUsers`) with their state, and their open logins.
    private var accounts: [UUID: Identity.Account.State] = [:]
    private var active: [UUID] = []
    private var logins: [(user: UUID, family: UUID, token: String)] = []
    private var gatherings: [UUID: Gathering.State] = [:]
    private var gatheringIDs: [UUID] = []
    private var bookable: [(id: UUID, state: Mentoring.Mentor.State)] = []
    private var pending: [(stream: String, event: ProposedEvent)] = []
    private var sequence = 0
    /// Where the next action of `mix` is: its kind and how many of that kind are done.
    private var cursor = (kind: 0, done: 0)
    private static let activeUsers = 5_000

    init(seed: UInt64, codec: EventCodec, now: Date, mix: Mix = Self.documents) {
        random = Workload(seed: seed)
        self.codec = codec
        self.now = now
        self.mix = mix
    }

    /// The events made so far and not yet appended.
    var pendingEvents: Int { pending.count }

    /// Adds the next action of the mix (its events wait in `pending`).
    mutating func step() throws {
        let (kind, count) = mix[cursor.kind]
        try add(kind)
        cursor.done += 1
        if cursor.done >= count { cursor = ((cursor.kind + 1) % mix.count, 0) }
    }

    /// Appends `documents` documents to `log`, in multi-stream appends of about 1,000 events.
    mutating func generate(documents: Int, into log: EventLog, progress: Bool) async throws {
        var report = Progress()
        var made = 0
        while made < documents {
            try step()
            made += 1
            if pending.count >= 1_000 || made == documents { try await flush(into: log) }
            if progress, made % 1_000 == 0 || made == documents { report.update("generating: \(made)/\(documents) documents") }
        }
        if progress { report.finish() }
    }

    /// Appends actions of the mix to `log` until it holds at least `events` more events, in
    /// multi-stream appends of about 1,000 events.
    mutating func generate(events: Int, into log: EventLog, progress: Bool) async throws {
        var report = Progress()
        var made = 0
        while made < events {
            try step()
            if pending.count >= 1_000 {
                made += pending.count
                try await flush(into: log)
                if progress { report.update("generating: \(made)/\(events) events") }
            }
        }
        if !pending.isEmpty { try await flush(into: log) }
        if progress { report.finish() }
    }

    /// The pending events as one atomic append, grouped by stream in first-seen order.
    mutating func takeAppends() -> [StreamAppend] {
        var order: [String] = []
        var grouped: [String: [ProposedEvent]] = [:]
        for (stream, event) in pending {
            if grouped[stream] == nil { order.append(stream) }
            grouped[stream, default: []].append(event)
        }
        pending.removeAll(keepingCapacity: true)
        return order.map { StreamAppend(stream: $0, expectedVersion: .any, events: grouped[$0]!) }
    }

    private mutating func flush(into log: EventLog) async throws {
        let appends = takeAppends()
        guard !appends.isEmpty else { return }
        _ = try await log.append(appends)
    }

    /// The time of the current action: activity spreads over days (15 s apart), so that per-day
    /// and per-week figures have many buckets.
    private var moment: Date { now.addingTimeInterval(-150 * 86_400 + Double(sequence) * 15) }

    /// A new entity's id, time-ordered as the API makes them (`SecureRandom.timeOrderedUUID`): the
    /// time of the current action, then random bits of the seeded workload.
    private mutating func timeOrderedID() -> UUID {
        UUID.timeOrdered(milliseconds: UInt64(moment.timeIntervalSince1970 * 1_000), random: (random.next(), random.next()))
    }

    private mutating func hash() -> String {
        (random.uuid() + random.uuid()).replacingOccurrences(of: "-", with: "")
    }

    /// Queues `events` of one command issued by `actor` (a user id, else `system`), with the
    /// metadata the HTTP layer gives them: the request's correlation id and the actor.
    private mutating func record<E: DomainEvent>(_ stream: String, _ events: [E], by actor: UUID?) throws {
        let metadata = EventMetadata(correlationId: UUID(), actor: actor.map { $0.uuidString.lowercased() } ?? "system")
        for event in events {
            pending.append((stream, try codec.encode(event, eventId: UUID(), metadata: metadata)))
        }
    }

    private mutating func some(_ items: [String], _ count: Int) -> [String] {
        var chosen: [String] = []
        for _ in 0..<count { let item = random.pick(items); if !chosen.contains(item) { chosen.append(item) } }
        return chosen
    }

    private mutating func sentence(_ count: Int) -> String {
        (0..<count).map { _ in random.pick(Self.words) }.joined(separator: " ")
    }

    private mutating func person(role: Role) throws -> UUID {
        let id = timeOrderedID()
        let first = random.pick(Self.firstNames), last = random.pick(Self.lastNames)
        let registration = Identity.Account.Registration(
            userID: id, email: "\(id.uuidString.suffix(12).lowercased())@exemple.org", emailKey: id.uuidString,
            password: NewPassword(plaintext: "bench password 2026", hash: "$scrypt$bench"), firstName: first, lastName: last, role: role,
            countryCode: random.pick(Self.countries), verification: IssuedToken(tokenHash: "bench", expiresAt: now.addingTimeInterval(86_400)),
            now: now
        )
        var account = Identity.Account.initialState
        let registered = try Identity.Account.decide(.register(registration), account)
        account = registered.reduce(account, Identity.Account.evolve)
        try record(StreamName.account(id), registered, by: id)
        let verified = try Identity.Account.decide(.verifyEmail(tokenHash: "bench", now: now), account)
        account = verified.reduce(account, Identity.Account.evolve)
        try record(StreamName.account(id), verified, by: id)
        remember(id, account)
        let update = Profiles.ProfileUpdate(
            bio: sentence(12), currentEducationLevel: random.pick(EducationLevel.allCases), fieldOfStudy: random.pick(Self.fields),
            careerGoals: some(Self.goals, 2), interests: some(Self.interests, 3),
            languages: [.init(code: "fr", level: .native)] + (random.next() % 2 == 0 ? [.init(code: "en", level: .b2)] : []),
            skills: some(Self.skills, 3).map { Profiles.Skill(name: $0) }
        )
        try record(StreamName.profile(id), try Profiles.decide(.update(userID: id, update, by: .user(id, role), now: now), Profiles.initialState), by: id)
        if random.next() % 10 == 0 {
            let visibility: ProfileVisibility = random.next() % 2 == 0 ? .members : .private
            try record(StreamName.profile(id), try Profiles.decide(.setPreferences(userID: id, .init(profileVisibility: visibility), by: .user(id, role), now: now),
                                                            Profiles.initialState), by: id)
        }
        return id
    }

    private mutating func add(_ kind: String) throws {
        sequence += 1
        switch kind {
        case "person":
            let id = try person(role: .student)
            if students.count < 1_000 { students.append(id) }
        case "mentor":
            let id = try person(role: .mentor)
            let application = Mentoring.Mentor.Application(
                expertiseAreas: some(Self.fields + Self.interests, 3), experienceYears: Int(random.next() % 20) + 1,
                languages: random.next() % 3 == 0 ? ["fr", "en"] : ["fr"],
                timeZone: random.pick(["Africa/Dakar", "Africa/Abidjan", "Africa/Douala", "Europe/Paris", "America/Toronto"]),
                availability: Weekday.allCases.map { AvailabilitySlot(day: $0, start: "08:00", end: "20:00") }
            )
            var state = Mentoring.Mentor.initialState
            func apply(_ command: Mentoring.Mentor.Command, by actor: UUID?) throws {
                let events = try Mentoring.Mentor.decide(command, state)
                state = events.reduce(state, Mentoring.Mentor.evolve)
                try record(StreamName.mentor(id), events, by: actor)
            }
            try apply(.apply(application, by: .user(id, .mentor), now: now), by: id)
            if random.next() % 5 != 0 { try apply(.verify(mentorID: id, by: .user(admin, .admin), now: now), by: admin) }
            for _ in 0..<(random.next() % 6) { // ratings of sessions held elsewhere: the system records them
                try apply(.recordRating(mentorID: id, sessionID: timeOrderedID(), rating: Int(random.next() % 3) + 3, now: now), by: nil)
            }
            if state.verified { bookable.append((id, state)) }
        case "community":
            let id = timeOrderedID(), owner = students.isEmpty ? timeOrderedID() : random.pick(students)
            let field = random.pick(Self.fields)
            let details = Communities.Details(
                name: "\(random.pick(["Club", "Réseau", "Cercle", "Communauté", "Network"])) \(field) \(sequence)",
                description: "Échanges sur \(field.lowercased()) : \(sentence(10))",
                category: random.pick(Communities.Category.allCases), countryCode: random.pick(Self.countries), isPrivate: random.next() % 5 == 0
            )
            let created = now.addingTimeInterval(-30 * 86_400)
            let events = try Communities.decide(.create(communityID: id, details, by: .user(owner, .student), now: created), Communities.initialState)
            owners[id] = (owner, events.reduce(Communities.initialState, Communities.evolve))
            communities.append(id)
            try record(StreamName.community(id), events, by: owner)
        case "post":
            guard !communities.isEmpty else { return try add("scholarship") }
            let id = random.pick(communities)
            guard var entry = owners[id] else { return }
            let events = try Communities.decide(.post(postID: timeOrderedID(), title: sentence(4).capitalized, body: sentence(25),
                                                      by: .user(entry.owner, .student), now: now.addingTimeInterval(-Double(sequence))), entry.state)
            entry.state = events.reduce(entry.state, Communities.evolve)
            owners[id] = entry
            try record(StreamName.community(id), events, by: entry.owner)
        case "event":
            let id = timeOrderedID()
            let start = now.addingTimeInterval(Double(Int(random.next() % 120) - 20) * 86_400)
            let online = random.next() % 2 == 0
            let details = Gathering.Details(
                title: "\(random.pick(["Atelier", "Webinaire", "Conférence", "Workshop", "Meetup"])) \(random.pick(Self.interests))",
                description: sentence(20), eventType: random.pick(Gathering.Kind.allCases), startDate: start, endDate: start.addingTimeInterval(7_200),
                isOnline: online, location: online ? nil : "Dakar", meetingUrl: online ? "https://meet.exemple.org/\(id)" : nil
            )
            let created = min(now, start.addingTimeInterval(-86_400))
            let events = try Gathering.decide(.create(eventID: id, details, by: .user(admin, .admin), now: created), Gathering.initialState)
            try record(StreamName.gathering(id), events, by: admin)
            if start > now {
                gatherings[id] = events.reduce(Gathering.initialState, Gathering.evolve)
                gatheringIDs.append(id)
            }
        case "login", "refresh", "profile", "join", "attend", "session":
            try activity(kind)
        default:
            let id = timeOrderedID()
            let field = random.pick(Self.fields)
            let deadline = now.addingTimeInterval(Double(Int(random.next() % 240) - 40) * 86_400)
            let details = Scholarships.Details(
                title: "Bourse \(random.pick(["d'excellence", "de recherche", "de mobilité", "Avenir", "Leadership"])) \(field) \(sequence)",
                description: "Financement pour étudiants en \(field.lowercased()) : \(sentence(20))",
                provider: "Fondation \(random.pick(Self.lastNames))",
                amount: random.next() % 5 == 0 ? nil : Money(amount: "\(500 + random.next() % 20_000).00", currency: "EUR"),
                applicationFee: random.next() % 8 == 0 ? Money(amount: "25.00", currency: "EUR") : nil, deadline: deadline,
                eligibility: .init(
                    educationLevels: random.next() % 2 == 0 ? [] : [random.pick(EducationLevel.allCases)],
                    fieldsOfStudy: random.next() % 2 == 0 ? [] : [field], countries: random.next() % 3 == 0 ? some(Self.countries, 3) : [],
                    requirements: ["Dossier complet"], preferences: some(Self.interests, 2)
                )
            )
            var events = try Scholarships.decide(.create(scholarshipID: id, details, by: .user(admin, .admin), now: min(now, deadline.addingTimeInterval(-86_400))),
                                                 Scholarships.initialState)
            if random.next() % 10 == 0 {
                events += try Scholarships.decide(.close(by: .user(admin, .admin), now: now), events.reduce(Scholarships.initialState, Scholarships.evolve))
            }
            try record(StreamName.scholarship(id), events, by: admin)
        }
    }

    /// Keeps `account` among the recent accounts that sign in (the oldest one leaves when full).
    private mutating func remember(_ id: UUID, _ account: Identity.Account.State) {
        if accounts[id] == nil {
            active.append(id)
            if active.count > Self.activeUsers {
                let gone = active.removeFirst()
                accounts[gone] = nil
                logins.removeAll { $0.user == gone }
            }
        }
        accounts[id] = account
    }

    /// The everyday actions on existing accounts and items; each falls back to adding the item it
    /// needs when there is none yet.
    private mutating func activity(_ kind: String) throws {
        let at = moment
        switch kind {
        case "login":
            guard !active.isEmpty else { return try add("person") }
            let user = random.pick(active)
            guard let account = accounts[user] else { return }
            let family = UUID(uuidString: random.uuid())!, token = hash()
            let attempt = Identity.Account.LoginAttempt(passwordMatches: true, familyID: family,
                                                       refreshToken: IssuedToken(tokenHash: token, expiresAt: at.addingTimeInterval(30 * 86_400)), now: at)
            let events = try Identity.Account.decide(.logIn(attempt), account)
            accounts[user] = events.reduce(account, Identity.Account.evolve)
            try record(StreamName.account(user), events, by: user)
            logins.append((user, family, token))
            if logins.count > Self.activeUsers { logins.removeFirst() }
        case "refresh":
            guard !logins.isEmpty else { return try activity("login") }
            let index = Int(random.next() % UInt64(logins.count))
            let login = logins[index]
            guard let account = accounts[login.user] else { return }
            let next = hash()
            let events = try Identity.Account.decide(.refresh(familyID: login.family, presentedTokenHash: login.token,
                                                              next: IssuedToken(tokenHash: next, expiresAt: at.addingTimeInterval(30 * 86_400)), now: at), account)
            accounts[login.user] = events.reduce(account, Identity.Account.evolve)
            try record(StreamName.account(login.user), events, by: login.user)
            logins[index].token = next
        case "profile":
            guard !students.isEmpty else { return try add("person") }
            let user = random.pick(students)
            let update = Profiles.ProfileUpdate(bio: sentence(14), interests: some(Self.interests, 3), skills: some(Self.skills, 3).map { Profiles.Skill(name: $0) })
            try record(StreamName.profile(user), try Profiles.decide(.update(userID: user, update, by: .user(user, .student), now: at), Profiles.initialState), by: user)
        case "join":
            guard !communities.isEmpty, !students.isEmpty else { return try add("community") }
            let id = random.pick(communities), user = random.pick(students)
            guard var entry = owners[id], let events = try? Communities.decide(.join(by: .user(user, .student), now: at), entry.state) else { return }
            entry.state = events.reduce(entry.state, Communities.evolve)
            owners[id] = entry
            try record(StreamName.community(id), events, by: user)
        case "attend":
            guard !gatheringIDs.isEmpty, !students.isEmpty else { return try add("event") }
            let id = random.pick(gatheringIDs), user = random.pick(students)
            guard let state = gatherings[id], let events = try? Gathering.decide(.register(by: .user(user, .student), now: now), state) else { return }
            gatherings[id] = events.reduce(state, Gathering.evolve)
            try record(StreamName.gathering(id), events, by: user)
        default: // a whole mentoring session: request, accept (both calendars), complete, the mentee's feedback (the mentor's rating)
            guard !bookable.isEmpty, !students.isEmpty else { return try add("mentor") }
            let pick = Int(random.next() % UInt64(bookable.count))
            let mentor = bookable[pick], mentee = random.pick(students)
            let day = (at.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
            let start = Date(timeIntervalSince1970: day + Double(2 + random.next() % 20) * 86_400 + 14 * 3_600)
            let sessionID = timeOrderedID()
            let request = Mentoring.Session.Request(sessionID: sessionID, mentorID: mentor.id, title: sentence(4).capitalized,
                                                    description: sentence(16), scheduledAt: start, durationMinutes: 60)
            var session = Mentoring.Session.initialState
            var mentorState = mentor.state
            let steps: [(command: Mentoring.Session.Command, by: UUID)] = [
                (.request(request, mentor: mentor.state, by: .user(mentee, .student), now: at), mentee),
                (.accept(mentorCalendar: Mentoring.BookingCalendar.initialState, menteeCalendar: Mentoring.BookingCalendar.initialState,
                         by: .user(mentor.id, .mentor), now: at.addingTimeInterval(3_600)), mentor.id),
                (.complete(by: .user(mentor.id, .mentor), now: start.addingTimeInterval(3_600)), mentor.id),
                (.giveFeedback(rating: 3 + Int(random.next() % 3), comment: sentence(8), by: .user(mentee, .student), now: start.addingTimeInterval(7_200)),
                 mentee),
            ]
            for step in steps {
                let decision = try Mentoring.decide(step.command, session: session, mentor: mentorState)
                session = decision.session.reduce(session, Mentoring.Session.evolve)
                mentorState = decision.mentor.reduce(mentorState, Mentoring.Mentor.evolve)
                try record(StreamName.session(sessionID), decision.session, by: step.by)
                try record(StreamName.calendar(mentor.id), decision.mentorCalendar, by: step.by)
                try record(StreamName.calendar(mentee), decision.menteeCalendar, by: step.by)
                try record(StreamName.mentor(mentor.id), decision.mentor, by: step.by)
            }
            bookable[pick].state = mentorState
        }
    }
}
