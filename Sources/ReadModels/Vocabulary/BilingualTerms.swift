/// French and English meeting in search: the phrases of `BilingualTermList` and ISCED-F's
/// official name pairs, found in what a user typed or in a profile's phrases, with their
/// equivalents in the other language (and other spellings of the same).
///
/// Matching is on folded words (`TextTerms.keys`): case, accents and a final "s" or "x" never
/// matter, and stop words between two words of a phrase are skipped ("Afrique de l'Ouest").
enum BilingualTerms {
    /// Words of one phrase at most, and so of a span of query words tried as one term.
    static let maximumSpan = 6

    /// One phrase of a group: its keys (to match) and its words as written (to search).
    private struct Phrase {
        var keys: [String]
        var words: [String]
    }

    private static let groups: [[Phrase]] = {
        let pairs = ISCEDTaxonomy.fields.map { [$0.english, $0.french] }
        return (BilingualTermList.groups + pairs).compactMap { group -> [Phrase]? in
            var seen: Set<[String]> = []
            let phrases = group.compactMap { text -> Phrase? in
                let keys = TextTerms.keys(text)
                guard !keys.isEmpty, keys.count <= maximumSpan, seen.insert(keys).inserted else { return nil }
                return Phrase(keys: keys, words: searchWords(text))
            }
            return phrases.count > 1 ? phrases : nil
        }
    }()

    /// (group, phrase) by the phrase's first key.
    private static let byFirstKey: [String: [(group: Int, phrase: Int)]] = {
        var index: [String: [(group: Int, phrase: Int)]] = [:]
        for (g, group) in groups.enumerated() {
            for (p, phrase) in group.enumerated() { index[phrase.keys[0], default: []].append((g, p)) }
        }
        return index
    }()

    /// Words as FTS5 reads them: runs of letters and digits.
    private static func searchWords(_ text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// The longest phrase of the list that `words` (one word each, in order) start with: how many
    /// of them it covers, and the other phrases of its groups, as words to search. `nil` when none.
    static func longestMatch(_ words: [String]) -> (count: Int, alternatives: [[String]])? {
        let keys = words.prefix(maximumSpan * 2).map { TextTerms.keys($0).first }
        guard let first = keys.first ?? nil else { return nil }
        var best: (count: Int, keys: [String])?
        for (g, p) in byFirstKey[first] ?? [] {
            let phrase = groups[g][p]
            guard let covered = cover(phrase.keys, in: keys) else { continue }
            if phrase.keys.count > (best?.keys.count ?? 0) { best = (covered, phrase.keys) }
        }
        guard let best else { return nil }
        return (best.count, alternatives(of: best.keys))
    }

    /// How many of `keys` (nil for a stop word) the phrase `phrase` covers from the first, or `nil`.
    private static func cover(_ phrase: [String], in keys: [String?]) -> Int? {
        var position = 0
        for (offset, key) in phrase.enumerated() {
            if offset > 0 { while position < keys.count, keys[position] == nil { position += 1 } }
            guard position < keys.count, keys[position] == key else { return nil }
            position += 1
        }
        return position
    }

    /// The phrases of every group holding `keys`, other than `keys` itself, as words to search.
    static func alternatives(of keys: [String]) -> [[String]] {
        var found: [[String]] = []
        var seen: Set<[String]> = [keys]
        for (g, p) in byFirstKey[keys[0]] ?? [] where groups[g][p].keys == keys {
            for other in groups[g] where seen.insert(other.keys).inserted { found.append(other.words) }
        }
        return found
    }

    /// The other-language versions of `phrase`: each phrase of the list it holds, replaced by each
    /// of its equivalents ("ingénieure en énergies renouvelables" → "engineer en énergies
    /// renouvelables", "ingénieure en renewable energy"…), at most `limit`.
    static func equivalents(of phrase: String, limit: Int = 8) -> [String] {
        let words = searchWords(phrase)
        var variants: [String] = []
        var start = 0
        while start < words.count, variants.count < limit {
            guard let match = longestMatch(Array(words[start...])) else { start += 1; continue }
            for alternative in match.alternatives where variants.count < limit {
                variants.append((words[..<start] + alternative + words[(start + match.count)...]).joined(separator: " "))
            }
            start += match.count
        }
        return variants
    }
}
