public import Foundation

/// A decider's state at one version of one stream, as read from a snapshot file.
public struct Snapshot<State> {
    /// The stream.
    public var stream: String
    /// The stream version the state reflects: events 1 through `version` are folded in.
    public var version: Int64
    /// The decider's `stateSchemaVersion` when the snapshot was taken.
    public var stateSchemaVersion: Int
    /// When the snapshot was taken.
    public var takenAt: Date
    /// The state.
    public var state: State
}

extension Snapshot: Sendable where State: Sendable {}

/// The first line of a snapshot file.
struct SnapshotHeader: Codable, Equatable {
    /// The file format (1).
    var format: Int
    /// `String(reflecting:)` of the decider type: a snapshot of another decider's view of the stream is ignored.
    var decider: String
    var stream: String
    var version: Int64
    var stateSchemaVersion: Int
    var takenAt: Date
    /// Lowercase hex SHA-256 of the state bytes that follow the header line.
    var stateSHA256: String
}
