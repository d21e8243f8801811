import Foundation

/// What a chat message asks for, matched on words (fr/en, accents ignored).
public enum ChatIntent: String, Codable, Sendable, Hashable, CaseIterable {
    case findMentor = "find_mentor"
    case scholarships
    case events
    case communities
    case howTo = "how_to"
    /// None of the above: a search across everything.
    case search

    /// Word stems that signal each intent, checked in this order.
    static let signals: [(ChatIntent, [String])] = [
        (.howTo, ["comment", "how", "aide", "help", "etapes", "steps", "procedure", "tutoriel"]),
        (.findMentor, ["mentor", "mentorat", "mentoring", "coach", "accompagn", "conseill", "advisor", "tuteur", "tutor"]),
        (.scholarships, ["bourse", "boursi", "scholar", "financ", "funding", "grant", "bursary", "allocation"]),
        (.events, ["evenem", "event", "webinar", "atelier", "workshop", "conference", "seminai", "seminar", "networking", "salon", "meetup"]),
        (.communities, ["communau", "communit", "groupe", "group", "club", "forum", "reseau", "network"]),
    ]

    /// Verbs that make "how do I … a mentor" a how-to rather than a search for mentors.
    static let taskVerbs = ["reserv", "book", "rejoin", "join", "postul", "apply", "inscri", "regist", "deven", "become"]

    /// The intent of `words` (folded), and the words that signalled it.
    ///
    /// A data intent (mentor, scholarships, events, communities) wins, unless a how-to word and a
    /// task verb are both there ("comment réserver un mentor").
    static func match(_ words: [String]) -> (intent: ChatIntent, signal: Set<String>) {
        func hits(_ stems: [String]) -> Set<String> { Set(words.filter { word in stems.contains { word.hasPrefix($0) } }) }
        let found = signals.map { ($0.0, hits($0.1)) }.filter { !$0.1.isEmpty }
        let howTo = found.first { $0.0 == .howTo }
        let data = found.first { $0.0 != .howTo }
        if let howTo, data == nil || !hits(taskVerbs).isEmpty { return (.howTo, howTo.1.union(data?.1 ?? [])) }
        if let data { return (data.0, data.1.union(howTo?.1 ?? [])) }
        return (.search, [])
    }
}
