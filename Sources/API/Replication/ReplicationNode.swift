public import EventLog
public import Foundation
public import Logging
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
///
/// The role is derived from state, at request time: a node is the primary when its log's last
/// epoch (`ClusterEpoch`) names it, or when it was started without `--replica-of` and its log holds
/// no epoch; and it is not fenced (`ReplicationFence`: it learnt of a newer epoch). A node started
/// as a primary whose log names another node's epoch is fenced too: it should follow.
public final class ReplicationNode: Sendable {
    /// The settings it was started with.
    public let settings: ReplicationSettings
    /// This node's id (`<data>/node.id`), as epochs name their primary.
    public let nodeID: String
    let log: EventLog
    let dataDirectory: URL
    let logger: Logger
    private let state: Mutex<State>

    /// A node's standing, from its log's epoch, its fence and its settings.
    public enum Standing: String, Sendable {
        /// Takes commands.
        case primary
        /// Follows a primary.
        case replica
        /// A former primary that learnt of a newer epoch: reads only, until `protalent rejoin`.
        case fenced
    }

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
        var fence: ReplicationFence?
        /// Left by `protalent rejoin`: the primary to follow.
        var follow: ReplicationFence?
        /// The last epoch read from the log, and the `$cluster` version it was read at.
        var epoch: (version: Int64, value: ClusterEpoch?) = (-1, nil)
        /// A promotion is under way or done: the follower stops.
        var promoting = false
        var followerRunning = false
        var promotionWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var followerStopWaiters: [CheckedContinuation<Void, Never>] = []
        /// Woken by a promotion: the fence notifier tells the other nodes.
        var epochWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
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

    /// The node of `log` under `settings`, with its id and data directory (for the fence file).
    /// Puts the log in the mode its standing allows: only a primary's log takes appends.
    public init(settings: ReplicationSettings, log: EventLog, nodeID: String, dataDirectory: URL, logger: Logger = Logger(label: "protalent")) {
        self.settings = settings
        self.log = log
        self.nodeID = nodeID
        self.dataDirectory = dataDirectory
        self.logger = logger
        self.state = Mutex(State(
            fence: ReplicationFence.load(dataDirectory: dataDirectory),
            follow: ReplicationFence.load(dataDirectory: dataDirectory, kind: .follow)
        ))
        switch standing {
        case .primary: log.promoteToWriter()
        case .replica: log.demoteToReplica()
        case .fenced:
            log.demoteToReplica()
            logger.error("fenced: run protalent rejoin", metadata: ["epoch": "\(epoch)", "newerEpoch": "\(fence?.epoch ?? epoch)"])
        }
    }

    // MARK: Role and epoch

    /// The last epoch this node's log holds (`nil`: epoch 0).
    public var currentEpoch: ClusterEpoch? {
        let version = log.version(of: ClusterEpoch.stream)
        if let cached = state.withLock({ $0.epoch.version == version ? $0.epoch : nil }) { return cached.value }
        let value = ClusterEpoch.current(in: log)
        state.withLock { $0.epoch = (version, value) }
        return value
    }

    /// This node's epoch: that of the last epoch event in its log, 0 when none.
    public var epoch: Int64 { currentEpoch?.epoch ?? 0 }

    /// The fence, when this node learnt of a newer epoch than its own.
    public var fence: ReplicationFence? { state.withLock { $0.fence } }

    /// Whether this node takes commands, follows, or is fenced (see the type's discussion).
    public var standing: Standing {
        let current = currentEpoch
        if let fence, fence.epoch > (current?.epoch ?? 0) { return .fenced }
        // Rejoined: it follows, until its log holds that epoch (then the epoch names another node).
        if let follow = state.withLock({ $0.follow }), follow.epoch > (current?.epoch ?? 0) { return .replica }
        if let current, current.node == nodeID { return .primary }
        if settings.isReplica || state.withLock({ $0.follow }) != nil { return .replica }
        return current == nil ? .primary : .fenced
    }

    /// This node's role: primary only when it takes commands.
    public var role: ReplicationRole { standing == .primary ? .primary : .replica }

    /// How many replica confirmations a command waits for on this node (none unless it is the primary).
    public var requiredConfirmations: Int { standing == .primary ? max(0, settings.syncReplicas) : 0 }

