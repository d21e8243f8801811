/// What a search document is: one of the platform's searchable items.
public enum SearchKind: String, Codable, Sendable, Hashable, CaseIterable {
    case person, mentor, community, post, event, scholarship
}
