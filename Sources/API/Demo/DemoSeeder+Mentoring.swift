import Cryptography
import Domain
import EventSourcing
import Foundation

/// Demo mentors across African time zones (most verified, two waiting for an admin) and sessions
/// in every state, with feedback and ratings, written through the same decisions as the API.
extension DemoSeeder {
    /// A demo mentor: who, where, what, when.
    struct DemoMentor {
        var first: String
        var last: String
        var country: String
        var timeZone: String
        var expertise: [String]
        var languages: [String]
        var years: Int
        var rate: Money?
        /// Local windows: days, start, end.
        var windows: [([Weekday], String, String)]
        var verified: Bool
    }

    static let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]

    static let demoMentors: [DemoMentor] = [
        DemoMentor(first: "Moussa", last: "Ndiaye", country: "SN", timeZone: "Africa/Dakar", expertise: ["Data Science", "Renewable Energy"],
                   languages: ["fr", "en", "wo"], years: 12, rate: Money(amount: "30.00", currency: "EUR"),
                   windows: [(weekdays, "09:00", "12:30"), ([.saturday], "10:00", "13:00")], verified: true),
        DemoMentor(first: "Yao", last: "Kouassi", country: "CI", timeZone: "Africa/Abidjan", expertise: ["Finance", "Entrepreneurship"],
                   languages: ["fr"], years: 8, rate: Money(amount: "15000.00", currency: "XOF"),
                   windows: [([.tuesday, .thursday], "18:00", "21:00")], verified: true),
        DemoMentor(first: "Chinedu", last: "Okafor", country: "NG", timeZone: "Africa/Lagos", expertise: ["Computer Science", "Software Engineering"],
                   languages: ["en"], years: 15, rate: nil, windows: [(weekdays, "08:00", "17:00")], verified: true),
        DemoMentor(first: "Wanjiru", last: "Kamau", country: "KE", timeZone: "Africa/Nairobi", expertise: ["Public Health", "Medicine"],
                   languages: ["en", "sw"], years: 10, rate: Money(amount: "25.00", currency: "USD"),
                   windows: [([.monday, .wednesday, .friday], "14:00", "18:00")], verified: true),
        DemoMentor(first: "Youssef", last: "Benali", country: "MA", timeZone: "Africa/Casablanca", expertise: ["Civil Engineering"],
                   languages: ["fr", "ar", "en"], years: 20, rate: Money(amount: "40.00", currency: "EUR"),
                   windows: [([.saturday, .sunday], "09:00", "13:00")], verified: true),
        // Online every day, so the demo always has a session in progress.
        DemoMentor(first: "Grace", last: "Mensah", country: "GH", timeZone: "Africa/Accra", expertise: ["Career Coaching", "Economics"],
                   languages: ["en", "fr"], years: 6, rate: nil,
                   windows: [(Weekday.allCases, "00:00", "24:00")], verified: true),
        DemoMentor(first: "Thabo", last: "Nkosi", country: "ZA", timeZone: "Africa/Johannesburg", expertise: ["Law"],
                   languages: ["en", "zu"], years: 4, rate: Money(amount: "350.00", currency: "ZAR"),
                   windows: [(weekdays, "17:00", "20:00")], verified: false),
        DemoMentor(first: "Mariam", last: "Haidara", country: "ML", timeZone: "Africa/Bamako", expertise: ["Agronomy"],
                   languages: ["fr", "bm"], years: 3, rate: nil, windows: [([.wednesday], "09:00", "12:00")], verified: false),
    ]

    /// Mentors, mentees and their sessions: completed (rated by both, by the mentee only, not
    /// yet), in progress, accepted, requested, declined and cancelled.
    mutating func seedMentoring(logins: DemoData.Logins, now: Date) async throws {
        guard let adminID = try platform.accounts.userID(forEmail: logins.admin) else { return }
        let admin = Principal.user(adminID, .admin)
        var mentors: [(id: UUID, availability: WeeklyAvailability)] = []
        for (index, demo) in Self.demoMentors.enumerated() {
            let email = "\(demo.first.lowercased()).\(demo.last.lowercased()).mentor@demo.protalent.app"
            // The first demo mentor is the demo's mentor login.
            let id: UUID
            if index == 0, let login = try platform.accounts.userID(forEmail: logins.mentor) {
                id = login
            } else {
                id = try await register(email: email, first: demo.first, last: demo.last, role: .mentor, country: demo.country, now: now)
            }
            let slots = demo.windows.flatMap { days, start, end in days.map { AvailabilitySlot(day: $0, start: start, end: end) } }
            let application = Mentoring.Mentor.Application(
                expertiseAreas: demo.expertise, experienceYears: demo.years, hourlyRate: demo.rate, languages: demo.languages,
                timeZone: demo.timeZone, availability: slots
            )
            _ = try await platform.commands.execute(.apply(application, by: .user(id, .mentor), now: now), on: Mentoring.Mentor.self,
                                           stream: StreamName.mentor(id), by: .user(id, .mentor))
            if demo.verified {
                _ = try await platform.commands.execute(.verify(mentorID: id, by: admin, now: now), on: Mentoring.Mentor.self,
                                               stream: StreamName.mentor(id), by: admin)
            }
            mentors.append((id, WeeklyAvailability(timeZone: demo.timeZone, slots: slots)))
        }

        var mentees: [UUID] = []
        if let student = try platform.accounts.userID(forEmail: logins.student) { mentees.append(student) }
        for (first, last, country) in [("Kofi", "Asante", "GH"), ("Aïcha", "Traoré", "ML"), ("Jean", "Kabila", "CD")] {
            let email = "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(last.lowercased().folding(options: .diacriticInsensitive, locale: nil)).mentee@demo.protalent.app"
            mentees.append(try await register(email: email, first: first, last: last, role: .student, country: country, now: now))
        }

        let commands = platform.commands
        let titles = ["Préparer un entretien", "Relire mon CV", "Choisir un master", "Projet de fin d'études", "Lancer ma startup",
                      "Candidature à une bourse", "Orientation en data science", "Premier emploi"]
        let day: TimeInterval = 86_400
        /// Requests a session of `mentor` for `mentee` at the first covered hour from `near`, then
        /// plays `steps` (each at its own time); returns nothing, the log holds it all.
        func book(_ mentor: Int, _ mentee: Int, near: Date, backwards: Bool = false,
                  _ steps: [(SessionStep, TimeInterval)]) async throws {
            let (mentorID, availability) = mentors[mentor]
            let menteeID = mentees[mentee % mentees.count]
            guard let start = Self.slot(availability, near: near, backwards: backwards) else { return }
            let sessionID = SecureRandom.timeOrderedUUID()
            let title = titles[random.next(below: titles.count)]
            let request = Mentoring.Session.Request(
                sessionID: sessionID, mentorID: mentorID, title: title, description: "Session de démonstration", scheduledAt: start, durationMinutes: 60
            )
            let requestedAt = min(now, start) - 2 * day
            _ = try await commands.decideSession(sessionID, mentorID: mentorID, by: .user(menteeID, .student)) { mentor, _, _ in
                .request(request, mentor: mentor, by: .user(menteeID, .student), now: requestedAt)
            }
            for (kind, offset) in steps {
                let at = start + offset
                let actor: Principal = kind.byMentor ? .user(mentorID, .mentor) : .user(menteeID, .student)
                let rating = 3 + random.next(below: 3)
                _ = try await commands.decideSession(sessionID, by: actor) { _, mentorCalendar, menteeCalendar in
                    kind.command(mentorCalendar: mentorCalendar, menteeCalendar: menteeCalendar, rating: rating, by: actor, now: at)
                }
            }
        }
        let hour: TimeInterval = 3_600
        for (mentor, weeksAgo) in [(0, 3.0), (2, 2.0), (3, 1.0), (4, 1.5), (1, 2.5)] {
            try await book(mentor, mentor, near: now - weeksAgo * 7 * day, backwards: true,
                           [(.accept, -day), (.complete, hour), (.menteeFeedback, 2 * hour), (.mentorFeedback, 3 * hour)])
        }
        try await book(0, 1, near: now - 4 * day, backwards: true, [(.accept, -day), (.complete, hour), (.menteeFeedback, 2 * hour)])
        try await book(2, 2, near: now - 2 * day, backwards: true, [(.accept, -day), (.complete, hour)])
        try await book(5, 0, near: now, backwards: true, [(.accept, -day), (.start, 5 * 60)])
        try await book(0, 0, near: now + 2 * day, [(.accept, -2 * day + hour)])
        try await book(2, 3, near: now + 3 * day, [])
        try await book(3, 0, near: now + 4 * day, [])
        try await book(1, 2, near: now + 5 * day, [(.decline, -2 * day + hour)])
        try await book(4, 1, near: now + 6 * day, [(.accept, -2 * day + hour), (.cancel, -2 * day + 2 * hour)])
    }

    /// The first hour (on the half hour) at or after `near` (or at or before it, `backwards`) whose
    /// next 60 minutes `availability` covers, within two weeks.
    static func slot(_ availability: WeeklyAvailability, near: Date, backwards: Bool) -> Date? {
        let step: TimeInterval = backwards ? -1_800 : 1_800
        var start = Date(timeIntervalSince1970: (near.timeIntervalSince1970 / 1_800).rounded(backwards ? .down : .up) * 1_800)
        if backwards && near.timeIntervalSince(start) < 0 { start += step }
        for _ in 0..<(14 * 48) {
            if availability.covers(start: start, end: start + 3_600) { return start }
            start += step
        }
        return nil
    }
}

