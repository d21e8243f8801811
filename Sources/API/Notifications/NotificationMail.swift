import EventLog
import EventSourcing
public import Foundation
public import Logging
import Projections
public import ReadModels
public import ServiceLifecycle

/// Mails the notifications that matter (a session accepted, declined or cancelled, a waitlist
/// promotion, a join approval, the reminders) through the durable outbox, in the recipient's
/// language, to those whose `preferences.notifications.email` is on.
///
/// It follows the notifications read model from a checkpoint of its own (`checkpoint`, a file: the
/// id of the last notification considered). When the model moves it waits `window` more, so what
/// arrives together (an admin cancelling a day of sessions, a burst of promotions) is collected,
/// then sends each recipient one message: the notification itself, or a digest of all of them.
/// The checkpoint moves only once the messages are in the outbox, so a crash sends them at the
/// next start (at least once); a new data directory's checkpoint starts at the log's head, so an
/// upgrade never mails history.
public struct NotificationMail: Service {
    /// The kinds that are mailed.
    static let mailedKinds: Set<String> = [
        "session_accepted", "session_declined", "session_cancelled", "waitlist_promoted", "join_approved",
        "session_reminder", "event_reminder", "scholarship_deadline",
    ]

    let queries: NotificationQueries
    let outbox: MailOutbox
    /// Where the checkpoint is kept.
    let checkpoint: URL
    /// `PROTALENT_PUBLIC_URL`, the start of the links in mail (`nil`: the path alone).
    let publicURL: String?
    /// How long a burst is collected before it is mailed.
    var window: Duration
    let logger: Logger

    /// The service: `queries`' notifications into `outbox`, remembering its place in `checkpoint`.
    public init(
        queries: NotificationQueries, outbox: MailOutbox, checkpoint: URL, publicURL: String?, window: Duration = .seconds(2),
        logger: Logger
    ) {
        self.queries = queries
        self.outbox = outbox
        self.checkpoint = checkpoint
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.window = window
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var last = try loadCheckpoint()
            while !Task.isCancelled {
                let seen = last
                _ = await queries.runner.waitUntil(timeout: .seconds(3_600)) { $0.checkpoint > seen }
                guard queries.runner.status.checkpoint > last, !Task.isCancelled else { continue }
                // The burst: whatever else the next moments bring leaves in the same message.
                try? await Task.sleep(for: window)
                // Stopping: what is not mailed yet is mailed at the next start (the checkpoint did not move).
                if Task.isCancelled { break }
                let upTo = queries.runner.status.checkpoint
                do {
                    try send(try queries.added(after: last, upTo: upTo))
                    try saveCheckpoint(upTo)
                    last = upTo
                } catch {
                    logger.warning("notification mail: a batch could not be queued; it is tried again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Queues one message per recipient of `records` who wants mail.
    func send(_ records: [NotificationRecord]) throws {
        let mailed = records.filter { Self.mailedKinds.contains($0.kind) }
        guard !mailed.isEmpty else { return }
        let byRecipient = Dictionary(grouping: mailed, by: \.recipientId)
        let recipients = try queries.recipients(Set(byRecipient.keys))
        for (id, records) in byRecipient.sorted(by: { $0.key < $1.key }) {
            guard let recipient = recipients[id], recipient.wantsEmail, let email = recipient.email else { continue }
            try outbox.send(message(to: email, recipient, records))
        }
    }

    /// One notification, or a digest of several, in the recipient's language.
    func message(to email: String, _ recipient: NotificationRecipient, _ records: [NotificationRecord]) -> MailMessage {
        let language = NotificationText.Language(recipient.language)
        let name = recipient.firstName.map { " " + MailMessage.inline($0, maxLength: 40) } ?? ""
        let greeting = language == .fr ? "Bonjour\(name)," : "Hello\(name),"
        let items = records.map { record in
            let title = NotificationText.title(record.kind, language).description
            let link = NotificationText.link(record).map { "\n  \(publicURL ?? "")\($0)" } ?? ""
            return "- \(title)\(language == .fr ? " : " : ": ")\(NotificationText.body(record, language))\(link)"
        }.joined(separator: "\n\n")
        let footer = language == .fr
            ? "Vous recevez ce message car les notifications par e-mail sont activées (PUT /users/preferences pour les couper)."
            : "You receive this because email notifications are on (PUT /users/preferences to turn them off)."
        let body = "\(greeting)\n\n\(items)\n\n\(footer)\n"
        if records.count == 1 {
            return MailMessage(to: email, subject: NotificationText.title(records[0].kind, language), body: body)
        }
        return MailMessage(to: email, subject: language == .fr ? "Vos notifications ProTalent" : "Your ProTalent notifications", body: body)
    }

    private func loadCheckpoint() throws -> Int64 {
        if let data = FileManager.default.contents(atPath: checkpoint.path),
           let value = Int64(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
            return value
        }
        let start = queries.runner.log.head
        try saveCheckpoint(start)
        return start
    }

    private func saveCheckpoint(_ value: Int64) throws {
        _ = try SecureFile.writeAtomically(Array("\(value)\n".utf8), to: checkpoint.path, mode: 0o600, replace: true)
    }
}
