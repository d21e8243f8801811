public import Domain
public import EventLog
import Foundation
import Synchronization

/// Whether an account still grants the access a token was issued with, checked at every request.
///
/// An access token lives 15 minutes, but a demotion, an erasure or a password reset must take
/// effect at the next request. A request acts with the account's current role, whatever role the
/// token names; an erasure or a reset raises the account's access generation
/// (`Identity.Account.State.accessGeneration`), and a token issued at an earlier generation is
/// refused. The check is cheap: the account's state is cached under its stream version, which the
/// log keeps in memory, so the stream is read again only after it changed.
public final class AccountAccess: Sendable {
    private struct Entry {
        var version: Int64
        var role: Role
        var active: Bool
        var generation: Int
        /// Login families not ended (logged out, revoked).
        var openFamilies: Set<UUID>
    }

    let commands: CommandExecutor
    let log: EventLog
    private let cache = Mutex<[UUID: Entry]>([:])
    /// Past this many cached accounts the cache starts again (every entry is cheap to rebuild).
    private let capacity: Int

    /// Access checks over `commands`' accounts.
    public init(commands: CommandExecutor, log: EventLog, capacity: Int = 100_000) {
        self.commands = commands
        self.log = log
        self.capacity = capacity
    }

    /// The principal a verified token acts as now: its account's current role, or a 401 when the
    /// account is gone or its access generation moved on since the token was issued.
    public func admit(_ verified: TokenService.VerifiedAccess) throws(APIError) -> Principal {
        guard case .user(let userID, _) = verified.principal else { return verified.principal }
        let entry = try current(userID)
        guard entry.active, entry.generation == verified.generation else {
            throw .unauthenticated("this session was ended (password reset or erasure); log in again")
        }
        return .user(userID, entry.role)
    }

    /// Whether the login family `familyID` of `userID` is still open: not logged out, not revoked.
    /// A console session lives as long as its login, on every node (the family's end is in the log).
    func loginIsOpen(userID: UUID, familyID: UUID) throws(APIError) -> Bool {
        try current(userID).openFamilies.contains(familyID)
    }

    private func current(_ userID: UUID) throws(APIError) -> Entry {
        let stream = StreamName.account(userID)
        let version = log.version(of: stream)
        if let entry = cache.withLock({ $0[userID] }), entry.version == version { return entry }
        let loaded = try commands.loadVersioned(Identity.Account.self, stream: stream)
        let entry = Entry(version: loaded.version, role: loaded.state.role, active: loaded.state.status == .active,
                          generation: loaded.state.accessGeneration,
                          openFamilies: Set(loaded.state.refreshFamilies.filter { !$0.value.revoked }.keys))
        cache.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[userID] = entry
        }
        return entry
    }
}
