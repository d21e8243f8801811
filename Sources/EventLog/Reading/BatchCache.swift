import Synchronization

/// Recently read or written batches, decoded, keyed by their first position.
///
/// Projections and live subscriptions read what was just appended; keeping the writer's own
/// records here spares them a read and a decompression.
final class BatchCache: Sendable {
    private struct Storage {
        var entries: [Int64: [RecordedEvent]] = [:]
        var order: [Int64] = []
        var cursor = 0
    }

    private let capacity: Int
    private let storage = Mutex(Storage())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func get(_ firstPosition: Int64) -> [RecordedEvent]? {
        storage.withLock { $0.entries[firstPosition] }
    }

    /// Inserts, evicting the oldest entry (a ring: cheap, and recency of insertion is what matters).
    func put(_ firstPosition: Int64, _ records: [RecordedEvent]) {
        storage.withLock { storage in
            guard storage.entries[firstPosition] == nil else { return }
            if storage.order.count < capacity {
                storage.order.append(firstPosition)
            } else {
                storage.entries.removeValue(forKey: storage.order[storage.cursor])
                storage.order[storage.cursor] = firstPosition
                storage.cursor = (storage.cursor + 1) % capacity
            }
            storage.entries[firstPosition] = records
        }
    }
}
