import Domain
public import Foundation
import HTTPTypes
public import Logging

/// `POST /auth/forgot-password` after its answer: the request is recorded durably, then a worker
/// finds the account, records the reset token's hash in the log and queues the mail.
///
/// The answer (202) comes before the work, so an existing and a missing account answer in the same
/// time; recording the request first means a SIGTERM or a crash right after the 202 does not lose
/// it. A rerun after a crash issues a fresh token and mails that one: only the mailed token is
/// ever usable, so the person sees one working link.
public struct PasswordResets: Sendable {
    /// A recorded request: the normalised address and its claim-stream key.
    public struct Request: Codable, Sendable {
        /// Where the link goes.
        public var email: String
        /// The address's claim-stream key (`AccountDirectory.emailKey`).
        public var emailKey: String
        /// Why the link is sent (`nil`: the person asked).
        public var reason: Reason?
    }

    /// Why a reset link is mailed.
    public enum Reason: String, Codable, Sendable {
        /// The person asked (`POST /auth/forgot-password`).
        case forgotten
        /// Failed logins locked the account: the link is the owner's way back in.
        case locked
    }

    /// The recorded requests.
    public let queue: DurableQueue<Request>
    let accounts: AccountDirectory
    let commands: CommandExecutor
    let tokens: TokenService
    let mail: MailOutbox
    let accountMail: AccountMail

    /// Requests recorded in `directory`, answered through these services; links start with `publicURL`.
    public init(
        directory: URL, accounts: AccountDirectory, commands: CommandExecutor, tokens: TokenService, mail: MailOutbox,
        publicURL: String = OIDCSettings.defaultPublicURL
    ) throws {
        self.queue = try DurableQueue(directory: directory)
        self.accounts = accounts
        self.commands = commands
        self.tokens = tokens
        self.mail = mail
        self.accountMail = AccountMail(publicURL: publicURL)
    }

    /// Records a reset request for the normalised `email`; 503 when it cannot be recorded.
    public func request(email: String, reason: Reason = .forgotten) throws(APIError) {
        do {
            try queue.enqueue(Request(email: email, emailKey: accounts.emailKey(email), reason: reason))
        } catch {
            throw .unavailable("the request could not be recorded; retry", retryAfter: 1)
        }
    }

    /// The service answering recorded requests.
    public func worker(logger: Logger) -> QueueWorker<Request> {
        QueueWorker("password-resets", queue: queue, logger: logger) { request in try await answer(request) }
    }

    /// Issues a token for the account holding the address, if any, and queues the mail. A refusal
    /// (an erased account) ends the request; a storage failure keeps it for a retry.
    func answer(_ request: Request) async throws {
        do {
            try await issue(request)
        } catch {
            // A refusal (an erased account) ends the request; only a storage failure is worth a retry.
            if error.status.code >= 500 { throw error }
        }
    }

    private func issue(_ request: Request) async throws(APIError) {
        guard let userID = try accounts.holder(ofEmailKey: request.emailKey) else { return }
        let now = commands.now()
        let token = tokens.mailToken(userID: userID, lifetime: TokenService.resetLifetime, now: now)
        _ = try await commands.execute(.requestPasswordReset(token.issued, now: now), on: Identity.Account.self,
                                       stream: StreamName.account(userID), by: nil)
        // The person's chosen language (French, the platform's default, until they choose).
        let language = try commands.load(Profiles.self, stream: StreamName.profile(userID)).language
        try mail.send(accountMail.reset(
            to: request.email, token: token.token, reason: request.reason ?? .forgotten, language: AccountMail.Language(language.rawValue)
        ))
    }
}
