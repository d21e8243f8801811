public import Foundation

/// A decider whose state can be stored as a snapshot, so that a long stream loads from its
/// snapshot plus the events after it instead of from its first event.
///
/// Raise `stateSchemaVersion` whenever `State`'s shape or `evolve`'s meaning changes: snapshots of
/// another version are ignored and rebuilt from the events.
public protocol SnapshottableDecider: Decider where State: Codable {
    /// The version of the state's stored shape (start at 1).
    static var stateSchemaVersion: Int { get }

    /// The person whose data the state's `Personal` fields hold, if any; the snapshot encrypts them
    /// under that subject's key, so erasing the subject shreds the snapshot too.
    static func personalDataSubject(of state: State) -> UUID?
}

extension SnapshottableDecider {
    public static func personalDataSubject(of state: State) -> UUID? { nil }
}
