import Synchronization

/// Answers that depend only on a read model's contents, kept while the model stays where it was.
///
/// A generation names the model's file, version and checkpoint position
/// (`SearchQueries.generation()`), read before the answer is computed: an answer kept under a
/// generation is at least as recent as it, and a model that applied one more event has another
/// generation, so nothing kept outlives a change. Kept per process, at most `limit` answers.
final class GenerationCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Kept: Sendable {
        var generation = ""
        var values: [Key: Value] = [:]
    }

    private let kept = Mutex(Kept())
    private let limit: Int

    /// A cache of at most `limit` answers.
    init(limit: Int = 20_000) {
        self.limit = limit
    }

    /// The answer for `key` at `generation`: the kept one, else `make()`'s, then kept.
    func value(_ key: Key, at generation: String, _ make: () throws -> Value) throws -> Value {
        if let known = kept.withLock({ $0.generation == generation ? $0.values[key] : nil }) { return known }
        let value = try make()
        kept.withLock { kept in
            if kept.generation != generation { kept = Kept(generation: generation) }
            if kept.values.count >= limit { kept.values.removeAll(keepingCapacity: true) }
            kept.values[key] = value
        }
        return value
    }
}
