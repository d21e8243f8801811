import Foundation

/// What a user typed, parsed into terms and rewritten as a safe FTS5 expression.
///
/// User input never reaches FTS5 as syntax: words are runs of letters and digits, each emitted
/// as a double-quoted string, so quotes, parentheses, `*`, `-`, `:`, `^`, `NEAR`, `AND`/`OR`/`NOT`
/// and unbalanced input cannot change the query's shape or make it fail. What is understood:
/// `"a balanced phrase"`, a leading `-` to exclude a word (when something else is searched), a
/// trailing `*` for a prefix; the last word is always a prefix (type-ahead). Uppercase operator
/// words are dropped as noise; one-letter words too (except digits). At most
/// `maximumTerms` terms of `maximumTermLength` characters from the first `maximumInputLength`.
public struct SearchText: Sendable, Hashable {
    /// Characters of input considered.
    public static let maximumInputLength = 1_000
    /// Terms kept.
    public static let maximumTerms = 16
    /// Characters kept of one word.
    public static let maximumTermLength = 64

    struct Term: Sendable, Hashable {
        var words: [String]
        var prefix: Bool
        var negated: Bool
    }

    /// Positive terms that, together, are a phrase of the bilingual term list: how many terms
    /// from where it starts, and the phrases to search as well ("informatique" also finds
    /// "computer science"; `BilingualTerms`).
    struct Expansion: Sendable, Hashable {
        var count: Int
        var alternatives: [[String]]
    }

    let terms: [Term]
    /// Expansions by the index of their first term.
    let expansions: [Int: Expansion]
    /// Whether a document needs any positive term rather than all of them.
    let matchesAny: Bool

    /// Parses `input`; never fails. With `matchingAny`, a document needs one of the words, not all.
    public init(_ input: String, matchingAny: Bool = false) {
        matchesAny = matchingAny
        let characters = Array(input.prefix(Self.maximumInputLength))
        var terms: [Term] = []
        var index = 0
        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
        func readWord() -> String {
            var word = ""
            while index < characters.count, isWordCharacter(characters[index]) {
                if word.count < Self.maximumTermLength { word.append(characters[index]) }
                index += 1
            }
            return word
        }
        while index < characters.count, terms.count < Self.maximumTerms {
            let c = characters[index]
            if c == "\"", let close = characters[(index + 1)...].firstIndex(of: "\"") {
                // A balanced phrase: its words, in order.
                let inside = String(characters[(index + 1)..<close])
                let words = SearchText.words(of: inside)
                if !words.isEmpty { terms.append(Term(words: words, prefix: false, negated: false)) }
                index = close + 1
            } else if isWordCharacter(c) {
                let negated = index > 0 && characters[index - 1] == "-" && (index < 2 || characters[index - 2].isWhitespace)
                let word = readWord()
                let prefix = index < characters.count && characters[index] == "*"
                if Self.keeps(word) { terms.append(Term(words: [word], prefix: prefix, negated: negated)) }
            } else {
                index += 1
            }
        }
        // Type-ahead: the last positive single word is a prefix (not for word lists built by the platform).
        if !matchingAny, let last = terms.lastIndex(where: { !$0.negated }), terms[last].words.count == 1, terms[last].words[0].count >= 2 {
            terms[last].prefix = true
        }
        self.terms = terms
        expansions = Self.expansions(of: terms)
    }

    /// The spans of consecutive positive terms that are phrases of the bilingual term list,
    /// longest first from left to right; a quoted phrase only as a whole.
    private static func expansions(of terms: [Term]) -> [Int: Expansion] {
        var found: [Int: Expansion] = [:]
        var index = 0
        while index < terms.count {
            guard !terms[index].negated else { index += 1; continue }
            var end = index
            if terms[index].words.count == 1 {
                while end < terms.count, end - index < BilingualTerms.maximumSpan * 2, !terms[end].negated, terms[end].words.count == 1 { end += 1 }
            } else {
                end = index + 1
            }
            let words = terms[index..<end].flatMap(\.words)
            if let match = BilingualTerms.longestMatch(words), !match.alternatives.isEmpty,
               terms[index].words.count == 1 || match.count == words.count {
                let count = terms[index].words.count == 1 ? match.count : 1
                found[index] = Expansion(count: count, alternatives: match.alternatives)
                index += count
            } else {
                index += 1
            }
        }
        return found
    }

    private static let operators: Set<String> = ["AND", "OR", "NOT", "NEAR"]

    private static func keeps(_ word: String) -> Bool {
        if operators.contains(word) { return false }
        return word.count >= 2 || word.allSatisfy(\.isNumber)
    }

    private static func words(of text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { String($0.prefix(maximumTermLength)) }
            .filter(keeps)
    }

    /// No word to search: the request is a filtered list.
    public var isEmpty: Bool { !terms.contains { !$0.negated } }

    /// The plain words searched (positive terms), for highlighting or follow-up queries.
    public var words: [String] { terms.filter { !$0.negated }.flatMap(\.words) }

    /// The FTS5 expression, `nil` when there is nothing to search.
    public var expression: String? {
        var positive: [String] = []
        var index = 0
        while index < terms.count {
            defer { index += 1 }
            guard !terms[index].negated else { continue }
            guard let expansion = expansions[index] else { positive.append(Self.quoted(terms[index])); continue }
            // The words as typed (all of them, or any) or one of the equivalent phrases.
            let typed = terms[index..<(index + expansion.count)].map(Self.quoted)
            let own = typed.count == 1 ? typed[0] : "(" + typed.joined(separator: matchesAny ? " OR " : " AND ") + ")"
            let others = expansion.alternatives.map { Self.quoted(Term(words: $0, prefix: false, negated: false)) }
            positive.append("(" + ([own] + others).joined(separator: " OR ") + ")")
            index += expansion.count - 1
        }
        guard !positive.isEmpty else { return nil }
        let negative = terms.filter(\.negated).map(Self.quoted)
        let all = "(" + positive.joined(separator: matchesAny ? " OR " : " AND ") + ")"
        return negative.isEmpty ? all : all + " NOT " + negative.joined(separator: " NOT ")
    }

    private static func quoted(_ term: Term) -> String {
        let text = term.words.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"")
        return "\"\(text)\"" + (term.prefix ? "*" : "")
    }
}
