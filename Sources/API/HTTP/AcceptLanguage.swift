import Domain
import Foundation

/// The language a request asks answers in, read from `Accept-Language` (RFC 9110 §12.5.4): of the
/// languages the platform writes (fr, en), the one with the highest weight; the first listed wins a
/// tie. `nil` when the header names neither (the caller then falls back to its own default).
enum AcceptLanguage {
    /// Language ranges read at most: a header is a short list, anything longer is noise.
    static let maximumRanges = 32

    /// The language `header` (an `Accept-Language` value) prefers, of fr and en; `nil` for neither.
    static func preferred(_ header: String?) -> PreferredLanguage? {
        guard let header else { return nil }
        var best: (language: PreferredLanguage, weight: Double)?
        for range in header.split(separator: ",").prefix(maximumRanges) {
            let parts = range.split(separator: ";")
            let tag = parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard let primary = tag.split(separator: "-").first, let language = PreferredLanguage(rawValue: String(primary)) else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let text = parameter.trimmingCharacters(in: .whitespaces).lowercased()
                if text.hasPrefix("q="), let value = Double(text.dropFirst(2)), (0...1).contains(value) { weight = value }
            }
            if weight > 0, weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language
    }
}
