public import Foundation
public import Logging

/// Outgoing mail, recorded durably before the request that sends it answers, and delivered by a
/// worker through the `Mailer`.
///
/// A `202` for a password reset, or a `201` for a registration, promises a mail: the message is
/// in `<data>/mail/queue/` before the answer leaves, so a SIGTERM drains it and a crash resumes it
/// at the next start (`worker`). Delivery keeps the message's id, so a rerun after a crash does
/// not make a second visible message with the outbox mailer.
public struct MailOutbox: Sendable {
    /// The recorded messages.
    public let queue: DurableQueue<MailMessage>
    /// Where messages go.
    public let mailer: any Mailer

    /// An outbox recording into `directory`, delivering through `mailer`.
    public init(directory: URL, mailer: any Mailer) throws {
        self.queue = try DurableQueue(directory: directory)
        self.mailer = mailer
    }

    /// Records `message` for delivery; 503 when it cannot be recorded.
    public func send(_ message: MailMessage) throws(APIError) {
        do {
            try queue.enqueue(message)
        } catch {
            throw .unavailable("the mail could not be queued; retry", retryAfter: 1)
        }
    }

    /// The service delivering the recorded messages.
    public func worker(logger: Logger) -> QueueWorker<MailMessage> {
        let mailer = self.mailer
        return QueueWorker("mail", queue: queue, logger: logger) { message in try await mailer.send(message) }
    }

    /// Waits until every message recorded so far has been delivered.
    public func waitUntilDelivered() async {
        await queue.waitUntilEmpty()
    }
}
