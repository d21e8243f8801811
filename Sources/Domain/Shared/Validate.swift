import Foundation

/// Shared input checks: each trims, checks and returns the canonical value, or throws a `FieldError`
/// naming the input, so every context words the same mistake the same way.
public enum Validate {
    /// A required text, trimmed, between `min` and `max` characters.
    public static func text(_ value: String, _ field: String, min: Int = 1, max: Int) throws(FieldError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count < min {
            throw FieldError(field, min <= 1 ? "\(field) must not be empty" : "\(field) must have at least \(min) characters")
        }
        if trimmed.count > max { throw FieldError(field, "\(field) must have at most \(max) characters") }
        return trimmed
    }

    /// An optional text: `nil` stays `nil`, blank becomes `nil`, otherwise at most `max` characters.
    public static func optionalText(_ value: String?, _ field: String, max: Int) throws(FieldError) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        if trimmed.count > max { throw FieldError(field, "\(field) must have at most \(max) characters") }
        return trimmed
    }

    /// A list of short texts: at most `maxCount` items, each non-empty and at most `maxLength`
    /// characters; duplicates (case-insensitive) are dropped, order kept.
    public static func textList(
        _ values: [String], _ field: String, maxCount: Int, maxLength: Int, nonEmpty: Bool = false
    ) throws(FieldError) -> [String] {
        if nonEmpty && values.isEmpty { throw FieldError(field, "\(field) must list at least one item") }
        if values.count > maxCount { throw FieldError(field, "\(field) may list at most \(maxCount) items") }
        var seen = Set<String>()
        var result: [String] = []
        for (index, value) in values.enumerated() {
            let item = try text(value, "\(field)[\(index)]", max: maxLength)
            if seen.insert(item.lowercased()).inserted { result.append(item) }
        }
        return result
    }

    /// An integer within a closed range.
    public static func integer(_ value: Int, _ field: String, in range: ClosedRange<Int>) throws(FieldError) -> Int {
        guard range.contains(value) else {
            throw FieldError(field, "\(field) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// A language code (ISO 639-1 or 639-2: two or three letters), lowercased.
    public static func languageCode(_ value: String, _ field: String) throws(FieldError) -> String {
        let code = value.trimmingCharacters(in: .whitespaces).lowercased()
        guard (2...3).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw FieldError(field, "\(field) must be an ISO 639 language code such as \"fr\" or \"en\"")
        }
        return code
    }
}
