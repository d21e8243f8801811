import Domain
import Foundation
import Synchronization

/// The account lock-out rule applied to every address, known or not, so that a 429 tells nobody
/// whether an account exists.
///
/// The domain locks an account after `Identity.Account.maxFailures` failed logins within
/// `failureWindow`, for `lockDuration`, and records it in the log. An address that has no account
/// has no stream to record that in: this table applies the same rule to it in memory, keyed by the
/// address's claim-stream key, and mirrors it for known addresses so both answer the same. (It
/// starts empty at each start, where a known account's lock is still in its log.)
final class LoginLocks: Sendable {
    private struct Entry {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// When the address's lock ends, if it is locked at `now`.
    func lockedUntil(_ key: String, now: Date) -> Date? {
        entries.withLock { $0[key]?.lockedUntil.flatMap { now < $0 ? $0 : nil } }
    }

    /// Counts a failed login; returns the end of the lock this failure starts, if it starts one.
    func noteFailure(_ key: String, now: Date) -> Date? {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil {
                entries = entries.filter { $0.value.lockedUntil.map { now < $0 } ?? false }
            }
            var entry = entries[key] ?? Entry()
            entry.failures = entry.failures.filter { now.timeIntervalSince($0) < Identity.Account.failureWindow } + [now]
            if entry.failures.count >= Identity.Account.maxFailures {
                entry.failures = []
                entry.lockedUntil = now.addingTimeInterval(Identity.Account.lockDuration)
            }
            entries[key] = entry
            return entry.failures.isEmpty ? entry.lockedUntil : nil
        }
    }

    /// Forgets the address's failures (a successful login, a reset that proved the mailbox).
    func clear(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
