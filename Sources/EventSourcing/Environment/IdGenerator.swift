public import Foundation
import Cryptography
import Synchronization

/// Where fresh ids (event ids, aggregate ids) come from: injected, so tests get predictable ids.
public struct IdGenerator: Sendable {
    private let make: @Sendable () -> UUID

    /// A generator calling `next` for each id.
    public init(_ next: @escaping @Sendable () -> UUID) {
        make = next
    }

    /// A fresh id.
    public func next() -> UUID { make() }

    /// Random version-4 UUIDs.
    public static let random = IdGenerator { SecureRandom.uuid() }

    /// `00000000-0000-0000-0000-000000000001`, `…0002`, and so on from `start`: readable in test failures.
    public static func sequential(startingAt start: UInt64 = 1) -> IdGenerator {
        let counter = Mutex(start)
        return IdGenerator {
            let n = counter.withLock { value in
                defer { value += 1 }
                return value
            }
            return sequentialId(n)
        }
    }

    /// The `n`th id of `sequential()`.
    public static func sequentialId(_ n: UInt64) -> UUID {
        let b = withUnsafeBytes(of: n.bigEndian) { Array($0) }
        return UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]))
    }
}
