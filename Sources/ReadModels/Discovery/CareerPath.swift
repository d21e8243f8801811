/// A career path of the curated catalog (`CareerCatalog`), in French and English.
public struct CareerPath: Sendable, Hashable {
    /// A stable id, e.g. `data-scientist`.
    public var id: String
    /// Title in French.
    public var titleFR: String
    /// Title in English.
    public var titleEN: String
    /// Fields of study that lead there (fr and en names).
    public var fields: [String]
    /// Skills it draws on.
    public var skills: [String]
    /// Interests and goals it answers.
    public var interests: [String]

    /// The title in `french` or English.
    public func title(french: Bool) -> String { french ? titleFR : titleEN }

    /// Words to look for mentors, communities, events and scholarships in that direction: the
    /// first fields and skills, the most specific words of the path (interests are too broad).
    var keywords: [String] { Array(fields.prefix(2) + skills.prefix(2)) }
}
