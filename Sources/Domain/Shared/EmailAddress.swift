import Foundation

/// Email addresses as the identity rules see them: compared case-insensitively, checked by syntax.
///
/// Two checks. `validated` is the rule for an address a person gives us to keep (registration):
/// the syntax mail clients show unambiguously, so an address cannot carry a header line, an angle
/// bracket or a look-alike letter into a mail. `normalized` is the lookup form for an address a
/// person types to sign in or reset a password: only trimmed, lowercased and checked by shape, so
/// an account registered before the stricter rule still finds its address.
public enum EmailAddress {
    /// The normalised form (trimmed, lowercased) of an address a person gives us to keep, or a
    /// `FieldError` naming `field`.
    ///
    /// The local part is an RFC 5322 dot-atom of ASCII characters (letters, digits and
    /// ``!#$%&'*+-/=?^_`{|}~``, dots between them), at most 64 characters; the domain is at least
    /// two labels of letters, digits and hyphens (LDH, RFC 5890), so an internationalised domain
    /// is written in its `xn--` (punycode) form; at most 254 characters in all. No quoted local
    /// parts, comments, IP literals, spaces or control characters. The check runs before
    /// lowercasing, so a character that lowercases to ASCII (the Kelvin sign U+212A) is refused, not
    /// folded into someone else's address. The verification mail proves the address works.
    public static func validated(_ raw: String, _ field: String = "email") throws(FieldError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let fault = fault(in: email, field) { throw FieldError(field, fault) }
        return email.lowercased()
    }

    /// The lookup form (trimmed, lowercased) used for uniqueness, or a `FieldError` naming `field`.
    ///
    /// A shape check only (one `@`, a dotted domain, no spaces): addresses given to keep pass
    /// `validated` first.
    public static func normalized(_ raw: String, _ field: String = "email") throws(FieldError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.contains(where: { $0.isWhitespace })
        else { throw FieldError(field, example(field)) }
        return email
    }

    /// What is wrong with `email` (already trimmed), or `nil`.
    static func fault(in email: String, _ field: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return example(field) }
        let (local, domain) = (parts[0], parts[1])
        guard local.unicodeScalars.allSatisfy(\.isASCII) else {
            return "\(field) must be written in ASCII before the @ (letters, digits and . ! # $ % & ' * + - / = ? ^ _ ` { | } ~)"
        }
        guard domain.unicodeScalars.allSatisfy(\.isASCII) else {
            return "\(field) must write its domain in ASCII: use the punycode (xn--) form of an internationalised domain"
        }
        guard local.utf8.count <= 64, email.utf8.count <= 254 else {
            return "\(field) is too long (at most 64 characters before the @, 254 in all)"
        }
        let atoms = local.split(separator: ".", omittingEmptySubsequences: false)
        guard atoms.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isAtomCharacter) }) else {
            return "\(field) may use only letters, digits and . ! # $ % & ' * + - / = ? ^ _ ` { | } ~ before the @, "
                + "with no leading, trailing or double dot"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(WebURL.isLDHLabel), labels.last?.allSatisfy(\.isNumber) == false else {
            return "\(field) must end with a domain of letters, digits and hyphens such as example.org"
        }
        return nil
    }

    /// RFC 5322 `atext`.
    static func isAtomCharacter(_ byte: UInt8) -> Bool {
        WebURL.isASCIIAlphanumeric(byte) || Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
    }

    static func example(_ field: String) -> String {
        "\(field) must be an email address such as name@example.org"
    }
}
