import API
import Archive
import ArgumentParser
import Cryptography
import EventLog
import EventSourcing
import Foundation
import Logging

/// `protalent bench archive`: durable appends without and with continuous archiving in the same run,
/// the archive's lag under that load, and the time to restore the archived log.
struct BenchArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Append throughput with and without --archive, archive lag p50/p99 under load, restore time.",
        discussion: """
        Needs an S3-compatible store: --to s3://BUCKET/PREFIX (the bucket is created), credentials and endpoint from \
        AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and PROTALENT_S3_ENDPOINT, e.g. moto on loopback \
        (`scripts/moto -H 127.0.0.1 -p 9000` with PROTALENT_S3_ENDPOINT=http://127.0.0.1:9000). docs/performance.md.
        """
    )

    @Option(help: "The archive: s3://BUCKET/PREFIX (a prefix of its own: the bench starts from an empty archive).") var to: String
    @Option(help: "Events per phase.") var events: Int = 200_000
    @Option(help: "Concurrent writers.") var writers: Int = 64
    @Option(help: "Events per append.") var batch: Int = 1
    @Option(help: "The archive interval (1s, 500ms, …).") var interval: String = "1s"

    func validate() throws {
        guard events >= 1, writers >= 1, batch >= 1 else { throw ValidationError("--events, --writers and --batch must be at least 1") }
    }

    func run() async throws {
        guard let location = S3Location(to) else { throw ValidationError("--to must be s3://BUCKET/PREFIX, not '\(to)'") }
        guard let every = ServeCommand.duration(interval) else { throw ValidationError("--interval must be a duration such as 1s, not '\(interval)'") }
        let environment = ProcessInfo.processInfo.environment
        let store = try S3Configuration.fromEnvironment(environment)
        let setup = S3Client(configuration: store, bucket: location.bucket)
        try await setup.createBucket()
        try await setup.shutdown()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-bench-archive-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var workload = Workload(seed: 21)
        let pool = (0..<4_096).map { _ in workload.event() }
        let progress = isatty(STDERR_FILENO) == 1

        // 1. Without archiving.
        let plain = try await LogBenchmark(events: events, writers: writers, batch: batch, durability: .fsync, compressionLevel: 0, ackFile: nil)
            .run(directory: scratch.appendingPathComponent("plain/log").path, pool: pool, progress: progress)
        print(plain.figures.line("log, no archive"))

        // 2. The same load with an archiver running beside it, its lag sampled every 50 ms.
        let data = scratch.appendingPathComponent("archived")
        let log = try EventLog.open(directory: data.appendingPathComponent("log").path)
        let keys = try KeyStore(dataDirectory: data, environment: [KeyStore.masterKeyVariable: Base64.encode(SecureRandom.bytes(count: 32))])
        let settings = ArchiveSettings(location: location, store: store, interval: every)
        let monitor = ArchiveMonitor(settings: settings, dataDirectory: data)
        let archiver = Archiver(
            log: log, keys: keys, blobsDirectory: data.appendingPathComponent("blobs"), settings: settings, monitor: monitor,
            logger: Logger(label: "bench-archive")
        )
        let archiving = Task { try await archiver.run() }
        let sampling = Task { () -> [(events: Int64, seconds: Double)] in
            var samples: [(events: Int64, seconds: Double)] = []
            while !Task.isCancelled {
                let archived = monitor.status.archivedPosition
                let head = log.head
                var seconds = 0.0
                if head > archived, let committed = log.timestampMicros(at: archived + 1) {
                    seconds = max(0, Date().timeIntervalSince1970 - Double(committed) / 1_000_000)
                }
                samples.append((head - archived, seconds))
                try? await Task.sleep(for: .milliseconds(50))
            }
            return samples
        }
        let loop = try await AppendLoop(label: "log + archive", events: events, writers: writers, batch: batch, progress: progress).run(pool: pool) { append in
            let proposed = append.rows.map { ProposedEvent(type: $0.type, metadata: EventMetadata(actor: "bench"), payload: $0.payload) }
            _ = try await log.append(to: append.stream, expectedVersion: .exactly(append.expectedVersion), events: proposed)
        }
        let loadEnded = ContinuousClock.now
        // The archive catches up after the load (two minutes at most: a failing store ends the wait).
        while monitor.status.archivedPosition < log.head, ContinuousClock.now - loadEnded < .seconds(120) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let catchUp = (ContinuousClock.now - loadEnded).seconds
        sampling.cancel()
        let samples = await sampling.value
        archiving.cancel()
        _ = try? await archiving.value
        let stats = log.statistics()
        log.close()
        let figures = BenchFigures(
            events: Int(stats.events), payloadBytes: loop.payloadBytes, seconds: loop.seconds, latenciesNanos: loop.latenciesNanos,
            storedBytes: stats.storedBytes
        )
        print(figures.line("log, archiving every \(interval)"))
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        let lagEvents = samples.map { Double($0.events) }
        let lagSeconds = samples.map(\.seconds)
        print("archive lag under load (\(samples.count) samples every 50 ms): p50 \(formatted(percentile(lagSeconds, 0.5), digits: 2)) s / "
            + "\(formatted(percentile(lagEvents, 0.5), digits: 0)) events, p99 \(formatted(percentile(lagSeconds, 0.99), digits: 2)) s / "
            + "\(formatted(percentile(lagEvents, 0.99), digits: 0)) events; caught up \(formatted(catchUp, digits: 2)) s after the load"
            + (monitor.status.lastError.map { "; last error: \($0)" } ?? ""))

        // 3. Restore of what was archived.
        let began = ContinuousClock.now
        let outcome = try await ArchiveRestore(location: location, store: store, dataDirectory: scratch.appendingPathComponent("restored")).run()
        let seconds = (ContinuousClock.now - began).seconds
        print("restore: \(outcome.position) events in \(formatted(seconds, digits: 2)) s (\(formatted(Double(outcome.position) / max(seconds, 1e-9), digits: 0)) events/s), "
            + "\(stats.bytesOnDisk) bytes of segments")
    }
}
