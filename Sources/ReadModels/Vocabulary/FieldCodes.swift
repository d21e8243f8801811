import Synchronization

/// Free text about fields of study onto ISCED-F codes: "Informatique", "Computer Science" and
/// "génie logiciel" all read 0613; "Droit" and "Law" 0421. What the person wrote is kept
/// everywhere else; codes only decide eligibility and topical closeness.
///
/// A phrase of the taxonomy (an official name in either language, or a synonym of
/// `FieldSynonyms`) is found in a text when its words are there in a row, folded (case, accents,
/// a final "s" or "x"; stop words skipped); a phrase found inside a longer one also found
/// ("génie" in "génie civil") gives way to it. Results are cached per text for the life of the process: the same few
/// thousand field names come back at every request.
enum FieldCodes {
    /// One phrase of the taxonomy and the code it names.
    private struct Entry {
        var keys: [String]
        var words: Set<String>
        var code: String
    }

    /// Codes too vague to read in a long text ("services", "education" say little in a description).
    private static let vague: Set<String> = ["00", "001", "002", "003", "01", "011", "10", "101", "102", "103", "104"]

    private static let entries: [Entry] = {
        var entries: [Entry] = []
        func add(_ phrase: String, _ code: String) {
            let keys = TextTerms.keys(phrase)
            if !keys.isEmpty { entries.append(Entry(keys: keys, words: Set(keys), code: code)) }
        }
        for field in ISCEDTaxonomy.fields {
            for name in [field.english, field.french] {
                add(name, field.code)
                // Also without its parenthesis: people write "Technologies de l'information et de la communication", not "(TIC)".
                if let open = name.firstIndex(of: "(") { add(String(name[..<open]), field.code) }
            }
        }
        for (code, phrases) in FieldSynonyms.phrases { for phrase in phrases { add(phrase, code) } }
        return entries
    }()

    /// Entries by their first word, so a text only tries the phrases that can start in it.
    private static let byWord: [String: [Int]] = {
        var index: [String: [Int]] = [:]
        for (position, entry) in entries.enumerated() { index[entry.keys[0], default: []].append(position) }
        return index
    }()

    private static let cache = Mutex<[CacheKey: Set<String>]>([:])
    private static let cacheLimit = 100_000

    private struct CacheKey: Hashable {
        var text: String
        var description: Bool
    }

    /// The ISCED-F codes `text` names (empty when it names none). With `description`, vague broad
    /// fields are not read (a description that says "services" is not about services).
    static func codes(in text: String, description: Bool = false) -> Set<String> {
        let key = CacheKey(text: text, description: description)
        if let known = cache.withLock({ $0[key] }) { return known }
        let found = compute(text, description: description)
        cache.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = found
        }
        return found
    }

    /// The codes of each text of `texts`, together.
    static func codes(in texts: [String], description: Bool = false) -> Set<String> {
        texts.reduce(into: Set<String>()) { $0.formUnion(codes(in: $1, description: description)) }
    }

    private static func compute(_ text: String, description: Bool) -> Set<String> {
        let keys = TextTerms.keys(text)
        var candidates: Set<Int> = []
        for key in keys { candidates.formUnion(byWord[key] ?? []) }
        let matched = candidates.map { entries[$0] }.filter { entry in
            !(description && vague.contains(entry.code)) && contains(keys, entry.keys)
        }
        // A phrase inside a longer phrase also found gives way to it ("génie" to "génie civil").
        let kept = Set(matched.filter { entry in !matched.contains { $0.words.count > entry.words.count && entry.words.isSubset(of: $0.words) } }
            .map(\.code))
        // A name shared by a field and its only child ("Droit": 042 and 0421) reads as the child.
        return kept.filter { code in !kept.contains { $0.count > code.count && $0.hasPrefix(code) } }
    }

    /// Whether `phrase` occurs in `keys`, its words in a row.
    private static func contains(_ keys: [String], _ phrase: [String]) -> Bool {
        guard phrase.count <= keys.count else { return false }
        return (0...(keys.count - phrase.count)).contains { start in keys[start..<(start + phrase.count)].elementsEqual(phrase) }
    }

    /// Whether a student of `field` meets a restriction to `restriction`: the same field, or a
    /// narrower one that ISCED-F files under it (0613 meets 061 and 06, never the reverse).
    static func meets(_ field: Set<String>, restriction: Set<String>) -> Bool {
        field.contains { code in restriction.contains { code.hasPrefix($0) } }
    }

    /// How close two sets of codes are, in [0, 1]: 1 for a shared detailed field, 0.75 for a
    /// shared narrow field, 0.5 for a shared broad field or neighbouring fields
    /// (`FieldSynonyms.neighbours`), 0 for nothing in common.
    static func closeness(_ a: Set<String>, _ b: Set<String>) -> Double {
        var best = 0.0
        for left in a {
            for right in b {
                best = max(best, closeness(left, right))
                if best == 1 { return 1 }
            }
        }
        return best
    }

    private static let neighbours: Set<String> = Set(FieldSynonyms.neighbours.flatMap { [$0.0 + $0.1, $0.1 + $0.0] })

    static func closeness(_ left: String, _ right: String) -> Double {
        let shared = zip(left, right).prefix { $0 == $1 }.count
        if shared >= 4 { return 1 }
        if shared == 3 { return 0.75 }
        if neighbours.contains(left + right) { return 0.5 }
        return shared == 2 ? 0.5 : 0
    }
}
