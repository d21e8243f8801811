import Foundation

/// How a log is written.
public struct EventLogOptions: Sendable {
    /// When an append is acknowledged.
    public enum Durability: Sendable, Equatable {
        /// After its batch is on disk (`fdatasync` returned). The default and the only safe choice.
        case fsync
        /// As soon as its batch is handed to the operating system: fast and lost on power failure.
        /// For benchmarks only.
        case unsafeNoSync
    }

    /// A segment is sealed and a new one started once it holds this many bytes (default 64 MiB).
    public var segmentSize: Int = 64 << 20
    /// Appends waiting together are cut into batches of about this many raw bytes (default 256 KiB).
    public var targetBatchBytes: Int = 256 << 10
    /// LZ4 level: `nil` stores raw, 0 the fast compressor, 1...12 LZ4 HC (default 0).
    public var compressionLevel: Int? = 0
    /// The active segment is zero-filled this far ahead of its tail (default 4 MiB; 0 turns it off),
    /// so that `fdatasync` after a batch finds no file-size change to journal.
    public var zeroFillStep: Int = 4 << 20
    /// The LZ4 dictionary a log gets when it has none yet (stored as `lz4.dict` on open; a log
    /// that has one keeps its own). With compression level 0, batches are then compressed against
    /// it (codec 2), which shrinks small batches most. Default `nil`: no dictionary.
    public var dictionary: LogDictionary?
    /// Whether the writer, after a round that answered several appends, waits (at most half an
    /// fsync) for as many to queue again before writing the next round, so closed-loop writers
    /// share one fsync instead of splitting into a small round and a large one (default true; a
    /// lone appender is never delayed). Off only to measure what it brings (`bench log --no-gather`).
    public var gatherRounds: Bool = true
    /// When appends are acknowledged.
    public var durability: Durability = .fsync
    /// Decoded batches kept in memory for readers and subscribers (default 256: live readers need
    /// only the last few, and a full batch decodes to up to `targetBatchBytes`, so this bounds the
    /// cache near 64 MiB).
    public var cachedBatches: Int = 256
    /// Whether this is a replica's log: it takes only a primary's batches, byte for byte
    /// (`EventLog.append(replicatedBatch:)`), and refuses appends of its own, which would fork it
    /// from the primary's chain.
    public var isReplica: Bool = false
    /// The commit clock, in microseconds since 1970 (injected so tests are deterministic).
    public var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    /// The defaults: 64 MiB segments, fsync on every batch, LZ4 fast.
    public init() {}
}
