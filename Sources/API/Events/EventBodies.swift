import Domain
import Foundation

/// The body of `POST /events`.
struct CreateEventBody: Decodable {
    var title: String
    var description: String?
    var eventType: String
    var startDate: Date
    var endDate: Date
    var isOnline: Bool
    var location: String?
    var meetingUrl: String?
    var maxParticipants: Int?

    /// The domain's details, with the event type checked and named (the decider checks dates,
    /// location/meetingUrl and capacity).
    func details() throws(APIError) -> Gathering.Details {
        Gathering.Details(
            title: title, description: description, eventType: try enumField(eventType, "eventType", as: Gathering.Kind.self)!,
            startDate: startDate, endDate: endDate, isOnline: isOnline, location: location, meetingUrl: meetingUrl,
            maxParticipants: maxParticipants
        )
    }
}

/// `201 {eventId}`.
struct EventCreated: Encodable {
    var eventId: String
}
