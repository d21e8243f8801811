public import Foundation

/// Filters that combine with the text of a search (each `nil` means "any").
///
/// `country`, `field`, `level`, `role`, `category`, `type` and `language` match the document's tags
/// (a scholarship open to every country matches any `country`); `from`/`to` bound its date (an
/// event's start, a scholarship's deadline, a post's publication); `open` keeps events not cancelled
/// and not started, and scholarships not closed and not past their deadline (or the opposite).
public struct SearchFilters: Sendable, Hashable {
    /// ISO 3166-1 code.
    public var country: String?
    /// Field of study, expertise area or scholarship field.
    public var field: String?
    /// Education level (`high_school`, `bachelor`, …).
    public var level: String?
    /// Account role (`student`, `mentor`, …).
    public var role: String?
    /// Community category.
    public var category: String?
    /// Event type.
    public var type: String?
    /// Mentor language, ISO 639.
    public var language: String?
    /// Earliest date, inclusive.
    public var from: Date?
    /// Latest date, exclusive.
    public var to: Date?
    /// Open (`true`) or closed (`false`) events and scholarships.
    public var open: Bool?
    /// Online (`true`) or in-person (`false`) events.
    public var online: Bool?

    /// Filters; every argument defaults to "any".
    public init(
        country: String? = nil, field: String? = nil, level: String? = nil, role: String? = nil, category: String? = nil,
        type: String? = nil, language: String? = nil, from: Date? = nil, to: Date? = nil, open: Bool? = nil, online: Bool? = nil
    ) {
        self.country = country
        self.field = field
        self.level = level
        self.role = role
        self.category = category
        self.type = type
        self.language = language
        self.from = from
        self.to = to
        self.open = open
        self.online = online
    }

    /// The values a tag filter accepts: a field filter also takes the field's name in the other
    /// language ("Informatique", "Computer Science").
    static func values(of tag: (facet: String, value: String)) -> [String] {
        [tag.value] + (tag.facet == "field" ? BilingualTerms.equivalents(of: tag.value) : [])
    }

    /// The tag filters, as (facet, value) pairs, empty values ignored.
    var tags: [(facet: String, value: String)] {
        let pairs: [(String, String?)] = [
            ("country", country?.uppercased()), ("field", field), ("level", level), ("role", role),
            ("category", category), ("type", type), ("language", language?.lowercased()),
        ]
        return pairs.compactMap { facet, value in
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return (facet, value)
        }
    }
}
