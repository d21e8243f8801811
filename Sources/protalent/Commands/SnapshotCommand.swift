import ArgumentParser
import Domain
import EventLog
import EventSourcing

/// `protalent snapshot`: writes aggregate snapshots for every long stream.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write aggregate snapshots (under <data>/snapshots) for every stream with at least --min-events events."
    )

    @OptionGroup var data: DataDirectoryOptions
    @Option(name: .customLong("min-events"), help: "Only streams with at least this many events.") var minEvents: Int = 100

    func validate() throws {
        guard minEvents >= 1 else { throw ValidationError("--min-events must be at least 1") }
    }

    func run() throws {
        let directory = try DataDirectory.open(data.dataDirectory)
        defer { directory.log.close() }
        let communities = try directory.store.snapshotAll(Communities.self, streamPrefix: "community-", minimumEvents: minEvents)
        let claims = try directory.store.snapshotAll(Identity.EmailClaim.self, streamPrefix: "email-", minimumEvents: minEvents)
        print("snapshots written: \(communities) communities, \(claims) email claims (streams with at least \(minEvents) events)")
    }
}
