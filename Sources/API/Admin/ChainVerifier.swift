import EventLog
import Foundation
import Logging

/// The whole-log verification behind `GET /admin/audit`: every checksum and the hash chain, as
/// `protalent verify` checks them, run beside the writer and kept for a while.
///
/// The EventLog API verifies whole logs, not single batches, so the audit reports the state of the
/// last whole-log check and marks each entry against it: `verified` (at or before the last
/// position checked, in an intact log), `broken` (at or after the first bad position),
/// `unverified` (appended since the check). A check older than `maxAge`, or one that no longer
/// covers a listed position, is run again, at most once every `minInterval`.
actor ChainVerifier {
    /// The state reported with every audit page.
    struct State: Encodable, Sendable {
        /// Whether every checksum and the whole chain verified (a torn tail being written is allowed).
        var intact: Bool
        /// The last position the check covered.
        var verifiedThrough: Int64
        /// The chain hash after that position, hex.
        var headChainHash: String
        /// When the check ran.
        var checkedAt: Date
        /// The first bad position and why, when not intact.
        var firstBadPosition: Int64?
        var fault: String?

        /// What the check says of the event at `position`.
        func status(of position: Int64) -> String {
            if let firstBadPosition, position >= firstBadPosition { return "broken" }
            return position <= verifiedThrough ? "verified" : "unverified"
        }
    }

    /// How long a check answers before it is run again.
    static let maxAge: TimeInterval = 60
    /// The shortest time between two checks: on a log written all the time, entries newer than the
    /// last check read `unverified` until then, rather than every request reading the whole log.
    static let minInterval: TimeInterval = 5

    let directory: String
    let logger: Logger
    private var last: State?
    /// The check under way, shared by the requests that arrive meanwhile.
    private var running: Task<Result<VerificationReport, LogError>, Never>?

    /// A verifier of the log in `directory`.
    init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// The state: the last check while it is younger than `maxAge` and covers `position` (or found
    /// a fault), or younger than `minInterval`; else a new check.
    func state(covering position: Int64, now: Date) async throws(APIError) -> State {
        if let last {
            let age = now.timeIntervalSince(last.checkedAt)
            if age < Self.minInterval || (age < Self.maxAge && (last.verifiedThrough >= position || !last.intact)) { return last }
        }
        let check: Task<Result<VerificationReport, LogError>, Never>
        if let running {
            check = running
        } else {
            let directory = self.directory
            // Reading every segment is blocking file I/O: keep it off the actor's executor.
            check = Task.detached { Result { () throws(LogError) in try LogVerifier.verify(directory: directory) } }
            running = check
        }
        let outcome = await check.value
        running = nil
        switch outcome {
        case .success(let report):
            let state = State(
                intact: report.isIntact, verifiedThrough: report.fault.map { $0.position - 1 } ?? report.events,
                headChainHash: report.headChainHash.map { String(format: "%02x", $0) }.joined(), checkedAt: now,
                firstBadPosition: report.fault?.position, fault: report.fault?.reason
            )
            if !report.isIntact {
                logger.critical("the log's verification failed", metadata: ["position": "\(report.fault?.position ?? 0)"])
            }
            last = state
            return state
        case .failure(let error):
            logger.error("verifying the log failed", metadata: ["error": "\(error)"])
            throw .unavailable("the log could not be verified just now; retry shortly", retryAfter: 1)
        }
    }
}
