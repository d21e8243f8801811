public import EventSourcing

// A community's stream holds every membership change and post, so it is the domain's longest
// stream: snapshots let a command load it from the last snapshot instead of from the start.




extension Communities: SnapshottableDecider {
    /// Raise when `State` changes shape: older snapshots are then ignored and rebuilt.
    public static let stateSchemaVersion = 1
}
