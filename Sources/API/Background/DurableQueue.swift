import EventSourcing
public import Foundation
import Synchronization

/// Work that must survive a shutdown or a crash: each job is a file written durably (temporary
/// file, fsync, rename, directory fsync) before `enqueue` returns, and removed only once its
/// handler succeeded.
///
/// A request that promises work for later (`202 Accepted`, a mail to send) records the job here
/// before it answers, so the promise outlives the process; a ``QueueWorker`` runs the jobs, in the
/// order they were recorded, and the next start resumes what a crash interrupted. A job may run
/// more than once (a crash after its effect and before its removal), so handlers make their effect
/// idempotent — the mail outbox names each message after its job, so a rerun rewrites the same file.
///
/// Layout: `<directory>/<microseconds>-<random>.json`, mode 0600 (jobs can carry addresses).
public final class DurableQueue<Job: Codable & Sendable>: Sendable {
    /// The queue's directory.
    public let directory: URL
    /// Wakes the running worker when a job arrives (the newest wake is enough); `nil` while none runs.
    private let wake = Mutex<AsyncStream<Void>.Continuation?>(nil)
    /// Jobs recorded and not yet completed, and the tasks waiting for none to be left.
    private let outstanding: Mutex<(count: Int, waiters: [CheckedContinuation<Void, Never>])>

    /// A queue in `directory` (created with mode 0700 when missing); jobs left by an earlier run
    /// are pending at once.
    public init(directory: URL) throws {
        self.directory = directory
        try SecureFile.makeDirectory(directory.path, mode: 0o700)
        let left = try SecureFile.names(in: directory.path).filter(Self.isJobName).count
        self.outstanding = Mutex((left, []))
    }

    /// Records `job` durably, then wakes the worker. When this returns, the job will run even if
    /// the process dies now.
    public func enqueue(_ job: Job) throws {
        let micros = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let name = "\(micros)-\(String(UInt64.random(in: .min ... .max), radix: 16)).json"
        let bytes = Array(try JSONEncoder().encode(job))
        outstanding.withLock { $0.count += 1 }
        do {
            try SecureFile.writeAtomically(bytes, to: path(of: name), mode: 0o600, replace: true)
        } catch {
            finish()
            throw error
        }
        signal()
    }

    /// The names of the recorded jobs, oldest first.
    public func pending() throws -> [String] {
        try SecureFile.names(in: directory.path).filter(Self.isJobName).sorted()
    }

    /// The job recorded under `name`.
    public func job(named name: String) throws -> Job {
        guard let bytes = try SecureFile.contents(of: path(of: name)) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path(of: name)])
        }
        return try JSONDecoder().decode(Job.self, from: Data(bytes))
    }

    /// Removes a job whose work is done.
    public func complete(_ name: String) throws {
        if try SecureFile.remove(path(of: name)) {
            try SecureFile.syncDirectory(directory.path)
            finish()
        }
    }

    /// Moves a job that cannot be read aside, as `<name>.unreadable`, so it is kept for the operator
    /// and no longer run.
    public func quarantine(_ name: String) throws {
        try FileManager.default.moveItem(atPath: path(of: name), toPath: path(of: name + ".unreadable"))
        try SecureFile.syncDirectory(directory.path)
        finish()
    }

    /// Waits until every job recorded so far has completed (a test's synchronisation point, and
    /// an operator's "is the mail out").
    public func waitUntilEmpty() async {
        await withCheckedContinuation { continuation in
            let resumeNow = outstanding.withLock { state in
                if state.count == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// The wake-ups of a worker starting now (replacing an earlier one's), beginning with one for
    /// the jobs already recorded.
    func wakes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        wake.withLock { $0?.finish(); $0 = continuation }
        return stream
    }

    /// Wakes the worker (a new job, a retry due, a shutdown).
    func signal() {
        _ = wake.withLock { $0?.yield() }
    }

    private func finish() {
        let waiters = outstanding.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count = max(0, state.count - 1)
            guard state.count == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func path(of name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    private static func isJobName(_ name: String) -> Bool {
        name.hasSuffix(".json") && !name.hasPrefix(".")
    }
}
