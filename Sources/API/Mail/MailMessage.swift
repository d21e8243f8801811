public import Foundation

/// One outgoing message (plain text, and HTML beside it when `html` is set), as the outbox records it.
public struct MailMessage: Codable, Sendable, Equatable {
    /// Stable across deliveries of the same message: `<microseconds>-<random>`, so ids sort by time.
    public var id: String
    /// When it was written.
    public var date: Date
    /// The recipient's address.
    public var to: String
    /// The subject line: always our words (the initializer takes a literal), never a person's.
    public var subject: String
    /// The text.
    public var body: String
    /// The same message as HTML (a `multipart/alternative` part after the text); `nil`: text only.
    /// Every value a person wrote must be escaped into it (`HTML.escape`, the console's escaping).
    public var html: String?

    /// A message written now, with a new id. The subject is a literal, so no text a person wrote
    /// can reach it; put their words in the body through `inline(_:maxLength:)`.
    public init(to: String, subject: StaticString, body: String, html: String? = nil, date: Date = Date()) {
        self.id = "\(Int64(date.timeIntervalSince1970 * 1_000_000))-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        self.date = date
        self.to = to
        self.subject = subject.description
        self.body = body
        self.html = html
    }
}

extension MailMessage {
    /// Text a person wrote (a first name), as it may appear inside a message we write: on one line
    /// — line breaks, other control characters and line or paragraph separators become spaces,
    /// invisible format characters (bidirectional overrides) are dropped, runs of spaces become
    /// one — and cut at `maxLength` characters with "…". So it cannot start a line of its own that
    /// reads as ours ("Click http://…"), nor reorder the line it is on.
    public static func inline(_ text: String, maxLength: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .format: continue
            case .control, .lineSeparator, .paragraphSeparator, .spaceSeparator:
                if let last = scalars.last, last != " " { scalars.append(" ") }
            default: scalars.append(scalar)
            }
        }
        let line = String(scalars).trimmingCharacters(in: .whitespaces)
        return line.count > maxLength ? String(line.prefix(maxLength - 1)) + "…" : line
    }

    /// A header value on one line: every control character (CR and LF among them) and line or
    /// paragraph separator removed, so no value can end its header and start another (`Bcc:`).
    static func headerValue(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            ![.control, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory)
        }))
    }
}
