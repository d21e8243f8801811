public import EventLog
public import Foundation
import Synchronization

/// Whether a node writes the log or follows another's.
public enum ReplicationRole: String, Codable, Sendable {
    /// Writes the log; streams it to replicas.
    case primary
    /// Follows a primary's log byte for byte; serves reads, redirects commands.
    case replica
}

/// What this node knows of the cluster: its role, and on a primary the replicas streaming from it,
/// on a replica the primary it follows. `GET /admin/replication` reports it.
public final class ReplicationNode: Sendable {
    /// This node's role.
    public let role: ReplicationRole
    /// The settings it was started with.
    public let settings: ReplicationSettings
    let log: EventLog
    private let state = Mutex(State())

    private struct State {
        var replicas: [String: ConnectedReplica] = [:]
        /// On a replica: the primary's URL as the primary advertises it (else `--replica-of`).
        var advertisedPrimaryURL: URL?
        var primaryHead: Int64?
        var connected = false
        var lastError: String?
        /// Commands waiting until enough replicas confirmed their position, by ticket.
        var waiters: [UInt64: Waiter] = [:]
        var nextTicket: UInt64 = 0
    }

    struct Waiter {
        var position: Int64
        var continuation: CheckedContinuation<Bool, Never>
        var timer: Task<Void, Never>?
    }

    struct ConnectedReplica {
        var url: String?
        var confirmedPosition: Int64
        var streams = 0
    }

    /// The node of `log` under `settings`.
    public init(settings: ReplicationSettings, log: EventLog) {
        self.settings = settings
        self.role = settings.isReplica ? .replica : .primary
        self.log = log
    }

    // MARK: Primary side

    /// A replica opened a stream from `position` (so it holds everything before it).
    func replicaConnected(id: String, url: String?, from position: Int64) {
        state.withLock { state in
            var replica = state.replicas[id] ?? ConnectedReplica(url: url, confirmedPosition: position - 1)
            replica.url = url ?? replica.url
            replica.confirmedPosition = max(replica.confirmedPosition, position - 1)
            replica.streams += 1
            state.replicas[id] = replica
            return Self.takeSatisfied(&state, needed: settings.requiredConfirmations)
        }.forEach { $0.timer?.cancel(); $0.continuation.resume(returning: true) }
    }

    /// A replica's stream ended; it stays listed with its last confirmed position.
    func replicaDisconnected(id: String) {
        state.withLock { $0.replicas[id]?.streams -= 1 }
    }

    /// A replica confirmed that its log holds everything up to `position`, durably.
    func replicaConfirmed(id: String, url: String?, position: Int64) {
        state.withLock { state in
            var replica = state.replicas[id] ?? ConnectedReplica(url: url, confirmedPosition: position)
            replica.url = url ?? replica.url
            replica.confirmedPosition = max(replica.confirmedPosition, position)
            state.replicas[id] = replica
            return Self.takeSatisfied(&state, needed: settings.requiredConfirmations)
        }.forEach { $0.timer?.cancel(); $0.continuation.resume(returning: true) }
    }

    // MARK: Synchronous replication

