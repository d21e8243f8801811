import Domain
import Foundation

/// Answers chat messages from the platform's own data: the intent picks where to look, the
/// remaining words are searched (any of them), and the reply cites every item it names. No
/// external model: the same message on the same data gives the same answer.
struct ChatAssistant {
    let discovery: Discovery
    /// Items cited at most.
    static let citationLimit = 3

    func answer(_ message: String, for viewer: SearchViewer, now: Date, language: PreferredLanguage? = nil) throws -> ChatAnswer {
        let bounded = String(message.prefix(SearchText.maximumInputLength))
        let words = TextTerms.words(bounded)
        let (intent, signal) = ChatIntent.match(words)
        let topic = words.filter { !signal.contains($0) }
        let profile = try viewer.userID.flatMap { try discovery.profile($0) }
        // The person's choice, else the request's, else the message's own language.
        let chosen = profile?.preferredLanguage.flatMap(PreferredLanguage.init(rawValue:)) ?? language
        let french = chosen.map { $0 == .fr } ?? (Self.looksFrench(bounded, words: words) || (words.isEmpty && profile?.speaksFrench == true))
        let text = topic.joined(separator: " ")

        func searched(_ kind: SearchKind, open: Bool? = nil) throws -> [ItemReference] {
            let request = SearchRequest(text: text, kinds: [kind], filters: SearchFilters(open: open),
                                        page: PageRequest(limit: Self.citationLimit), facets: false, matchAnyWord: true)
            return try discovery.search(request, viewer: viewer, now: now).page.items.map { ItemReference(id: $0.id, kind: $0.kind.rawValue, title: $0.title) }
        }
        func recommended(_ list: Recommendations) -> [ItemReference] {
            list.items.prefix(Self.citationLimit).map { ItemReference(id: $0.id, kind: $0.kind, title: $0.title) }
        }

        var citations: [ItemReference]
        switch intent {
        case .findMentor:
            citations = topic.isEmpty ? [] : try searched(.mentor)
            if citations.isEmpty, let id = viewer.userID, profile != nil {
                citations = recommended(try discovery.mentors(for: id, now: now, limit: Self.citationLimit, language: language))
            }
        case .scholarships:
            citations = topic.isEmpty ? [] : try searched(.scholarship, open: true)
            if citations.isEmpty, let id = viewer.userID, profile != nil {
                citations = recommended(try discovery.scholarships(for: id, now: now, limit: Self.citationLimit, language: language))
            }
            if citations.isEmpty, topic.isEmpty { citations = try searched(.scholarship, open: true) }
        case .events:
            citations = try searched(.event, open: true)
        case .communities:
            citations = try searched(.community)
        case .howTo, .search:
            citations = []
            if !topic.isEmpty {
                let request = SearchRequest(text: text, filters: SearchFilters(open: true), page: PageRequest(limit: Self.citationLimit),
                                            facets: false, matchAnyWord: true)
                citations = try discovery.search(request, viewer: viewer, now: now).page.items
                    .map { ItemReference(id: $0.id, kind: $0.kind.rawValue, title: $0.title) }
            }
        }
        return ChatAnswer(reply: Self.reply(intent, citations: citations, topic: topic, words: words, french: french),
                          intent: intent, citations: citations)
    }

    private static func looksFrench(_ message: String, words: [String]) -> Bool {
        let markers: Set<String> = ["bourse", "bourses", "evenement", "evenements", "communaute", "communautes", "aide", "atelier",
                                    "etudiant", "etudiants", "trouver", "cherche", "comment", "quels", "quelles", "veux", "voudrais"]
        let lower = message.lowercased()
        return words.contains(where: markers.contains) || lower.contains("é") || lower.contains("è") || lower.contains("ç")
            || lower.split(separator: " ").contains { ["je", "des", "une", "les", "pour", "mon", "un"].contains($0) }
    }

    private static func list(_ citations: [ItemReference]) -> String {
        citations.enumerated().map { "[\($0.offset + 1)] \($0.element.title)" }.joined(separator: "; ")
    }

    private static func reply(_ intent: ChatIntent, citations: [ItemReference], topic: [String], words: [String], french: Bool) -> String {
        let about = topic.isEmpty ? "" : (french ? " sur « \(topic.joined(separator: " ")) »" : " about \"\(topic.joined(separator: " "))\"")
        if intent == .howTo {
            let steps = HowTo.answer(for: words, french: french)
            return citations.isEmpty ? steps : steps + (french ? " Sur ce sujet : " : " On this topic: ") + list(citations) + "."
        }
        guard !citations.isEmpty else {
            return french
                ? "Je n'ai rien trouvé\(about) pour l'instant. Essayez d'autres mots, ou complétez votre profil pour des recommandations."
                : "I found nothing\(about) yet. Try other words, or complete your profile for recommendations."
        }
        let what: String = switch (intent, french) {
        case (.findMentor, true): "Mentors qui peuvent vous accompagner"
        case (.findMentor, false): "Mentors who can help you"
        case (.scholarships, true): "Bourses ouvertes pour vous"
        case (.scholarships, false): "Open scholarships for you"
        case (.events, true): "Événements à venir"
        case (.events, false): "Upcoming events"
        case (.communities, true): "Communautés à rejoindre"
        case (.communities, false): "Communities to join"
        case (_, true): "Voici ce que j'ai trouvé"
        case (_, false): "Here is what I found"
        }
        return "\(what)\(about) : \(list(citations))."
    }
}
