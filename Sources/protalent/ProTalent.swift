import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The ProTalent command line: server, audit trail, verification and benchmarks.
@main
struct ProTalent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protalent",
        abstract: "ProTalent: an event-sourced backend for Coach&Pro'Talent.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, VerifyCommand.self, ReplayCommand.self, StatsCommand.self, SnapshotCommand.self,
            RebuildCommand.self, CatchUpCommand.self, BenchCommand.self, RestoreCommand.self, PromoteCommand.self, RejoinCommand.self,
        ]
    )

    /// Every file a command creates is its user's alone (mode 0600, directories 0700): the data
    /// directory holds personal data, key files and mails with live reset links.
    static func main() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
