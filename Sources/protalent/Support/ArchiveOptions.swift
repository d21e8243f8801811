import API
import Archive
import ArgumentParser

/// `serve --archive s3://BUCKET/PREFIX [--archive-interval 1s]`; the store from the AWS variables
/// and `PROTALENT_S3_ENDPOINT` (docs/operations.md, "Archive").
struct ArchiveOptions: ParsableArguments {
    @Option(name: .customLong("archive"), help: "Archive the log continuously to s3://BUCKET/PREFIX (or PROTALENT_ARCHIVE); credentials from AWS_*, endpoint from PROTALENT_S3_ENDPOINT.")
    var archive: String?

    @Option(name: .customLong("archive-interval"), help: "Ship new batches at least this often (default 1s; 500ms, 2s or seconds; or PROTALENT_ARCHIVE_INTERVAL).")
    var archiveInterval: String?

    /// The settings, `nil` when not archiving.
    ///
    /// - Throws: `ValidationError` naming the malformed flag or missing variable.
    func settings(environment: [String: String]) throws -> ArchiveSettings? {
        guard let text = archive ?? environment["PROTALENT_ARCHIVE"], !text.isEmpty else { return nil }
        guard let location = S3Location(text) else {
            throw ValidationError("--archive must be s3://BUCKET/PREFIX (a bucket of 3 to 63 lowercase letters, digits, dots or hyphens), not '\(text)'")
        }
        var interval = Duration.seconds(1)
        if let intervalText = archiveInterval ?? environment["PROTALENT_ARCHIVE_INTERVAL"] {
            guard let parsed = ServeCommand.duration(intervalText) else {
                throw ValidationError("--archive-interval must be a positive duration such as 1s or 500ms, not '\(intervalText)'")
            }
            interval = parsed
        }
        do {
            return ArchiveSettings(location: location, store: try S3Configuration.fromEnvironment(environment), interval: interval)
        } catch {
            throw ValidationError("--archive: \(error)")
        }
    }
}
