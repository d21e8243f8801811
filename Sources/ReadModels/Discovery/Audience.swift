import Synchronization

/// Whom a scholarship's text says it is for, beyond its hard restrictions: speakers of a
/// language ("francophone", "English-speaking") or people of a region ("Afrique de l'Ouest").
/// Read on folded text, French and English alike; ranking counts it as targeting.
enum Audience {
    private static let languageMarkers: [(language: String, markers: [String])] = [
        ("fr", ["francophon", "french-speaking", "french speaking", "en francais", "in french"]),
        ("en", ["anglophon", "english-speaking", "english speaking", "en anglais", "in english"]),
    ]

    /// A region: its names (French, English), what a text says to name it, and its countries.
    struct Region {
        var french: String
        var english: String
        var markers: [String]
        var countries: Set<String>
    }

    private static let westAfrica: Set<String> = ["SN", "CI", "ML", "BF", "NE", "GN", "BJ", "TG", "GH", "NG", "LR", "SL", "GM", "GW", "CV", "MR"]
    private static let centralAfrica: Set<String> = ["CM", "GA", "CG", "CD", "TD", "CF", "GQ", "ST", "BI", "RW"]
    private static let restOfAfrica: Set<String> = [
        "MA", "DZ", "TN", "LY", "EG", "SD", "ET", "KE", "UG", "TZ", "SO", "DJ", "MG", "MU", "KM", "SC", "ZA", "NA", "BW", "ZW",
        "ZM", "MZ", "MW", "AO", "LS", "SZ", "ER", "SS",
    ]

    /// Regions, the most precise first.
    static let regions: [Region] = [
        Region(french: "Afrique de l'Ouest", english: "West Africa", markers: ["afrique de l'ouest", "west africa", "ouest-africain", "cedeao", "ecowas", "uemoa"],
               countries: westAfrica),
        Region(french: "Afrique centrale", english: "Central Africa", markers: ["afrique centrale", "central africa", "cemac"], countries: centralAfrica),
        Region(french: "Afrique", english: "Africa", markers: ["afrique", "africa", "africain", "african"],
               countries: westAfrica.union(centralAfrica).union(restOfAfrica)),
    ]

    /// What one text says of its audience: languages (ISO 639-1) and regions (indices in `regions`).
    private struct Said: Sendable {
        var languages: Set<String>
        var regions: [Int]
    }

    /// Per text, for the life of the process: candidates come back at every request, and folding
    /// their text is the costly part.
    private static let cache = Mutex<[String: Said]>([:])
    private static let cacheLimit = 100_000

    private static func said(_ text: String) -> Said {
        if let known = cache.withLock({ $0[text] }) { return known }
        let folded = TextTerms.fold(text)
        let said = Said(languages: Set(languageMarkers.filter { $0.markers.contains(where: folded.contains) }.map(\.language)),
                        regions: regions.indices.filter { regions[$0].markers.contains(where: folded.contains) })
        cache.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[text] = said
        }
        return said
    }

    /// The languages (ISO 639-1) `text` says the item is for.
    static func languages(in text: String) -> Set<String> { said(text).languages }

    /// The regions `text` names, the most precise first.
    static func regions(in text: String) -> [Region] { said(text).regions.map { regions[$0] } }

    /// The most precise region `text` names that holds `country`, or `nil`.
    static func region(in text: String, holding country: String?) -> Region? {
        region(among: regions(in: text), holding: country)
    }

    /// The first of `named` (regions a text names, the most precise first) that holds `country`, or `nil`.
    static func region(among named: [Region], holding country: String?) -> Region? {
        guard let country = country?.uppercased() else { return nil }
        return named.first { $0.countries.contains(country) }
    }
}
