public import Foundation
import Synchronization

/// Where the current time comes from: injected wherever time is needed, so tests control it.
///
/// Deciders never read a clock (time arrives in commands); the application reads this one when it
/// builds a command, and the event store when it stamps a snapshot.
public struct Clock: Sendable {
    private let read: @Sendable () -> Date

    /// A clock reading `now`.
    public init(_ now: @escaping @Sendable () -> Date) {
        read = now
    }

    /// The current time.
    public func now() -> Date { read() }

    /// The system's wall clock.
    public static let system = Clock { Date() }

    /// A clock that always reads `date`.
    public static func fixed(_ date: Date) -> Clock { Clock { date } }

    /// A clock that reads `start`, then advances by `step` on every reading.
    public static func stepping(from start: Date, by step: TimeInterval) -> Clock {
        let next = Mutex(start)
        return Clock {
            next.withLock { value in
                defer { value = value.addingTimeInterval(step) }
                return value
            }
        }
    }
}
