import API
import Archive
import ArgumentParser
import Foundation

/// `protalent restore --from s3://BUCKET/PREFIX --data-dir D [--to-position N]`: a fresh data
/// directory from an archive, every batch checked; then `verify` passes and the printed head chain
/// hash is the manifest's (or the chain hash at N).
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Rebuild a data directory from the archive in S3-compatible object storage.",
        discussion: """
        Downloads the segments and tail objects the archive's manifest names, checks every batch (checksum, \
        position, hash chain) as a replica does, and stops at the manifest's position or at the last whole batch \
        at or before --to-position. Data keys come back sealed as at rest, with every tombstone applied (an \
        erased person stays erased whatever position is restored), and avatars too. The store comes from \
        AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION and PROTALENT_S3_ENDPOINT. \
        Refuses a non-empty directory; on failure nothing is left there. Start the result with `serve` as a \
        primary, or with `serve --replica-of URL` as a replica that continues from there. The master key is not \
        archived: give the server the same PROTALENT_MASTER_KEY (or keys/master.key) as the archived node.
        """
    )

    @Option(name: .customLong("from"), help: "The archive: s3://BUCKET/PREFIX.")
    var from: String

    @OptionGroup var data: DataDirectoryOptions

    @Option(name: .customLong("to-position"), help: "Restore up to this position (the last whole batch at or before it).")
    var toPosition: Int64?

    func run() async throws {
        guard let location = S3Location(from) else {
            throw ValidationError("--from must be s3://BUCKET/PREFIX, not '\(from)'")
        }
        if let toPosition, toPosition < 0 { throw ValidationError("--to-position must be 0 or more, not \(toPosition)") }
        let store: S3Configuration
        do {
            store = try S3Configuration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
        let restore = ArchiveRestore(
            location: location, store: store, dataDirectory: URL(fileURLWithPath: data.dataDirectory), toPosition: toPosition
        )
        let outcome: ArchiveRestore.Outcome
        do {
            outcome = try await restore.run()
        } catch {
            printError("error: restore from \(location) failed: \(error)")
            throw ExitCode(1)
        }
        print("restored position: \(outcome.position)")
        print("head chain hash: \(outcome.chainHash)")
        print("archive manifest: position \(outcome.manifestPosition), chain hash \(outcome.manifestChainHash)")
        print("data keys: \(outcome.keys), erased people: \(outcome.tombstones), avatars: \(outcome.blobs)")
    }
}
