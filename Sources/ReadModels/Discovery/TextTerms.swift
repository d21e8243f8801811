import Foundation

/// Word matching for recommendations: text folded (case and accents, so "Énergie" meets
/// "energie"), split on anything but letters and digits, stop words (fr/en) dropped, and each word
/// cut to a six-letter stem so "informatique" meets "informaticien" and "engineer" "engineering".
enum TextTerms {
    /// Letters kept of a word: a crude stem that works for French and English alike.
    static let stemLength = 6

    private static let stopwords: Set<String> = [
        "the", "and", "for", "with", "from", "into", "your", "you", "are", "our", "that", "this", "what", "which", "who",
        "can", "find", "want", "need", "looking", "about", "any", "some", "all", "have", "has", "there", "please",
        "les", "des", "une", "pour", "avec", "dans", "sur", "par", "est", "sont", "qui", "que", "quoi", "quel", "quels",
        "quelle", "quelles", "mes", "mon", "ma", "ton", "tes", "vos", "votre", "nos", "notre", "aux", "du", "de", "la", "le",
        "un", "et", "ou", "en", "je", "tu", "il", "elle", "nous", "vous", "ils", "elles", "moi", "me", "cherche", "chercher",
        "trouver", "veux", "voudrais", "besoin", "peux", "puis", "faire", "plus", "pas", "sans", "entre",
    ]

    /// `text` lowercased without diacritics.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }

    /// The folded words of `text`, stop words and one- or two-letter words dropped.
    static func words(_ text: String) -> [String] {
        fold(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
            .filter { $0.count >= 3 && !stopwords.contains($0) }
    }

    /// The stems of `text`.
    static func stems(_ text: String) -> Set<String> {
        Set(words(text).map { String($0.prefix(stemLength)) })
    }

    /// Whether every stem of `phrase` occurs in `stems` (a phrase without stems never matches).
    static func phrase(_ phrase: String, matches stems: Set<String>) -> Bool {
        let own = self.stems(phrase)
        return !own.isEmpty && own.isSubset(of: stems)
    }

    /// Whether `phrase` and `other` share a stem.
    static func overlap(_ phrase: String, _ other: String) -> Bool {
        !stems(phrase).isDisjoint(with: stems(other))
    }

    /// The phrases of `phrases` matched in `stems`, first spelling kept, at most `limit`.
    static func matched(_ phrases: [String], in stems: Set<String>, limit: Int = .max) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for phrase in phrases where phrase.count <= 200 && self.phrase(phrase, matches: stems) {
            if seen.insert(fold(phrase)).inserted { result.append(phrase) }
            if result.count == limit { break }
        }
        return result
    }
}
