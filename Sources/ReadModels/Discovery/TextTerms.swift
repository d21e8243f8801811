import Foundation
import Projections

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

    /// `text` lowercased without diacritics (`TextFolding`, as the SQL function `fold` does it).
    static func fold(_ text: String) -> String { TextFolding.fold(text) }

    /// The folded words of `text`, stop words and one- or two-letter words dropped.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func close() {
            if current.count >= 3 {
                let word = String(current)
                if !stopwords.contains(word) { words.append(word) }
            }
            current = String.UnicodeScalarView()
        }
        for scalar in fold(text).unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { current.append(scalar) } else { close() }
        }
        close()
        return words
    }

    /// The words of `text` as vocabularies match them (`FieldCodes`, `BilingualTerms`): folded,
    /// stop words dropped, a final "s" or "x" cut ("Sciences" and "science", "réseaux" and "réseau").
    static func keys(_ text: String) -> [String] {
        words(text).map { word in word.count > 3 && (word.hasSuffix("s") || word.hasSuffix("x")) ? String(word.dropLast()) : word }
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

    /// The phrases of `phrases` matched in `stems`, first spelling kept, at most `limit`.
    static func matched(_ phrases: [String], in stems: Set<String>, limit: Int = .max) -> [String] {
        Phrases(phrases).matched(in: stems, limit: limit)
    }
}

/// Phrases with their stems computed once, to match against many texts.
struct Phrases {
    private let items: [(text: String, stems: Set<String>)]

    init(_ phrases: [String]) {
        var seen: Set<String> = []
        items = phrases.filter { $0.count <= 200 && seen.insert(TextTerms.fold($0)).inserted }.map { ($0, TextTerms.stems($0)) }
    }

    /// The phrases, first spelling of each.
    var texts: [String] { items.map(\.text) }

    /// The phrases whose every stem is in `stems`, at most `limit`.
    func matched(in stems: Set<String>, limit: Int = .max) -> [String] {
        Array(items.lazy.filter { !$0.stems.isEmpty && $0.stems.isSubset(of: stems) }.map(\.text).prefix(limit))
    }
}
