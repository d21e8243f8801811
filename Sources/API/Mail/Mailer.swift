public import Foundation
import EventSourcing

/// Delivers mail. The default, `OutboxMailer`, writes `.eml` files an operator (or a relay) picks up.
///
/// Routes never call a mailer: they record messages in the durable `MailOutbox`, whose worker
/// delivers them. A message may be handed over again after a crash, with the same `id`; a mailer
/// that can, delivers it once (the outbox mailer rewrites the same file).
public protocol Mailer: Sendable {
    /// Delivers `message`; throws when it could not be handed over (it is tried again later).
    func send(_ message: MailMessage) async throws
}

/// Writes each message as one RFC 5322 file in `<data>/mail/outbox/`.
///
/// Files are written under a temporary name, fsynced and renamed, and the directory fsynced: a reader
/// never sees half a message, and a delivered one survives a power cut.
/// A file is named after its message's id (`<microseconds>-<random>.eml`, so names sort by time),
/// and a message already written is not written again.
public struct OutboxMailer: Mailer {
    /// The outbox directory.
    public let directory: URL
    /// The `From:` address.
    public let from: String

    /// A mailer writing into `directory` (created when first needed).
    public init(directory: URL, from: String = "ProTalent <no-reply@protalent.local>") {
        self.directory = directory
        self.from = from
    }

    public func send(_ message: MailMessage) async throws {
        let final = directory.appendingPathComponent("\(message.id).eml")
        if FileManager.default.fileExists(atPath: final.path) { return }
        try SecureFile.makeDirectory(directory.path, mode: 0o700)
        let text = Self.render(message, from: from, date: message.date, messageID: "<\(message.id)@protalent.local>")
        // Durable before it returns (temporary file, fsync, rename, fsync of the directory): the
        // queue forgets the job once this returns, so a file still in the page cache would be a
        // promised mail lost at a power cut (PowerLossTests found it).
        try SecureFile.writeAtomically(Array(text.utf8), to: final.path, mode: 0o600, replace: true)
    }

    /// The RFC 5322 text: CRLF line ends, an RFC 2047 encoded subject when it is not ASCII, and a
    /// UTF-8 body sent as 8bit — with an HTML version, a `multipart/alternative` of the text then
    /// the HTML (RFC 2046 §5.1.4: the last part is the preferred one). Header values pass `MailMessage.headerValue`, so a recipient or
    /// subject carrying CR/LF cannot add a header; a bare CR or LF in the body becomes CRLF.
    static func render(_ message: MailMessage, from: String, date: Date, messageID: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let plainSubject = MailMessage.headerValue(message.subject)
        let subject = plainSubject.allSatisfy(\.isASCII)
            ? plainSubject
            : "=?UTF-8?B?\(Data(plainSubject.utf8).base64EncodedString())?="
        let headers = [
            "From: \(MailMessage.headerValue(from))",
            "To: \(MailMessage.headerValue(message.to))",
            "Subject: \(subject)",
            "Date: \(formatter.string(from: date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
        ]
        let text = crlf(message.body)
        guard let html = message.html else {
            return (headers + ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]).joined(separator: "\r\n")
                + "\r\n\r\n" + text + "\r\n"
        }
        // The boundary derives from the message id: stable across re-deliveries, and a part would have
        // to contain that random id to end itself early.
        let boundary = "=_protalent_\(message.id)"
        func part(_ type: String, _ content: String) -> String {
            "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\(content)\r\n"
        }
        return (headers + ["Content-Type: multipart/alternative; boundary=\"\(boundary)\""]).joined(separator: "\r\n") + "\r\n\r\n"
            + part("text/plain", text) + part("text/html", crlf(html)) + "--\(boundary)--\r\n"
    }

    /// `text` with CRLF line ends (a bare CR or LF becomes CRLF).
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }
}
