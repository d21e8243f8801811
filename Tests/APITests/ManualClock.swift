import EventSourcing
import Foundation
import Synchronization

/// A clock tests move by hand (sessions start, deadlines pass); tokens and commands read it.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// A clock reading `start`.
    init(_ start: Date) { current = Mutex(start) }

    /// The `Clock` to give the platform.
    var clock: Clock { Clock { [self] in self.now } }

    /// The time now.
    var now: Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