extension DemoSeeder {
    /// A step of a demo session's life.
    enum SessionStep {
        case accept, decline, cancel, start, complete, menteeFeedback, mentorFeedback

        /// Whether the mentor takes this step (else the mentee).
        var byMentor: Bool {
            switch self {
            case .accept, .decline, .complete, .mentorFeedback: true
            case .cancel, .start, .menteeFeedback: false
            }
        }

        /// The command of this step.
        func command(
            mentorCalendar: Mentoring.BookingCalendar.State, menteeCalendar: Mentoring.BookingCalendar.State, rating: Int, by actor: Principal, now: Date
        ) -> Mentoring.Session.Command {
            switch self {
            case .accept: .accept(mentorCalendar: mentorCalendar, menteeCalendar: menteeCalendar, by: actor, now: now)
            case .decline: .decline(reason: "Je ne suis pas disponible cette semaine", by: actor, now: now)
            case .cancel: .cancel(reason: "Un examen a été déplacé", by: actor, now: now)
            case .start: .start(by: actor, now: now)
            case .complete: .complete(by: actor, now: now)
            case .menteeFeedback: .giveFeedback(rating: max(rating, 4), comment: "Merci, des conseils très concrets", by: actor, now: now)
            case .mentorFeedback: .giveFeedback(rating: rating, comment: "Mentoré motivé et bien préparé", by: actor, now: now)
            }
        }
    }
}