    /// Another node spoke of `epoch` (a replica's request, a new primary's notice): a primary at a
    /// lower epoch fences itself at once, durably, and its log stops taking appends. Returns
    /// whether this node is fenced now.
    @discardableResult
    public func observe(epoch remote: Int64, url: String?) -> Bool {
        let own = epoch
        // Only a primary fences itself: a replica learns of epochs by following.
        guard remote > own, standing == .primary else { return standing == .fenced }
        let fenced = state.withLock { state -> ReplicationFence? in
            if let fence = state.fence, fence.epoch >= remote { return nil }
            let fence = ReplicationFence(epoch: remote, url: url ?? state.fence?.url)
            state.fence = fence
            return fence
        }
        if let fenced {
            log.demoteToReplica()
            do {
                try fenced.write(dataDirectory: dataDirectory)
            } catch {
                logger.error("replication: the fence could not be written", metadata: ["error": "\(error)"])
            }
            logger.error("fenced: run protalent rejoin", metadata: [
                "epoch": "\(own)", "newerEpoch": "\(remote)", "primary": "\(url ?? "unknown")",
            ])
        }
        return standing == .fenced
    }

    // MARK: Promotion

    /// Makes this replica the primary at epoch + 1: stops the follower, switches the log to a
    /// writer's and appends the epoch event (`POST /admin/replication/promote`).
    ///
    /// - Throws: `APIError.conflict` when this node is not a replica (a primary, or fenced).
    public func promote() async throws -> ClusterEpoch {
        let refusal: String? = state.withLock { state in
            if state.promoting { return "a promotion of this node is already under way or done" }
            state.promoting = true
            return nil
        }
        if let refusal { throw APIError.conflict(refusal) }
        guard standing == .replica else {
            state.withLock { $0.promoting = false }
            throw APIError.conflict("this node is not a replica (it is \(standing.rawValue)): only a replica is promoted")
        }
        let waiters = state.withLock { state in
            defer { state.promotionWaiters.removeAll() }
            return Array(state.promotionWaiters.values)
        }
        waiters.forEach { $0.resume() }
        await waitForFollowerToStop()
        log.promoteToWriter()
        do {
            let epoch = try await ClusterEpoch.start(on: log, node: nodeID, url: settings.advertiseURL?.absoluteString)
            logger.warning("replication: promoted to primary", metadata: ["epoch": "\(epoch.epoch)", "head": "\(log.head)"])
            let woken = state.withLock { state in
                defer { state.epochWaiters.removeAll() }
                return Array(state.epochWaiters.values)
            }
            woken.forEach { $0.resume() }
            return epoch
        } catch {
            log.demoteToReplica()
            state.withLock { $0.promoting = false }
            throw error
        }
    }

    /// Whether a promotion started: the follower stops.
    var isPromoting: Bool { state.withLock { $0.promoting } }

    /// Returns when a promotion starts (at once if one did) or the task is cancelled.
    func waitForPromotion() async {
        await wait(for: .promotion)
    }

    /// Returns at the next promotion of this node, once its epoch is in the log (or on cancellation).
    func waitForNewEpoch() async {
        await wait(for: .newEpoch)
    }

    private enum Awaited: Sendable {
        case promotion
        case newEpoch
    }

