import Domain
import EventLog
import EventSourcing
import Foundation

/// Generates a realistic platform through the real deciders and codec — people with profiles,
/// verified mentors with ratings, communities with posts, events and scholarships, in French and
/// English — and appends it to a log: the documents `bench search` indexes and queries.
struct SearchCorpus {
    /// Per 20 documents: 8 people, 1 mentor, 1 community, 5 posts, 2 events, 3 scholarships.
    static let mix: [(kind: String, count: Int)] = [
        ("person", 8), ("mentor", 1), ("community", 1), ("post", 5), ("event", 2), ("scholarship", 3),
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
    /// Students with a full profile, for recommendation requests.
    private(set) var students: [UUID] = []
    private var owners: [UUID: (owner: UUID, state: Communities.State)] = [:]
    private var communities: [UUID] = []
    private var pending: [(stream: String, event: ProposedEvent)] = []
    private var sequence = 0

    init(seed: UInt64, codec: EventCodec, now: Date) {
        random = Workload(seed: seed)
        self.codec = codec
        self.now = now
    }

    /// Appends `documents` documents to `log`, in multi-stream appends of about 1,000 events.
    mutating func generate(documents: Int, into log: EventLog, progress: Bool) async throws {
        var report = Progress()
        var made = 0
        while made < documents {
            for (kind, count) in Self.mix where made < documents {
                for _ in 0..<count where made < documents {
                    try add(kind)
                    made += 1
                }
            }
            if pending.count >= 1_000 || made == documents { try await flush(into: log) }
            if progress { report.update("generating: \(made)/\(documents) documents") }
        }
        if progress { report.finish() }
    }

    private mutating func flush(into log: EventLog) async throws {
        var order: [String] = []
        var grouped: [String: [ProposedEvent]] = [:]
        for (stream, event) in pending {
            if grouped[stream] == nil { order.append(stream) }
            grouped[stream, default: []].append(event)
        }
        pending.removeAll(keepingCapacity: true)
        guard !order.isEmpty else { return }
        _ = try await log.append(order.map { StreamAppend(stream: $0, expectedVersion: .any, events: grouped[$0]!) })
    }

    private mutating func record<E: DomainEvent>(_ stream: String, _ events: [E]) throws {
        for event in events {
            pending.append((stream, try codec.encode(event, eventId: UUID(), metadata: EventMetadata(actor: "bench"))))
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
        let id = UUID()
        let first = random.pick(Self.firstNames), last = random.pick(Self.lastNames)
        let registration = Identity.Account.Registration(
            userID: id, email: "\(id.uuidString.prefix(8))@exemple.org", emailKey: id.uuidString,
            password: NewPassword(plaintext: "bench password 2026", hash: "$scrypt$bench"), firstName: first, lastName: last, role: role,
            countryCode: random.pick(Self.countries), verification: IssuedToken(tokenHash: "bench", expiresAt: now.addingTimeInterval(86_400)),
            now: now
        )
        try record("account-\(id)", try Identity.Account.decide(.register(registration), Identity.Account.initialState))
        let update = Profiles.ProfileUpdate(
            bio: sentence(12), currentEducationLevel: random.pick(EducationLevel.allCases), fieldOfStudy: random.pick(Self.fields),
            careerGoals: some(Self.goals, 2), interests: some(Self.interests, 3),
            languages: [.init(code: "fr", level: .native)] + (random.next() % 2 == 0 ? [.init(code: "en", level: .b2)] : []),
            skills: some(Self.skills, 3).map { Profiles.Skill(name: $0) }
        )
        try record("profile-\(id)", try Profiles.decide(.update(userID: id, update, by: .user(id, role), now: now), Profiles.initialState))
        if random.next() % 10 == 0 {
            let visibility: ProfileVisibility = random.next() % 2 == 0 ? .members : .private
            try record("profile-\(id)", try Profiles.decide(.setPreferences(userID: id, .init(profileVisibility: visibility), by: .user(id, role), now: now),
                                                            Profiles.initialState))
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
                availability: [AvailabilitySlot(day: random.pick(Weekday.allCases), start: "09:00", end: "17:00")]
            )
            var state = Mentoring.Mentor.initialState
            func apply(_ command: Mentoring.Mentor.Command) throws -> [Mentoring.Mentor.Event] {
                let events = try Mentoring.Mentor.decide(command, state)
                state = events.reduce(state, Mentoring.Mentor.evolve)
                return events
            }
            var events = try apply(.apply(application, by: .user(id, .mentor), now: now))
            if random.next() % 5 != 0 { events += try apply(.verify(mentorID: id, by: .user(admin, .admin), now: now)) }
            for _ in 0..<(random.next() % 6) {
                events += try apply(.recordRating(mentorID: id, sessionID: UUID(), rating: Int(random.next() % 3) + 3, now: now))
            }
            try record("mentor-\(id)", events)
        case "community":
            let id = UUID(), owner = students.isEmpty ? UUID() : random.pick(students)
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
            try record("community-\(id)", events)
        case "post":
            guard !communities.isEmpty else { return try add("scholarship") }
            let id = random.pick(communities)
            guard var entry = owners[id] else { return }
            let events = try Communities.decide(.post(postID: UUID(), title: sentence(4).capitalized, body: sentence(25),
                                                      by: .user(entry.owner, .student), now: now.addingTimeInterval(-Double(sequence))), entry.state)
            entry.state = events.reduce(entry.state, Communities.evolve)
            owners[id] = entry
            try record("community-\(id)", events)
        case "event":
            let id = UUID()
            let start = now.addingTimeInterval(Double(Int(random.next() % 120) - 20) * 86_400)
            let online = random.next() % 2 == 0
            let details = Gathering.Details(
                title: "\(random.pick(["Atelier", "Webinaire", "Conférence", "Workshop", "Meetup"])) \(random.pick(Self.interests))",
                description: sentence(20), eventType: random.pick(Gathering.Kind.allCases), startDate: start, endDate: start.addingTimeInterval(7_200),
                isOnline: online, location: online ? nil : "Dakar", meetingUrl: online ? "https://meet.exemple.org/\(id)" : nil
            )
            let created = min(now, start.addingTimeInterval(-86_400))
            try record("event-\(id)", try Gathering.decide(.create(eventID: id, details, by: .user(admin, .admin), now: created), Gathering.initialState))
        default:
            let id = UUID()
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
            try record("scholarship-\(id)", events)
        }
    }
}
