import Cryptography
import Domain
import EventSourcing
import Foundation

extension DemoSeeder {
    static let demoEvents: [(title: String, type: Gathering.Kind, daysFromNow: Double, hours: Double, online: Bool, location: String?, capacity: Int?, registrants: Int)] = [
        ("Réussir son dossier de bourse", .webinar, -20, 1.5, true, nil, nil, 12),
        ("Forum des métiers du numérique", .conference, -5, 6, false, "Université Cheikh Anta Diop, Dakar", 200, 15),
        ("Atelier CV et lettre de motivation", .workshop, 3, 2, true, nil, 6, 9),
        ("Afterwork mentors & étudiants", .networking, 7, 3, false, "Plateau, Abidjan", 5, 8),
        ("Introduction au machine learning", .seminar, 10, 2, true, nil, 40, 10),
        ("Préparer un entretien en anglais", .workshop, 14, 1.5, true, nil, nil, 6),
        ("Journée de l'entrepreneuriat", .conference, 30, 8, false, "Centre des congrès, Ouagadougou", 300, 4),
        ("Énergie solaire : carrières", .webinar, 45, 1, true, nil, 100, 3),
    ]

    /// Events past and upcoming, online and in person, two of them full with a waitlist, one
    /// with a withdrawn registration that promoted the first waitlisted.
    mutating func seedEvents() async throws {
        let organizers = accounts.filter { $0.role == .mentor }
        guard !organizers.isEmpty, accounts.count >= 10 else { return }
        let now = platform.clock.now()
        for (index, spec) in Self.demoEvents.enumerated() {
            let eventID = SecureRandom.timeOrderedUUID()
            let stream = StreamName.gathering(eventID)
            let organizer = organizers[index % organizers.count]
            let startDate = (now + spec.daysFromNow * 86_400).addingTimeInterval(Double(9 + index % 8) * 3_600)
            // A past event was created, and registered for, before it started.
            var clock = min(now, startDate - 20 * 86_400)
            func run(_ command: Gathering.Command, _ principal: Principal) async throws {
                _ = try await platform.commands.execute(command, on: Gathering.self, stream: stream, by: principal)
            }
            try await run(.create(eventID: eventID, Gathering.Details(
                title: spec.title, description: "\(spec.title) — animé par un mentor ProTalent.", eventType: spec.type,
                startDate: startDate, endDate: startDate + spec.hours * 3_600, isOnline: spec.online, location: spec.location,
                meetingUrl: spec.online ? "https://meet.protalent.app/\(eventID.uuidString.lowercased().suffix(12))" : nil,
                maxParticipants: spec.capacity
            ), by: organizer.principal, now: clock), organizer.principal)
            var registered: [DemoAccount] = []
            for _ in 0..<spec.registrants {
                let attendee = accounts[random.next(below: accounts.count)]
                guard attendee.id != organizer.id, !registered.contains(where: { $0.id == attendee.id }) else { continue }
                clock += Double(600 + random.next(below: 3_600))
                try await run(.register(by: attendee.principal, now: min(clock, startDate - 60)), attendee.principal)
                registered.append(attendee)
            }
            // A withdrawal on a full upcoming event hands the seat to the first in line.
            if let capacity = spec.capacity, spec.daysFromNow > 0, registered.count > capacity {
                try await run(.cancelRegistration(by: registered[0].principal, now: now), registered[0].principal)
            }
        }
        progress?("demo: \(Self.demoEvents.count) events")
    }
}
