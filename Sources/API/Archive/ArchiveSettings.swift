public import Archive

/// Where and how often a primary archives its log (`serve --archive`, `--archive-interval`).
public struct ArchiveSettings: Sendable {
    /// `s3://BUCKET/PREFIX`.
    public var location: S3Location
    /// The store's endpoint, region and credentials.
    public var store: S3Configuration
    /// New batches are shipped at least this often (1 s by default).
    public var interval: Duration

    /// Settings.
    public init(location: S3Location, store: S3Configuration, interval: Duration = .seconds(1)) {
        self.location = location
        self.store = store
        self.interval = interval
    }
}
