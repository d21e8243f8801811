/// The chat's how-to answers: the platform's main tasks, step by step, in French or English.
enum HowTo {
    private struct Entry {
        var stems: [String]
        var french: String
        var english: String
    }

    private static let entries: [Entry] = [
        Entry(stems: ["mentor", "session", "reserv", "book", "coach"],
              french: "Pour réserver une session : choisissez un mentor vérifié, envoyez une demande avec un créneau dans ses disponibilités (POST /mentors/request), puis attendez son acceptation.",
              english: "To book a session: pick a verified mentor, send a request for a time inside their availability (POST /mentors/request), then wait for them to accept."),
        Entry(stems: ["bourse", "scholar", "postul", "apply", "candidat"],
              french: "Pour une bourse : vérifiez les conditions d'éligibilité et la date limite, préparez les pièces demandées, puis postulez via le lien de candidature de la bourse.",
              english: "For a scholarship: check its eligibility and deadline, prepare the documents it asks for, then apply through its application link."),
        Entry(stems: ["communau", "communit", "rejoind", "join", "groupe", "group"],
              french: "Pour rejoindre une communauté : ouvrez-la et cliquez sur rejoindre ; une communauté privée envoie une demande que son propriétaire ou un modérateur approuve.",
              english: "To join a community: open it and join; a private community sends a request that its owner or a moderator approves."),
        Entry(stems: ["evenem", "event", "inscri", "regist", "webinar", "atelier", "workshop"],
              french: "Pour un événement : inscrivez-vous depuis sa page ; s'il est complet vous êtes sur liste d'attente et promu dès qu'une place se libère.",
              english: "For an event: register from its page; when it is full you join the waitlist and are promoted as soon as a seat frees."),
        Entry(stems: ["profil", "profile", "complet", "complete"],
              french: "Pour compléter votre profil : ajoutez votre niveau d'études, domaine, objectifs de carrière, centres d'intérêt, langues et compétences (PUT /users/profile).",
              english: "To complete your profile: add your education level, field, career goals, interests, languages and skills (PUT /users/profile)."),
        Entry(stems: ["deven", "become"],
              french: "Pour devenir mentor : déclarez vos domaines d'expertise, langues, fuseau horaire et disponibilités (POST /mentors) ; un administrateur vérifie ensuite votre profil.",
              english: "To become a mentor: declare your expertise, languages, time zone and availability (POST /mentors); an admin then verifies your profile."),
    ]

    /// The best-matching answer for the folded `words`, or a list of what can be asked.
    static func answer(for words: [String], french: Bool) -> String {
        let scored = entries.map { entry in (entry, words.filter { word in entry.stems.contains { word.hasPrefix($0) } }.count) }
        // "devenir mentor" is about becoming one, not booking one.
        if words.contains(where: { $0.hasPrefix("deven") || $0 == "become" }), let become = entries.last {
            return french ? become.french : become.english
        }
        if let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 { return french ? best.0.french : best.0.english }
        return french
            ? "Je peux vous aider à trouver un mentor, des bourses, des événements ou des communautés, et vous expliquer comment réserver, postuler ou vous inscrire."
            : "I can help you find a mentor, scholarships, events or communities, and explain how to book, apply or register."
    }
}
