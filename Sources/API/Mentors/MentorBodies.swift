import Domain
import Foundation

/// `{amount: "1500.00", currency: "EUR"}` as clients send it (checked by the domain).
struct MoneyBody: Decodable {
    var amount: String
    var currency: String

    var money: Money { Money(amount: amount, currency: currency) }
}

/// The body of `POST /mentors`: the whole mentor profile (a second call replaces it).
struct MentorBody: Decodable {
    struct Slot: Decodable {
        var day: String
        var start: String
        var end: String
    }

    var expertiseAreas: [String]
    var experienceYears: Int
    var hourlyRate: MoneyBody?
    var languages: [String]
    var timeZone: String
    var availability: [Slot]

    /// The domain's application, with the day words checked and named.
    func application() throws(APIError) -> Mentoring.Mentor.Application {
        var slots: [AvailabilitySlot] = []
        for (index, slot) in availability.enumerated() {
            let day = try enumField(slot.day.lowercased(), "availability[\(index)].day", as: Weekday.self)!
            slots.append(AvailabilitySlot(day: day, start: slot.start, end: slot.end))
        }
        return Mentoring.Mentor.Application(
            expertiseAreas: expertiseAreas, experienceYears: experienceYears, hourlyRate: hourlyRate?.money, languages: languages,
            timeZone: timeZone, availability: slots
        )
    }
}

/// The body of `POST /mentors/request`.
struct SessionRequestBody: Decodable {
    var mentorId: String
    var title: String
    var description: String?
    var scheduledAt: Date
    var durationMinutes: Int

    /// The mentor's id, or a 422 naming `mentorId`.
    func mentorID() throws(APIError) -> UUID {
        guard let id = UUID(uuidString: mentorId) else { throw .invalid("mentorId", "mentorId must be a mentor's user id (a UUID)") }
        return id
    }
}

/// The optional body of `decline` and `cancel`.
struct SessionReasonBody: Decodable {
    var reason: String?
}

/// The body of `POST /mentors/sessions/{id}/feedback`.
struct FeedbackBody: Decodable {
    var rating: Int
    var comment: String?
}

/// The answer of `POST /mentors`.
struct MentorRegistered: Encodable {
    var mentorId: String
    /// `registered`, `updated` or `unchanged`.
    var status: String
    /// The account's role after the call (a student becomes a mentor).
    var role: Role
}

/// The answer of `POST /mentors/request`.
struct SessionRequested: Encodable {
    var sessionId: String
    var status: Mentoring.SessionStatus
}

/// The answer of the session actions: the session's new status.
struct SessionChanged: Encodable {
    var sessionId: String
    var status: Mentoring.SessionStatus
}
