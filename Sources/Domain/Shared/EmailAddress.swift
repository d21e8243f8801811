import Foundation

/// Email addresses as the identity rules see them: compared case-insensitively, checked by shape.
public enum EmailAddress {
    /// The normalised form (trimmed, lowercased) used for uniqueness, or a `FieldError` naming `field`.
    ///
    /// The check is deliberately a shape check (one `@`, a dotted domain, no spaces): the
    /// verification mail proves the address works.
    public static func normalized(_ raw: String, _ field: String = "email") throws(FieldError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.contains(where: { $0.isWhitespace })
        else { throw FieldError(field, "\(field) must be an email address such as name@example.org") }
        return email
    }
}