    private func wait(for awaited: Awaited) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    switch awaited {
                    case .promotion:
                        if state.promoting { return true }
                        state.promotionWaiters[id] = continuation
                    case .newEpoch:
                        state.epochWaiters[id] = continuation
                    }
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                switch awaited {
                case .promotion: state.promotionWaiters.removeValue(forKey: id)
                case .newEpoch: state.epochWaiters.removeValue(forKey: id)
                }
            }
            waiter?.resume()
        }
    }

    func followerStarted() {
        state.withLock { $0.followerRunning = true }
    }

    func followerStopped() {
        let waiters = state.withLock { state in
            state.followerRunning = false
            defer { state.followerStopWaiters.removeAll() }
            return state.followerStopWaiters
        }
        waiters.forEach { $0.resume() }
    }

    private func waitForFollowerToStop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if !state.followerRunning { return true }
                state.followerStopWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    // MARK: Primary side

    /// A replica opened a stream from `position` (so it holds everything before it).
    func replicaConnected(id: String, url: String?, from position: Int64) {
        // Read before the lock: the standing reads the state too (a Mutex is not re-entrant).
        let needed = requiredConfirmations
        state.withLock { state in
            var replica = state.replicas[id] ?? ConnectedReplica(url: url, confirmedPosition: position - 1)
            replica.url = url ?? replica.url
            replica.confirmedPosition = max(replica.confirmedPosition, position - 1)
            replica.streams += 1
            state.replicas[id] = replica
            return Self.takeSatisfied(&state, needed: needed)
        }.forEach { $0.timer?.cancel(); $0.continuation.resume(returning: true) }
    }

    /// A replica's stream ended; it stays listed with its last confirmed position.
    func replicaDisconnected(id: String) {
        state.withLock { $0.replicas[id]?.streams -= 1 }
    }

    /// A replica confirmed that its log holds everything up to `position`, durably.
    func replicaConfirmed(id: String, url: String?, position: Int64) {
        // Read before the lock: the standing reads the state too (a Mutex is not re-entrant).
        let needed = requiredConfirmations
        state.withLock { state in
            var replica = state.replicas[id] ?? ConnectedReplica(url: url, confirmedPosition: position)
            replica.url = url ?? replica.url
            replica.confirmedPosition = max(replica.confirmedPosition, position)
            state.replicas[id] = replica
            return Self.takeSatisfied(&state, needed: needed)
        }.forEach { $0.timer?.cancel(); $0.continuation.resume(returning: true) }
    }

    // MARK: Synchronous replication

    /// Waits until `settings.syncReplicas` replicas confirmed `position` durable, or
    /// `settings.syncTimeout` passed: `true` when they did (at once when none is required).
    ///
    /// Woken by the confirmations themselves (`replicaConfirmed`), never by polling; a stopped
    /// replica costs a waiting command at most the timeout and the log's writer nothing.
    public func waitForReplicas(_ position: Int64) async -> Bool {
        let needed = requiredConfirmations
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

    /// The nodes to follow: `--replica-of` but this node, and the primary `rejoin` named.
    var candidateURLs: [URL] {
        var urls = settings.candidateURLs
        if let text = state.withLock({ $0.follow?.url }), let url = URL(string: text), !urls.contains(url) { urls.append(url) }
        return urls
    }

    /// The primary this node last followed, as it advertised itself (kept after a promotion: the
    /// former primary the fence notifier tells).
    var followedPrimaryURL: URL? { state.withLock { $0.advertisedPrimaryURL } }

    /// The URL commands are redirected to: the primary's advertised URL once learned, else `--replica-of`.
    public var primaryURL: URL? {
        if standing == .fenced, let url = fence?.url ?? currentEpoch?.url { return URL(string: url) }
        return state.withLock { $0.advertisedPrimaryURL } ?? currentEpoch.flatMap { $0.node == nodeID ? nil : $0.url }.flatMap(URL.init(string:))
            ?? settings.primaryURL
    }

    func streamOpened(advertisedPrimaryURL: URL?, primaryHead: Int64?) {
        // (Set even when nil: a stream from another candidate must not redirect to the last one's URL.)
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
        /// The epoch of the last epoch event in this node's log (0 when none).
        public var epoch: Int64
        /// Whether this node is a former primary fenced by a newer epoch (it takes no command).
        public var fenced: Bool
        /// The newer epoch a fenced node learnt of.
        public var fencedBy: Int64?
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
        let standing = standing
        let epoch = epoch
        switch standing {
        case .primary:
            return Status(
                role: .primary, epoch: epoch, fenced: false, head: head, primaryUrl: settings.advertiseURL?.absoluteString, replicas: replicas
            )
        case .replica, .fenced:
            return Status(
                role: .replica, epoch: epoch, fenced: standing == .fenced, fencedBy: standing == .fenced ? snapshot.fence?.epoch : nil,
                head: head, primaryUrl: primaryURL?.absoluteString, connected: snapshot.connected,
                primaryHead: snapshot.primaryHead, lastError: snapshot.lastError, replicas: replicas
            )
        }
    }
}
