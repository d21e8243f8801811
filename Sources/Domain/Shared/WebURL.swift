import Foundation

/// Links other people open from our answers and calendars (an event's `meetingUrl`, a
/// scholarship's `applicationUrl`): absolute `http`/`https` URLs, checked strictly.
///
/// Strict because a link is copied into other people's calendars and pages: only the characters
/// RFC 3986 allows in a URI (printable ASCII without space, `"`, `<`, `>`, `\`, `^`, `` ` ``,
/// `{`, `|`, `}`), so no line break, control character, space or U+2028 can start a new line or
/// property wherever it is written; well-formed percent escapes; a host of letters, digits and
/// hyphens (an IDN in its `xn--` form) or an IP literal; no user information, which would let
/// `https://meet.example.org@evil.example` read as the wrong site. Percent-encode anything else.
public enum WebURL {
    /// The longest accepted URL, in characters (all ASCII, so also bytes).
    public static let maximumLength = 500

    /// The URL, trimmed, or a `FieldError` naming `field` and what is wrong with it.
    public static func validated(_ value: String, _ field: String) throws(FieldError) -> String {
        let url = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if let fault = fault(in: url) { throw FieldError(field, "\(field) \(fault), e.g. https://meet.example.org/abc") }
        return url
    }

    /// Whether `value` passes the rule as it is: writers check values recorded before the rule
    /// existed and leave out those that fail.
    public static func isValid(_ value: String) -> Bool {
        fault(in: value) == nil
    }

    /// What is wrong with `url`, worded to follow the field's name, or `nil`.
    static func fault(in url: String) -> String? {
        if url.isEmpty { return "must not be empty" }
        if url.utf8.count > maximumLength { return "must have at most \(maximumLength) characters" }
        let bytes = Array(url.utf8)
        guard bytes.allSatisfy(isURICharacter) else {
            return "must not contain spaces, line breaks, control or non-ASCII characters (percent-encode them)"
        }
        guard hasWellFormedEscapes(bytes) else { return "must use % only in escapes such as %20" }
        let lowered = url.lowercased()
        guard let schemeEnd = lowered.range(of: "://"),
              ["http", "https"].contains(lowered[..<schemeEnd.lowerBound])
        else { return "must be an absolute http or https URL" }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { !"/?#".contains($0) }
        if authority.contains("@") { return "must not carry a user name or password before the host" }
        guard isHostAndPort(authority) else { return "must name a host (letters, digits and hyphens, or an IP address)" }
        return nil
    }

    /// RFC 3986 unreserved, reserved and `%`.
    static func isURICharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("-._~:/?#[]@!$&'()*+,;=%".utf8).contains(byte)
        }
    }

    /// Every `%` is followed by two hex digits.
    static func hasWellFormedEscapes(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else { return false }
                index += 3
            } else {
                index += 1
            }
        }
        return true
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    /// `host[:port]` with a host of LDH labels or a bracketed IPv6 literal.
    static func isHostAndPort(_ authority: Substring) -> Bool {
        var host = authority
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            let literal = authority[authority.index(after: authority.startIndex)..<close]
            guard !literal.isEmpty, literal.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            return after.isEmpty || isPort(after)
        }
        if let colon = authority.lastIndex(of: ":") {
            guard isPort(authority[colon...]) else { return false }
            host = authority[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !host.isEmpty && host.utf8.count <= 253 && labels.allSatisfy(isLDHLabel)
    }

    /// `:` then 1 to 5 digits.
    static func isPort(_ text: Substring) -> Bool {
        let digits = text.dropFirst()
        return text.first == ":" && (1...5).contains(digits.count) && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
            && Int(digits).map { $0 <= 65_535 } == true
    }

    /// A DNS label: 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen.
    static func isLDHLabel(_ label: Substring) -> Bool {
        (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
            && label.utf8.allSatisfy { $0 == UInt8(ascii: "-") || isASCIIAlphanumeric($0) }
    }

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
