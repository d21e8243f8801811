import Foundation
import Synchronization

/// A test hook: `PROTALENT_TEST_PAUSE_MID_BATCH=<k>:<marker path>` makes the k-th live batch of the
/// process stop halfway through its transaction, create the marker file and sleep, so a crash test
/// can kill the process with rows of the batch written but not committed.
struct MidBatchPause: Sendable {
    /// The hook configured in the environment, if any (read once).
    static let configured: MidBatchPause? = {
        guard let value = ProcessInfo.processInfo.environment["PROTALENT_TEST_PAUSE_MID_BATCH"],
              let colon = value.firstIndex(of: ":"), let batch = Int(value[..<colon]) else { return nil }
        return MidBatchPause(batch: batch, marker: String(value[value.index(after: colon)...]))
    }()

    private static let batches = Counter()

    /// The 1-based live batch that pauses.
    let batch: Int
    /// The file created when the pause starts.
    let marker: String

    /// Called halfway through a live batch: pauses (for good) if it is the configured one.
    func reached() {
        guard Self.batches.next() == batch else { return }
        _ = FileManager.default.createFile(atPath: marker, contents: Data("paused\n".utf8))
        while true { sleep(60) } // until the test kills the process
    }

    /// Counts live batches across threads.
    private final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}
