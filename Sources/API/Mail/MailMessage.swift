public import Foundation

/// One outgoing message (plain text), as the outbox records it.
public struct MailMessage: Codable, Sendable, Equatable {
    /// Stable across deliveries of the same message: `<microseconds>-<random>`, so ids sort by time.
    public var id: String
    /// When it was written.
    public var date: Date
    /// The recipient's address.
    public var to: String
    /// The subject line.
    public var subject: String
    /// The text.
    public var body: String

    /// A message written now, with a new id.
    public init(to: String, subject: String, body: String, date: Date = Date()) {
        self.id = "\(Int64(date.timeIntervalSince1970 * 1_000_000))-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        self.date = date
        self.to = to
        self.subject = subject
        self.body = body
    }
}
