import Cryptography
import Domain
import EventLog
import EventSourcing
public import Foundation
import Hummingbird
import Logging
import ReadModels

/// One outgoing message (plain text).
public struct MailMessage: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var body: String

    /// A message.
    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Sends mail. The default, `OutboxMailer`, writes `.eml` files an operator (or a relay) picks up.
public protocol Mailer: Sendable {
    /// Sends `message`; throws when it could not be handed over.
    func send(_ message: MailMessage) async throws
}

/// Writes each message as one RFC 5322 file in `<data>/mail/outbox/`.
///
/// Files are written under a temporary name and renamed, so a reader never sees half a message.
/// Names sort by time: `<microseconds>-<random>.eml`.
public struct OutboxMailer: Mailer {
    /// The outbox directory.
    public let directory: URL
    /// The `From:` address.
    public let from: String

    /// A mailer writing into `directory` (created when missing).
    public init(directory: URL, from: String = "ProTalent <no-reply@protalent.local>") throws {
        self.directory = directory
        self.from = from
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public func send(_ message: MailMessage) async throws {
        let now = Date()
        let id = UUID().uuidString.lowercased()
        let name = "\(Int64(now.timeIntervalSince1970 * 1_000_000))-\(id.prefix(8)).eml"
        let text = Self.render(message, from: from, date: now, messageID: "<\(id)@protalent.local>")
        let temporary = directory.appendingPathComponent(".\(name).tmp")
        try Data(text.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: directory.appendingPathComponent(name))
    }

    /// The RFC 5322 text: CRLF line ends, an RFC 2047 encoded subject when it is not ASCII, and a
    /// UTF-8 body sent as 8bit.
    static func render(_ message: MailMessage, from: String, date: Date, messageID: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let subject = message.subject.allSatisfy(\.isASCII)
            ? message.subject
            : "=?UTF-8?B?\(Data(message.subject.utf8).base64EncodedString())?="
        let headers = [
            "From: \(from)",
            "To: \(message.to)",
            "Subject: \(subject)",
            "Date: \(formatter.string(from: date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        let body = message.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }
}
