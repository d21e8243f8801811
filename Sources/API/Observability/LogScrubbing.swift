/// What a log line must never carry, removed before it is written: values under keys that name a
/// secret or a personal field, and anything that reads as an email address or a JWT wherever it
/// appears (a message that quotes a request, an error that quotes its input).
///
/// Logs leave the machine (collectors, tickets, screenshots); the data directory's keys protect
/// personal data everywhere else, so logs must not become the copy that escapes erasure.
public enum LogScrubbing {
    /// The replacement of a removed value.
    public static let redacted = "[redacted]"

    /// Parts of metadata keys whose values are always removed (compared in lower case).
    static let sensitiveKeyParts = [
        "password", "passwd", "token", "secret", "authorization", "cookie", "email", "mail", "phone",
        "firstname", "lastname", "fullname", "birth", "totp", "recovery", "otp", "bio", "headline", "city",
    ]

    /// Whether a metadata key names a secret or a personal field.
    public static func isSensitive(key: String) -> Bool {
        let lowered = key.lowercased().filter { $0 != "_" && $0 != "-" && $0 != "." }
        if lowered == "name" || lowered == "code" { return true }
        return sensitiveKeyParts.contains { lowered.contains($0) }
    }

    /// `text` with every email address and JWT replaced by ``redacted``; cheap when there is none.
    public static func scrub(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "@")) || text.contains("eyJ") else { return text }
        let bytes = Array(text.utf8)
        var changed = false
        var index = 0
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        while index < bytes.count {
            let end = tokenEnd(bytes, from: index)
            if end > index {
                let token = bytes[index..<end]
                if looksLikeEmail(token) || looksLikeJWT(token) {
                    output.append(contentsOf: redacted.utf8)
                    changed = true
                } else {
                    output.append(contentsOf: token)
                }
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// The end of the run of token bytes (anything but whitespace, quotes, brackets and separators)
    /// starting at `start`.
    private static func tokenEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count, !isDelimiter(bytes[end]) { end += 1 }
        return end
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""),
             UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","),
             UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "&"), UInt8(ascii: "?"), UInt8(ascii: "/"),
             UInt8(ascii: "\\"):
            true
        default:
            false
        }
    }

    /// `local@domain.tld`: an `@` with something before it and a dot after it.
    private static func looksLikeEmail(_ token: ArraySlice<UInt8>) -> Bool {
        guard let at = token.firstIndex(of: UInt8(ascii: "@")), at > token.startIndex else { return false }
        return token[(at + 1)...].dropLast().contains(UInt8(ascii: "."))
    }

    /// `eyJ…​.…​.…`: a JSON header in base64url, then two more dot-separated parts.
    private static func looksLikeJWT(_ token: ArraySlice<UInt8>) -> Bool {
        guard token.count > 10, token.starts(with: "eyJ".utf8) else { return false }
        return token.lazy.filter { $0 == UInt8(ascii: ".") }.count >= 2
    }
}
