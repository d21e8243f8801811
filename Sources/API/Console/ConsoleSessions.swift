import Cryptography
import EventSourcing
import Foundation
import Synchronization

/// The console's sessions, in memory: a restart signs everyone out (the console is for a few
/// operators; nothing of a session needs to survive).
///
/// A session ends after `idleTimeout` without a request, on sign-out, and when its account stops
/// granting access (`ConsoleAccessCheck`). Past `capacity` sessions the idle ones go first, then
/// the oldest, so a flood of sign-ins cannot grow memory without bound.
final class ConsoleSessions: Sendable {
    /// How long a session lives without a request.
    let idleTimeout: TimeInterval
    private let clock: Clock
    private let capacity: Int
    private let sessions = Mutex<[String: ConsoleSession]>([:])

    /// Sessions at `clock`'s time, ending after `idleTimeout` seconds without a request.
    init(clock: Clock, idleTimeout: TimeInterval = 30 * 60, capacity: Int = 10_000) {
        self.clock = clock
        self.idleTimeout = idleTimeout
        self.capacity = capacity
    }

    /// A new session for a signed-in account, with fresh random id and CSRF token.
    func open(userID: UUID, generation: Int, familyID: UUID, refreshToken: String, language: ConsoleLanguage) -> ConsoleSession {
        let now = clock.now()
        let session = ConsoleSession(
            id: Self.randomToken(), userID: userID, generation: generation, csrfToken: Self.randomToken(), familyID: familyID,
            refreshToken: refreshToken, lastSeen: now, language: language
        )
        sessions.withLock { sessions in
            if sessions.count >= capacity {
                sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) < idleTimeout }
                if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                    sessions[oldest.key] = nil
                }
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with this id, its idle clock restarted (and its language changed when
    /// `language` is given); `nil` when unknown or idle for too long (then it is forgotten).
    func touch(_ id: String, language: ConsoleLanguage? = nil) -> ConsoleSession? {
        let now = clock.now()
        return sessions.withLock { sessions in
            guard var session = sessions[id] else { return nil }
            guard now.timeIntervalSince(session.lastSeen) < idleTimeout else {
                sessions[id] = nil
                return nil
            }
            session.lastSeen = now
            if let language { session.language = language }
            sessions[id] = session
            return session
        }
    }

    /// Ends a session; returns it when it existed.
    @discardableResult
    func close(_ id: String) -> ConsoleSession? {
        sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// 32 random bytes, base64url without padding (cookie- and form-safe).
    static func randomToken() -> String {
        Base64URL.encode(SecureRandom.bytes(count: 32))
    }
}
