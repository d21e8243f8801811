import Domain
import Foundation

/// The sentences of recommendation reasons and insights, in the user's language: French or
/// English (`StudentProfile.language(accepting:)` picks which). Values (names, codes, dates,
/// amounts) are inserted as stored; only the words around them change.
struct Phrasebook {
    let language: PreferredLanguage

    private var french: Bool { language == .fr }

    private func say(_ french: String, _ english: String) -> String { self.french ? french : english }

    /// "1 rating", "3 avis": a count with its noun.
    private func count(_ n: Int, _ french: String, _ english: String) -> String {
        "\(n) " + (self.french ? french : english + (n == 1 ? "" : "s"))
    }

    /// A decimal as the language writes it ("4.2", "4,2").
    private func decimal(_ value: Double) -> String {
        let text = value.rounded() == value ? String(Int(value)) : String(value)
        return french ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    // MARK: Scholarships

    func openToLevel(_ level: String) -> String { say("Ouverte à votre niveau d'études (\(level))", "Open to your education level (\(level))") }
    func forField(_ field: String) -> String { say("Pour votre domaine d'études (\(field))", "For your field of study (\(field))") }
    func openToCountry(_ country: String) -> String { say("Ouverte aux candidats de \(country)", "Open to applicants from \(country)") }
    func matchesProfile(_ phrases: [String]) -> String { say("Correspond à votre profil : ", "Matches your profile: ") + phrases.joined(separator: ", ") }
    func meetsPreferences(_ met: [String]) -> String {
        say("Vous remplissez ses critères préférentiels : ", "You meet its preferences: ") + met.joined(separator: ", ")
    }
    func deadline(days: Int, day: String) -> String {
        say("Date limite dans \(days) jour\(days > 1 ? "s" : "") (\(day))", "Deadline in \(days) days (\(day))")
    }
    func amount(_ text: String) -> String { say("Montant : ", "Amount: ") + text }
    func fee(_ text: String) -> String { say("Frais de candidature : ", "Charges an application fee: ") + text }
    func requirements(_ list: [String]) -> String { say("Conditions à vérifier : ", "Requirements to check: ") + list.joined(separator: "; ") }
    /// The field of the taxonomy that makes an item close to the profile.
    func closeTo(_ field: ISCEDField) -> String { say("Proche de votre domaine : ", "Close to your field: ") + field.name(in: language) }
    func aimedAtSpeakers(of spoken: String) -> String {
        switch (spoken, french) {
        case ("fr", true): "Destinée aux étudiants francophones"
        case ("fr", false): "Aimed at French-speaking students"
        case (_, true): "Destinée aux étudiants anglophones"
        case (_, false): "Aimed at English-speaking students"
        }
    }
    func aimedAtRegion(_ region: String) -> String { say("Destinée à votre région (\(region))", "Aimed at your region (\(region))") }

    // MARK: Mentors

    func sameCountry(_ country: String) -> String { say("Basé·e dans votre pays (\(country))", "Based in your country (\(country))") }
    func worksInField(_ field: String) -> String { say("Travaille dans votre domaine (\(field))", "Works in your field (\(field))") }
    func expertiseMeets(_ expertise: [String], _ met: [String]) -> String {
        say("Son expertise en \(expertise.joined(separator: ", ")) rejoint vos \(met.joined(separator: ", "))",
            "Expertise in \(expertise.joined(separator: ", ")) meets your \(met.joined(separator: ", "))")
    }
    func speaks(_ languages: [String]) -> String {
        say("Parle \(languages.joined(separator: ", ")) comme vous", "Speaks \(languages.joined(separator: ", ")) like you")
    }
    var freeTime: String { say("A du temps pour de nouvelles sessions", "Has free time for new sessions") }
    func busy(_ load: Int) -> String { say("Très sollicité·e : \(load) sessions à venir", "Busy: \(load) upcoming sessions") }
    func rated(_ rating: Double, over ratings: Int) -> String {
        say("Noté·e \(decimal(rating))/5 sur \(count(ratings, "avis", "rating"))", "Rated \(rating)/5 over \(count(ratings, "avis", "rating"))")
    }
    var notRated: String { say("Nouveau mentor, pas encore noté", "New mentor, not rated yet") }
    var sameTimeZone: String { say("Même fuseau horaire que vous", "Same time zone as you") }
    func hoursAway(_ gap: Double) -> String { say("À \(decimal(gap)) h de votre fuseau horaire", "\(decimal(gap)) h from your time zone") }
    var coldStart: String {
        say("Suggéré d'après les notes : ajoutez des objectifs et des centres d'intérêt à votre profil pour des suggestions plus proches",
            "Suggested from ratings: add goals and interests to your profile for closer matches")
    }

    // MARK: Careers

    func buildsOnField(_ field: String) -> String { say("S'appuie sur votre domaine d'études (\(field))", "Builds on your field of study (\(field))") }
    func usesSkills(_ skills: [String]) -> String { say("Mobilise vos compétences : ", "Uses your skills: ") + skills.joined(separator: ", ") }
    func answersGoals(_ goals: [String]) -> String {
        say("Répond à vos objectifs et centres d'intérêt : ", "Answers your goals and interests: ") + goals.joined(separator: ", ")
    }
    var addToRank: String {
        say("Ajoutez un domaine d'études, des compétences et des centres d'intérêt à votre profil pour classer cette voie",
            "Add a field of study, skills and interests to your profile to rank this path")
    }

    // MARK: Insights

    func completeProfile(_ percent: Int, missing: [String]) -> String {
        say("Complétez votre profil (\(percent) %) : ajoutez \(missing.joined(separator: ", "))",
            "Complete your profile (\(percent)%): add \(missing.joined(separator: ", "))")
    }
    var addGoals: String {
        say("Ajoutez des objectifs de carrière et des centres d'intérêt pour que les recommandations vous correspondent",
            "Add career goals and interests so recommendations can match you")
    }
    var bookSession: String { say("Réservez une session avec un mentor recommandé", "Book a session with a recommended mentor") }
    var joinCommunity: String { say("Rejoignez une communauté de votre domaine ou de votre pays", "Join a community in your field or country") }
    func sharePost(_ communities: Int) -> String {
        say("Publiez dans l'une de vos \(communities) communautés", "Share a post in one of your \(communities) communities")
    }
    func apply(_ title: String, before day: String) -> String { say("Postulez à \(title) avant le \(day)", "Apply to \(title) before \(day)") }
    var registerEvent: String { say("Inscrivez-vous à un événement à venir", "Register for an upcoming event") }
}
