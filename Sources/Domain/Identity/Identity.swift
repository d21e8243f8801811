import Foundation
import EventSourcing

/// Identity: accounts, credentials, email verification, two-factor authentication, refresh-token
/// families and roles.
///
/// Streams:
/// - `account-<userId>`: every `Identity.Account.Event` of one user (registration, verification,
///   passwords, logins and lock-outs, 2FA, refresh-token families, role changes, erasure).
/// - `email-<emailKey>`: `Identity.EmailClaim.Event` (claimed, released). `emailKey` is a keyed digest
///   (HMAC) of the normalised address (`EmailAddress.normalized`) computed by the application, so stream
///   names carry no readable email.
///
/// Registration is a decision over both streams (`Identity.register`): the application appends
/// the claim (expected version: the claim stream's current version) and the account's first events
/// (expected: no stream) in one atomic append, so two sign-ups with one address cannot both win.
/// Erasure likewise releases the claim (`Identity.erase`).
public enum Identity {
    /// Why an identity command was refused.
    public typealias Rejection = Refusal<Identity>
}
