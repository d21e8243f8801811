import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Logging
import Projections
import ReadModels

/// `protalent catch-up`: brings read models up to the log's head from their checkpoints, offline.
struct CatchUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catch-up",
        abstract: "Apply the events after each read model's checkpoint, up to the log's head, then exit.",
        discussion: """
            Resumes each model after its stored checkpoint, one transaction per batch with the checkpoint in it, \
            so a killed run resumes exactly where it stopped. Creates a missing model; rebuilds one built by \
            another version of its file. Reads the log without taking the writer lock.
            """
    )

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The directory of projection .sql files.") var projections: String = "./projections"
    @Option(name: .customLong("batch-size"), help: "Events per transaction.") var batchSize: Int = 5_000
    @Argument(help: "Projections to bring up to date (all when none is named).") var names: [String] = []

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() async throws {
        let (_, set) = try data.offlineProjectionSet(projections: projections, label: "protalent.catch-up", batchSize: batchSize)
        var chosen: [ProjectionRunner] = []
        for name in names.isEmpty ? set.runners.map(\.projection.name) : names {
            guard let runner = set.runner(named: name) else {
                throw ValidationError("no projection named '\(name)' in \(projections) (have: \(set.runners.map(\.projection.name).joined(separator: ", ")))")
            }
            chosen.append(runner)
        }
        // The log was opened read-only: each runner stops at its head.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for runner in chosen { group.addTask { try await runner.run() } }
            try await group.waitForAll()
        }
        var failed = false
        for runner in chosen {
            let status = runner.status
            if let failure = status.failure {
                printError("error: \(status.name) stopped at position \(failure.position) (\(failure.eventType)): \(failure.message)")
                failed = true
            } else {
                print("\(status.name): at position \(status.checkpoint) of \(status.head)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
