import Cryptography
import EventSourcing
import Foundation

/// The console's sessions, sealed into their cookie: nothing is kept on the server, so a session
/// survives a restart and a failover (every node of a cluster shares the server key).
///
/// The cookie is AES-256-GCM under a key of its own (`ServerSecrets.consoleSessionKey`), so a
/// visitor can neither read nor alter it. What ends a session lives in the log instead: signing
/// out records the end of its login family, which `ConsoleGate` checks on every request, as it
/// checks the account's access generation (a password reset or an erasure). A session also ends
/// after `idleTimeout` without a request: each request renews the sealed time of the last
/// request, at most once per `renewalInterval`, so a busy page does not rewrite its cookie at
/// every click.
struct ConsoleSessions: Sendable {
    /// How long a session lives without a request.
    let idleTimeout: TimeInterval
    /// How stale the sealed time of the last request may grow before a request renews it; the
    /// idle expiry is exact to within it.
    let renewalInterval: TimeInterval = 60
    private let clock: Clock
    private let key: [UInt8]

    /// What the cookie seals (short keys: the cookie goes with every console request).
    private struct Sealed: Codable {
        var u: UUID
        var g: Int
        var c: String
        var f: UUID
        var h: String
        var s: Double
        var l: String
    }

    /// Binds the box to its use, so no other sealed value of ours opens as a session.
    private static let purpose = Array("protalent.console-session.v1".utf8)

    /// Sessions sealed under `key`, at `clock`'s time, ending after `idleTimeout` seconds without a
    /// request.
    init(key: [UInt8], clock: Clock, idleTimeout: TimeInterval = 30 * 60) {
        self.key = key
        self.clock = clock
        self.idleTimeout = idleTimeout
    }

    /// A new session for a signed-in account, with a fresh random CSRF token.
    func open(userID: UUID, generation: Int, familyID: UUID, refreshTokenHash: String, language: ConsoleLanguage) throws -> ConsoleSession {
        var session = ConsoleSession(
            id: "", userID: userID, generation: generation, csrfToken: Self.randomToken(), familyID: familyID,
            refreshTokenHash: refreshTokenHash, lastSeen: clock.now(), language: language
        )
        session.id = try seal(session)
        return session
    }

    /// The session the cookie `value` seals, with the time of this request (and `language` when
    /// given) sealed into a new value when they changed enough; `nil` when the value is not one of
    /// ours or the session was idle for too long.
    func touch(_ value: String, language: ConsoleLanguage? = nil) -> ConsoleSession? {
        guard let bytes = Base64URL.decode(value), let plain = try? AES256GCM.open(bytes, key: key, authenticating: Self.purpose),
              let sealed = try? JSONDecoder().decode(Sealed.self, from: Data(plain)),
              let sealedLanguage = ConsoleLanguage(rawValue: sealed.l)
        else { return nil }
        let now = clock.now()
        let lastSeen = Date(timeIntervalSince1970: sealed.s)
        guard now.timeIntervalSince(lastSeen) < idleTimeout else { return nil }
        var session = ConsoleSession(
            id: value, userID: sealed.u, generation: sealed.g, csrfToken: sealed.c, familyID: sealed.f, refreshTokenHash: sealed.h,
            lastSeen: lastSeen, language: sealedLanguage
        )
        let newLanguage = language.flatMap { $0 == sealedLanguage ? nil : $0 }
        guard newLanguage != nil || now.timeIntervalSince(lastSeen) >= renewalInterval else { return session }
        session.lastSeen = now
        if let newLanguage { session.language = newLanguage }
        // A value that cannot be sealed again keeps the old one: it stays valid until it idles out.
        if let renewed = try? seal(session) { session.id = renewed }
        return session
    }

    private func seal(_ session: ConsoleSession) throws -> String {
        let sealed = Sealed(
            u: session.userID, g: session.generation, c: session.csrfToken, f: session.familyID, h: session.refreshTokenHash,
            s: session.lastSeen.timeIntervalSince1970, l: session.language.rawValue
        )
        return Base64URL.encode(try AES256GCM.seal(Array(try JSONEncoder().encode(sealed)), key: key, authenticating: Self.purpose))
    }

    /// 32 random bytes, base64url without padding (cookie- and form-safe).
    static func randomToken() -> String {
        Base64URL.encode(SecureRandom.bytes(count: 32))
    }
}
