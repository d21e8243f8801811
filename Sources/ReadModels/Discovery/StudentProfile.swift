import Domain
import Foundation
import GRDB

/// A user's profile as the `matching` read model holds it: what recommendations match against.
struct StudentProfile: Sendable {
    var id: String
    var firstName: String
    var lastName: String
    var role: String?
    var country: String?
    var level: String?
    var field: String?
    var goals: [String]
    var interests: [String]
    var skills: [String]
    var languages: [String]
    var hasBio: Bool
    var hasCity: Bool
    var hasExperience: Bool
    var hasAvatar: Bool
    var preferredLanguage: String?

    /// What the person wants and knows, as phrases: career goals, interests, skills, field.
    var phrases: [String] { goals + interests + skills + (field.map { [$0] } ?? []) }

    /// The stems of everything the profile says.
    var stems: Set<String> {
        TextTerms.stems(phrases.joined(separator: " ") + " " + [level, country].compactMap { $0 }.joined(separator: " "))
    }

    /// Nothing to match on: no goals, interests or skills (field and country may still be known).
    var isColdStart: Bool { goals.isEmpty && interests.isEmpty && skills.isEmpty }

    /// French unless the person chose English.
    var speaksFrench: Bool { preferredLanguage != "en" }

    /// The language to answer in: the one the person chose (`preferences.language`), else the
    /// request's (`Accept-Language`), else English.
    func language(accepting accepted: PreferredLanguage?) -> PreferredLanguage {
        preferredLanguage.flatMap(PreferredLanguage.init(rawValue:)) ?? accepted ?? .en
    }

    /// The languages the person speaks: those declared, and the interface's (French when unset).
    var spoken: Set<String> { Set(languages + [preferredLanguage ?? "fr"]) }

    /// The profile of `id`; `nil` when unknown or erased.
    static func load(_ db: Database, id: UUID) throws -> StudentProfile? {
        guard let row = try Row.fetchOne(db, sql: MatchingSQL.profile, arguments: ["user": id.uuidString.lowercased()])
        else { return nil }
        return StudentProfile(
            id: row["user_id"], firstName: row["first_name"], lastName: row["last_name"], role: row["role"], country: row["country"],
            level: row["level"], field: row["field"], goals: decodeList(row["goals"]), interests: decodeList(row["interests"]),
            skills: decodeList(row["skills"]), languages: decodeList(row["languages"]), hasBio: row["has_bio"], hasCity: row["has_city"],
            hasExperience: row["has_experience"], hasAvatar: row["has_avatar"], preferredLanguage: row["preferred_language"]
        )
    }

    /// A list as `matching.sql` stores scholarship and mentor lists: values separated by U+001F.
    static func splitList(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\u{1F}").map(String.init)
    }

    /// A JSON array of strings as the projections store it; anything else reads as empty.
    static func decodeList(_ json: String?) -> [String] {
        guard let json, let list = try? JSONDecoder().decode([String?].self, from: Data(json.utf8)) else { return [] }
        return list.compactMap { $0 }.filter { !$0.isEmpty }
    }
}
