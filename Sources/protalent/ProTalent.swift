import ArgumentParser

/// The ProTalent command line: server, audit trail, verification and benchmarks.
@main
struct ProTalent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protalent",
        abstract: "ProTalent: an event-sourced backend for Coach&Pro'Talent.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, VerifyCommand.self, ReplayCommand.self, StatsCommand.self, SnapshotCommand.self,
            RebuildCommand.self, CatchUpCommand.self, BenchCommand.self,
        ]
    )
}
