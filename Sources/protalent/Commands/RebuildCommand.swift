import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Logging
import Projections
import ReadModels
import Synchronization

/// `protalent rebuild`: rebuilds read models from the log, offline, blue/green.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read models from position 0 into new files, then swap them in.",
        discussion: "Reads the log without taking the writer lock. Shows progress on a terminal (events, events/s, ETA) and prints a summary."
    )

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The directory of projection .sql files.") var projections: String = "./projections"
    @Argument(help: "Projections to rebuild (all when none is named).") var names: [String] = []

    func run() async throws {
        let (log, set) = try data.offlineProjectionSet(projections: projections, label: "protalent.rebuild")
        let chosen = names.isEmpty ? set.runners.map(\.projection.name) : names
        for name in chosen where set.runner(named: name) == nil {
            throw ValidationError("no projection named '\(name)' in \(projections) (have: \(set.runners.map(\.projection.name).sorted().joined(separator: ", ")))")
        }
        let terminal = isatty(STDERR_FILENO) == 1
        let started = ContinuousClock.now
        let lastDraw = Mutex(ContinuousClock.now)
        // Every chosen projection is built together (one read of the log, each in parallel): one bar.
        try await set.rebuild(chosen) { name, step in
            guard terminal else { return }
            let now = ContinuousClock.now
            let draw = lastDraw.withLock { last -> Bool in
                guard now - last > .milliseconds(100) || step.done == step.total else { return false }
                last = now
                return true
            }
            guard draw else { return }
            let seconds = max((now - started).seconds, 1e-6)
            let rate = Double(step.done) / seconds
            let eta = rate > 0 ? Double(step.total - step.done) / rate : 0
            let width = 30
            let filled = step.total > 0 ? Int(Double(width) * Double(step.done) / Double(step.total)) : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            Progress.draw("\(chosen.count == 1 ? name : "\(chosen.count) projections") [\(bar)] \(step.done)/\(step.total) events, "
                + "\(formatted(rate, digits: 0)) events/s, ETA \(formatted(eta, digits: 0)) s")
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = (ContinuousClock.now - started).seconds
        var failed = false
        for name in chosen {
            guard let status = set.runner(named: name)?.status else { continue }
            if let failure = status.failure {
                printError("error: \(name) stopped at position \(failure.position) (\(failure.eventType)): \(failure.message)")
                failed = true
                continue
            }
            print("\(name): rebuilt to position \(status.checkpoint), version \(status.version.prefix(12))")
        }
        let head = log.head
        print("rebuilt \(chosen.count) projection(s) to position \(head) in \(formatted(seconds, digits: 2)) s "
              + "(\(formatted(Double(head) / max(seconds, 1e-9), digits: 0)) events/s, built together)")
        if failed { throw ExitCode(1) }
    }
}
