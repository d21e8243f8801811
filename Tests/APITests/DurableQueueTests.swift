import API
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// The durable job queue under its worker: jobs run in the order recorded, survive a new queue on the
/// same directory (a restart), and a file that is not a job is set aside instead of retried for ever.
@Suite struct DurableQueueTests {
    struct Job: Codable, Sendable, Equatable { var n: Int }

    @Test func jobsRunInOrderAfterARestartAndAnUnreadableOneIsSetAside() async throws {
        let directory = try TemporaryDirectory("protalent-queue")
        defer { directory.remove() }
        // Recorded by a "previous run" that never ran them, next to a damaged file.
        let before = try DurableQueue<Job>(directory: directory.url)
        try before.enqueue(Job(n: 1))
        try before.enqueue(Job(n: 2))
        try Data("{not json".utf8).write(to: directory.url.appendingPathComponent("0-damaged.json"))

        let queue = try DurableQueue<Job>(directory: directory.url)
        let ran = Mutex<[Int]>([])
        let worker = QueueWorker("test", queue: queue, logger: Logger(label: "test")) { job in ran.withLock { $0.append(job.n) } }
        let running = Task { try await worker.run() }
        try queue.enqueue(Job(n: 3))
        await queue.waitUntilEmpty()
        running.cancel()
        try await running.value

        #expect(ran.withLock { $0 } == [1, 2, 3])
        #expect(try queue.pending().isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("0-damaged.json.unreadable").path))
    }
}
