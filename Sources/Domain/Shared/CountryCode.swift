import Foundation

/// ISO 3166-1 country codes, checked by shape (alpha-2 `"SN"` or alpha-3 `"SEN"`).
///
/// The shape check catches typos without shipping a country list that would go stale; codes are
/// stored uppercased so filters compare equal.
public enum CountryCode {
    /// The canonical (uppercased) code, or a `FieldError` naming `field`.
    public static func validated(_ value: String, _ field: String) throws(FieldError) -> String {
        let code = value.trimmingCharacters(in: .whitespaces).uppercased()
        guard (2...3).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw FieldError(field, "\(field) must be an ISO 3166-1 alpha-2 or alpha-3 code such as \"SN\" or \"SEN\"")
        }
        return code
    }

    /// Validates an optional code; `nil` or blank stays `nil`.
    public static func validated(optional value: String?, _ field: String) throws(FieldError) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try validated(value, field)
    }
}
