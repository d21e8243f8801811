import Domain
import EventLog
import EventSourcing
import Foundation
import Projections
import ProjectionsTestSupport
import ReadModels
import TestSupport

/// A history written the way the application writes it: commands decided by the domain's deciders
/// through a real `EventStore` on the fixture's real log (personal data encrypted with its key
/// store), then projected by the repository's own `projections/*.sql` files.
final class DomainHistory: Sendable {
    let fixture: ReadModelFixture
    let store: EventStore

    init(_ label: String = "history") throws {
        fixture = try ReadModelFixture(label)
        store = EventStore(
            log: fixture.log, codec: EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys)),
            options: EventStore.Options(snapshotInterval: 0)
        )
    }

    /// 2026-11-23T09:00:00Z, a Monday: the history's "now".
    static let monday = Date(timeIntervalSince1970: 1_795_424_400)

    /// `n` as a UUID: `00000000-0000-0000-0000-<n>`.
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    /// `days` days (and `hours` hours) after `monday`.
    static func at(days: Double, hours: Double = 0) -> Date { monday.addingTimeInterval(days * 86_400 + hours * 3_600) }

    @discardableResult
    func community(_ id: UUID, _ command: Communities.Command) async throws -> [Communities.Event] {
        try await store.handle(command, to: Communities.self, stream: "community-\(id)").events
    }

    @discardableResult
    func gathering(_ id: UUID, _ command: Gathering.Command) async throws -> [Gathering.Event] {
        try await store.handle(command, to: Gathering.self, stream: "gathering-\(id)").events
    }

    func scholarship(_ id: UUID, _ command: Scholarships.Command) async throws {
        _ = try await store.handle(command, to: Scholarships.self, stream: "scholarship-\(id)")
    }

    func account(_ id: UUID, _ command: Identity.Account.Command) async throws {
        _ = try await store.handle(command, to: Identity.Account.self, stream: "account-\(id)")
    }

    func mentor(_ id: UUID, _ command: Mentoring.Mentor.Command) async throws -> Mentoring.Mentor.State {
        try await store.handle(command, to: Mentoring.Mentor.self, stream: "mentor-\(id)").state
    }

    func session(_ id: UUID, _ command: Mentoring.Session.Command) async throws {
        _ = try await store.handle(command, to: Mentoring.Session.self, stream: "session-\(id)")
    }

    /// Signs `user` up with `role` from `country` at `time`.
    func signUp(_ user: UUID, _ role: Role, country: String?, at time: Date) async throws {
        let registration = Identity.Account.Registration(
            userID: user, email: "user\(user.uuidString.suffix(4))@example.org", emailKey: "key-\(user)",
            password: NewPassword(plaintext: "a long enough secret", hash: "scrypt$hash"), firstName: "Awa", lastName: "Diop",
            role: role, countryCode: country, verification: IssuedToken(tokenHash: "verify-\(user)", expiresAt: time.addingTimeInterval(86_400)),
            now: time
        )
        try await account(user, .register(registration))
    }

    /// Every projection of the repository's `projections/`, on the fixture's data directory.
    func projections() throws -> ProjectionSet {
        try ProjectionSet(projectionsDirectory: projectionsDirectory, dataDirectory: fixture.data.url, log: fixture.log, keyStore: fixture.keys)
    }

    /// Runs `set` until every projection applied the whole log, then stops it.
    func catchUp(_ set: ProjectionSet) async throws {
        try await ProjectionsTestSupport.catchUp(set, fixture.log)
    }

    /// The projections of `projections/`, caught up with the whole log.
    func project() async throws -> ProjectionSet {
        let set = try projections()
        try await catchUp(set)
        return set
    }

    func close() { fixture.close() }
}
