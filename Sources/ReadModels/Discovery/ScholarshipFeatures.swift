import Foundation
import Synchronization

/// What scoring reads of a scholarship that does not depend on the student: its deadline, amount,
/// ISCED-F codes (of its fields and text), audience (languages, regions) and the stems of its
/// preferences. Computed once per scholarship and kept for the process while the scholarship's
/// text stays the same (`of(_:)` compares it), so a request only scores.
struct ScholarshipFeatures: Sendable {
    var deadline: Date?
    var amount: Double?
    var codes: Set<String>
    var languages: Set<String>
    var regions: [Audience.Region]
    var preferenceStems: [Set<String>]

    /// What the features are computed from; a scholarship whose source changed is computed again.
    private struct Source: Equatable, Sendable {
        var title: String
        var description: String
        var deadline: String
        var amount: String?
        var fields: [String]
        var preferences: [String]
    }

    private static let kept = Mutex<[String: (source: Source, features: ScholarshipFeatures)]>([:])
    private static let keptLimit = 200_000

    /// The features of `scholarship`, computed or kept.
    static func of(_ scholarship: ScholarshipCandidate) -> ScholarshipFeatures {
        let source = Source(title: scholarship.title, description: scholarship.description, deadline: scholarship.deadline,
                            amount: scholarship.amount, fields: scholarship.fields, preferences: scholarship.preferences)
        if let known = kept.withLock({ $0[scholarship.id] }), known.source == source { return known.features }
        let text = ([scholarship.title, scholarship.description] + scholarship.preferences).joined(separator: " ")
        let features = ScholarshipFeatures(
            deadline: Timestamp.parse(scholarship.deadline),
            amount: scholarship.amount.flatMap(Double.init),
            codes: FieldCodes.codes(in: scholarship.fields).union(FieldCodes.codes(in: text, description: true)),
            languages: Audience.languages(in: text),
            regions: Audience.regions(in: text),
            preferenceStems: scholarship.preferences.map(TextTerms.stems)
        )
        kept.withLock { kept in
            if kept.count >= keptLimit { kept.removeAll(keepingCapacity: true) }
            kept[scholarship.id] = (source, features)
        }
        return features
    }
}
