import ArgumentParser
import EventLog
import Foundation

/// `protalent bench`: measured figures, printed with their conditions.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and latency, against a baseline in the same run.",
        subcommands: [
            BenchLogCommand.self, BenchStreamCommand.self, BenchProjectionsCommand.self, BenchSearchCommand.self, BenchClusterCommand.self,
            BenchHotStreamsCommand.self, BenchArchiveCommand.self,
        ]
    )
}

/// `protalent bench log`: durable appends of realistic events vs an SQLite events table.
struct BenchLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Append realistic events with concurrent writers at full durability, and the same workload to SQLite."
    )

    @Option(name: .customLong("data-dir"), help: "Keep the log here (<dir>/log) for verify and replay; default: a temporary directory.")
    var dataDirectory: String?
    @Option(help: "Events to append.") var events: Int = 100_000
    @Option(help: "Concurrent writers.") var writers: Int = 16
    @Option(help: "Events per append.") var batch: Int = 1
    @Option(name: .customLong("baseline-events"), help: "Events for the SQLite baseline (default min(events, 20000); 0 skips it).")
    var baselineEvents: Int?
    @Option(name: .customLong("ack-file"), help: "Append every acknowledged event id to this file (the baseline is skipped).")
    var ackFile: String?
    @Option(name: .customLong("compression-level"), help: "LZ4 level: -1 none, 0 fast (default), 1-12 high compression.")
    var compressionLevel: Int = 0
    @Flag(name: .customLong("no-sync"), help: "Acknowledge before fsync (unsafe; to measure the cost of durability).")
    var noSync = false
    @Flag(name: .customLong("no-dictionary"), help: "Compress each batch on its own (codec 1), as logs without a dictionary do.")
    var noDictionary = false
    @Flag(name: .customLong("no-gather"), help: "Write each round as soon as one append waits (the writer before round gathering).")
    var noGather = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard events > 0, writers > 0, batch > 0 else { throw ValidationError("--events, --writers and --batch must be positive") }
        guard (-1...12).contains(compressionLevel) else { throw ValidationError("--compression-level is -1...12") }
        if let baselineEvents, baselineEvents < 0 { throw ValidationError("--baseline-events must be 0 or more") }
    }

    func run() async throws {
        let sample = ackFile != nil ? 0 : (baselineEvents ?? min(events, 20_000))
        // A scratch directory only when something needs it: a run killed on purpose (the crash
        // tests pass --data-dir and --ack-file) then leaves nothing behind in /tmp.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-bench-\(UUID().uuidString)").path
        if dataDirectory == nil || sample > 0 {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let logDirectory = (dataDirectory ?? scratch) + "/log"
        let progress = !json && isatty(STDERR_FILENO) == 1

        var workload = Workload(seed: 2026)
        let pool = (0..<4_096).map { _ in workload.event() }
        let durability: EventLogOptions.Durability = noSync ? .unsafeNoSync : .fsync
        let logRun = try await LogBenchmark(
            events: events, writers: writers, batch: batch, durability: durability,
            compressionLevel: compressionLevel < 0 ? nil : compressionLevel, ackFile: ackFile,
            dictionary: noDictionary ? nil : Workload.dictionary(), gatherRounds: !noGather
        ).run(directory: logDirectory, pool: pool, progress: progress)
        if progress { Progress.clear() }

        var baseline: BenchFigures?
        if sample > 0 {
            baseline = try await SQLiteBaseline(events: sample, writers: writers, batch: batch)
                .run(path: scratch + "/baseline.sqlite", pool: pool, progress: progress)
            if progress { Progress.clear() }
        }
        let speedup = baseline.map { logRun.figures.eventsPerSecond / max($0.eventsPerSecond, 1e-9) }
        let conditions = Conditions(
            events: events, writers: writers, eventsPerAppend: batch, durability: noSync ? "none (unsafe)" : "fdatasync per batch",
            compression: compressionLevel < 0 ? "none"
                : compressionLevel == 0 ? (noDictionary ? "lz4 fast" : "lz4 fast + schema dictionary") : "lz4hc \(compressionLevel)",
            baselineEvents: sample, cores: ProcessInfo.processInfo.activeProcessorCount,
            averagePayloadBytes: pool.reduce(0) { $0 + $1.payload.count } / pool.count
        )
        if json {
            let report = Report(log: logRun.figures, baseline: baseline, compressionRatio: logRun.compressionRatio, speedup: speedup, conditions: conditions)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("conditions: \(conditions.events) events of ~\(conditions.averagePayloadBytes) B JSON, \(writers) writers, \(batch) event(s)/append, "
              + "\(conditions.durability), \(conditions.compression), rounds \(noGather ? "not gathered" : "gathered"), \(conditions.cores) cores, "
              + "load average \(Self.loadAverage())")
        print(logRun.figures.line("log     "))
        print("compression ratio: \(formatted(logRun.compressionRatio, digits: 2))x")
        let syncs = logRun.syncs
        if syncs.count > 0 {
            let perSync = Double(logRun.figures.events) / Double(syncs.count)
            let meanMicros = Double(syncs.nanoseconds) / Double(syncs.count) / 1_000
            print("fdatasync: \(syncs.count) calls, \(formatted(perSync, digits: 1)) events per call, mean \(formatted(meanMicros, digits: 0)) µs "
                  + "(the disk alone allows \(formatted(perSync * 1e6 / max(meanMicros, 1e-9), digits: 0)) events/s at this round size)")
        }
        if let baseline, let speedup {
            print(baseline.line("sqlite  "))
            print("speedup (events/s, log vs SQLite WAL synchronous=FULL on \(sample) events): \(formatted(speedup, digits: 1))x")
        }
        if let dataDirectory { print("log kept in \(dataDirectory)/log") }
    }

    /// The 1-minute load average, printed beside every figure (the machine is shared).
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        let fields = text.split(separator: " ").prefix(3)
        return fields.count == 3 ? fields.joined(separator: " ") : "unknown"
    }

    struct Conditions: Codable {
        var events: Int
        var writers: Int
        var eventsPerAppend: Int
        var durability: String
        var compression: String
        var baselineEvents: Int
        var cores: Int
        var averagePayloadBytes: Int
    }

    struct Report: Codable {
        var log: BenchFigures
        var baseline: BenchFigures?
        var compressionRatio: Double
        var speedup: Double?
        var conditions: Conditions
    }
}