    /// Waits until `settings.syncReplicas` replicas confirmed `position` durable, or
    /// `settings.syncTimeout` passed: `true` when they did (at once when none is required).
    ///
    /// Woken by the confirmations themselves (`replicaConfirmed`), never by polling; a stopped
    /// replica costs a waiting command at most the timeout and the log's writer nothing.
    public func waitForReplicas(_ position: Int64) async -> Bool {
        let needed = settings.requiredConfirmations
        guard needed > 0 else { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let ticket: UInt64? = state.withLock { state in
                if Self.confirmations(of: position, in: state) >= needed { return nil }
                state.nextTicket += 1
                state.waiters[state.nextTicket] = Waiter(position: position, continuation: continuation)
                return state.nextTicket
            }
            guard let ticket else { return continuation.resume(returning: true) }
            let timeout = settings.syncTimeout
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled, let self else { return }
                self.state.withLock { $0.waiters.removeValue(forKey: ticket) }?.continuation.resume(returning: false)
            }
            // Already woken (a confirmation between the two locks): the timer has nothing to do.
            let woken = state.withLock { state in
                guard state.waiters[ticket] != nil else { return true }
                state.waiters[ticket]?.timer = timer
                return false
            }
            if woken { timer.cancel() }
        }
    }

    private static func confirmations(of position: Int64, in state: State) -> Int {
        state.replicas.values.reduce(0) { $0 + ($1.confirmedPosition >= position ? 1 : 0) }
    }

    private static func takeSatisfied(_ state: inout State, needed: Int) -> [Waiter] {
        guard needed > 0, !state.waiters.isEmpty else { return [] }
        var woken: [Waiter] = []
        for (ticket, waiter) in state.waiters where confirmations(of: waiter.position, in: state) >= needed {
            woken.append(waiter)
            state.waiters.removeValue(forKey: ticket)
        }
        return woken
    }

    // MARK: Replica side

    /// The URL commands are redirected to: the primary's advertised URL once learned, else `--replica-of`.
    public var primaryURL: URL? {
        state.withLock { $0.advertisedPrimaryURL } ?? settings.primaryURL
    }

    func streamOpened(advertisedPrimaryURL: URL?, primaryHead: Int64?) {
        state.withLock { state in
            if let advertisedPrimaryURL { state.advertisedPrimaryURL = advertisedPrimaryURL }
            state.primaryHead = primaryHead ?? state.primaryHead
            state.connected = true
        }
    }

    /// The replica wrote batches up to `head`: the stream works again, so an earlier error is past.
    /// (Opening a stream does not clear it: a primary that sends a refused batch on every
    /// connection keeps its error visible.)
    func batchesApplied(head: Int64) {
        state.withLock { state in
            state.primaryHead = max(state.primaryHead ?? 0, head)
            state.lastError = nil
        }
    }

    func primaryHeadSeen(_ head: Int64) {
        state.withLock { $0.primaryHead = max($0.primaryHead ?? 0, head) }
    }

    func streamClosed(error: String?) {
        state.withLock { state in
            state.connected = false
            if let error { state.lastError = error }
        }
    }

    // MARK: Status

    /// `GET /admin/replication`.
    public struct Status: Codable, Sendable, Equatable {
        /// One replica as its primary sees it.
        public struct Replica: Codable, Sendable, Equatable {
            public var id: String
            public var url: String?
            public var connected: Bool
            public var confirmedPosition: Int64
            public var lagEvents: Int64
            public var lagSeconds: Double
        }

        public var role: ReplicationRole
        /// Always 0 until promotion exists.
        public var epoch: Int64
        public var head: Int64
        public var primaryUrl: String?
        /// On a replica: whether its stream from the primary is open, the primary's head as last
        /// heard, and the last error of the stream.
        public var connected: Bool?
        public var primaryHead: Int64?
        public var lastError: String?
        public var replicas: [Replica]
    }

    /// The node's state now.
    public func status(now: Date = Date()) -> Status {
        let head = log.head
        let snapshot = state.withLock { $0 }
        let replicas = snapshot.replicas.sorted { $0.key < $1.key }.map { id, replica in
            let lag = max(0, head - replica.confirmedPosition)
            // How long the oldest event the replica lacks has waited.
            let waited = lag == 0 ? 0 : log.timestampMicros(at: replica.confirmedPosition + 1).map {
                max(0, now.timeIntervalSince1970 - Double($0) / 1_000_000)
            } ?? 0
            return Status.Replica(
                id: id, url: replica.url, connected: replica.streams > 0, confirmedPosition: replica.confirmedPosition,
                lagEvents: lag, lagSeconds: (waited * 1_000).rounded() / 1_000
            )
        }
        switch role {
        case .primary:
            return Status(role: .primary, epoch: 0, head: head, primaryUrl: settings.advertiseURL?.absoluteString, replicas: replicas)
        case .replica:
            return Status(
                role: .replica, epoch: 0, head: head, primaryUrl: primaryURL?.absoluteString, connected: snapshot.connected,
                primaryHead: snapshot.primaryHead, lastError: snapshot.lastError, replicas: replicas
            )
        }
    }
}
