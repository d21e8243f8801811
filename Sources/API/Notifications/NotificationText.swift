import Foundation
import ReadModels

/// The words of notifications, in French and English: titles (literals, so they can be mail
/// subjects), bodies around the subject's title, and links.
///
/// A subject's title can be a person's words (a session's title is its mentee's): it goes in on one
/// line and quoted (`MailMessage.inline`), never as a line of its own.
enum NotificationText {
    /// The two languages of the platform (`preferences.language`).
    enum Language: String, Sendable {
        case fr, en

        /// `code`, or French (the platform's default) for anything else.
        init(_ code: String?) { self = code == "en" ? .en : .fr }
    }

    /// Every kind of notification (the contract's list).
    static let kinds = [
        "session_requested", "session_accepted", "session_declined", "session_cancelled", "session_reminder", "waitlist_promoted",
        "join_approved", "join_requested", "community_reply", "scholarship_deadline", "event_reminder",
    ]

    /// The notification's title.
    static func title(_ kind: String, _ language: Language) -> StaticString {
        switch (kind, language) {
        case ("session_requested", .fr): "Nouvelle demande de séance"
        case ("session_requested", .en): "New session request"
        case ("session_accepted", .fr): "Séance acceptée"
        case ("session_accepted", .en): "Session accepted"
        case ("session_declined", .fr): "Séance refusée"
        case ("session_declined", .en): "Session declined"
        case ("session_cancelled", .fr): "Séance annulée"
        case ("session_cancelled", .en): "Session cancelled"
        case ("session_reminder", .fr): "Votre séance commence dans une heure"
        case ("session_reminder", .en): "Your session starts in an hour"
        case ("waitlist_promoted", .fr): "Une place s'est libérée"
        case ("waitlist_promoted", .en): "A seat opened up"
        case ("event_reminder", .fr): "Votre événement a lieu demain"
        case ("event_reminder", .en): "Your event is tomorrow"
        case ("join_approved", .fr): "Demande d'adhésion acceptée"
        case ("join_approved", .en): "Join request approved"
        case ("join_requested", .fr): "Nouvelle demande d'adhésion"
        case ("join_requested", .en): "New join request"
        case ("community_reply", .fr): "Nouvelle réponse dans votre communauté"
        case ("community_reply", .en): "New answer in your community"
        case ("scholarship_deadline", .fr): "Une bourse pour vous se clôt dans sept jours"
        case ("scholarship_deadline", .en): "A scholarship for you closes in seven days"
        case (_, .fr): "Notification"
        case (_, .en): "Notification"
        }
    }

    /// The notification's sentence.
    static func body(_ record: NotificationRecord, _ language: Language) -> String {
        let subject = MailMessage.inline(record.subjectTitle ?? "", maxLength: 120)
        let quoted = language == .fr ? "« \(subject) »" : "“\(subject)”"
        let when = record.subjectAt.map(Self.when) ?? ""
        switch (record.kind, language) {
        case ("session_requested", .fr): return "Un·e étudiant·e demande une séance \(quoted) le \(when)."
        case ("session_requested", .en): return "A student asked for a session \(quoted) on \(when)."
        case ("session_accepted", .fr): return "Votre séance \(quoted) du \(when) est acceptée."
        case ("session_accepted", .en): return "Your session \(quoted) on \(when) was accepted."
        case ("session_declined", .fr): return "Votre demande de séance \(quoted) a été refusée."
        case ("session_declined", .en): return "Your session request \(quoted) was declined."
        case ("session_cancelled", .fr): return "La séance \(quoted) du \(when) est annulée."
        case ("session_cancelled", .en): return "The session \(quoted) on \(when) was cancelled."
        case ("session_reminder", .fr): return "Votre séance \(quoted) commence à \(when)."
        case ("session_reminder", .en): return "Your session \(quoted) starts at \(when)."
        case ("waitlist_promoted", .fr): return "Vous quittez la liste d'attente : vous êtes inscrit·e à \(quoted) (\(when))."
        case ("waitlist_promoted", .en): return "You moved from the waitlist to a seat at \(quoted) (\(when))."
        case ("event_reminder", .fr): return "\(quoted) commence le \(when)."
        case ("event_reminder", .en): return "\(quoted) starts on \(when)."
        case ("join_approved", .fr): return "Vous êtes maintenant membre de \(quoted)."
        case ("join_approved", .en): return "You are now a member of \(quoted)."
        case ("join_requested", .fr): return "Quelqu'un demande à rejoindre \(quoted)."
        case ("join_requested", .en): return "Someone asked to join \(quoted)."
        case ("community_reply", .fr): return "Quelqu'un a répondu dans \(quoted)."
        case ("community_reply", .en): return "Someone answered in \(quoted)."
        case ("scholarship_deadline", .fr): return "La bourse \(quoted) se clôt le \(when)."
        case ("scholarship_deadline", .en): return "The scholarship \(quoted) closes on \(when)."
        default: return subject
        }
    }

    /// The path of what the notification is about.
    static func link(_ record: NotificationRecord) -> String? {
        guard let subject = record.subjectId else { return nil }
        switch record.kind {
        case "session_requested", "session_accepted", "session_declined", "session_cancelled", "session_reminder":
            return "/mentors/sessions/\(subject)"
        case "waitlist_promoted", "event_reminder": return "/events/\(subject)"
        case "join_approved", "join_requested", "community_reply": return "/communities/\(subject)"
        case "scholarship_deadline": return "/scholarships/\(subject)"
        default: return nil
        }
    }

    /// `2027-01-20T10:00:00Z` as `2027-01-20 10:00 UTC`.
    private static func when(_ stored: String) -> String {
        guard stored.count >= 16 else { return stored }
        return "\(stored.prefix(10)) \(stored.dropFirst(11).prefix(5)) UTC"
    }
}
