import Foundation

/// Event id → position, for the idempotency check: an open-addressing hash table over flat arrays.
///
/// Why not `[UUID: Int64]`: loading ten million ids into a `Dictionary` spent most of the log's
/// open time seeding SipHash and probing boxed buckets. Here a UUID's two 64-bit halves are mixed
/// with a fixed finalizer (ids are not attacker-chosen keys of a public table: an append with a
/// crafted id only slows its own lookup), and probing walks plain arrays.
struct EventIdTable: Sendable {
    /// One slot per entry, so a probe touches one cache line. Position 0 marks an empty slot
    /// (positions start at 1).
    private struct Entry {
        var high: UInt64
        var low: UInt64
        var position: Int64
    }

    private var entries: [Entry] = []
    private var mask = -1
    private(set) var count = 0

    init(capacity: Int = 0) {
        reserveCapacity(capacity)
    }

    /// Makes room for `capacity` ids without growing.
    mutating func reserveCapacity(_ capacity: Int) {
        var slots = 16
        while slots * 7 / 10 < capacity { slots <<= 1 }
        guard slots > entries.count else { return }
        let old = entries
        entries = [Entry](repeating: Entry(high: 0, low: 0, position: 0), count: slots)
        mask = slots - 1
        count = 0
        for entry in old where entry.position != 0 {
            insert(high: entry.high, low: entry.low, position: entry.position)
        }
    }

    private static func halves(_ id: UUID) -> (UInt64, UInt64) {
        withUnsafeBytes(of: id.uuid) { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    private static func slot(_ high: UInt64, _ low: UInt64, mask: Int) -> Int {
        var z = high ^ (low &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z >> 31)) & mask
    }

    subscript(id: UUID) -> Int64? {
        guard count > 0 else { return nil }
        let (h, l) = Self.halves(id)
        return entries.withUnsafeBufferPointer { slots in
            var i = Self.slot(h, l, mask: mask)
            while slots[i].position != 0 {
                if slots[i].high == h, slots[i].low == l { return slots[i].position }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    /// Adds every entry of `other`.
    mutating func merge(_ other: EventIdTable) {
        reserveCapacity(count + other.count)
        for entry in other.entries where entry.position != 0 {
            insert(high: entry.high, low: entry.low, position: entry.position)
        }
    }

    /// Records `id` at `position` (replacing an earlier entry for the same id).
    mutating func insert(_ id: UUID, position: Int64) {
        let (h, l) = Self.halves(id)
        if (count + 1) * 10 > entries.count * 7 { reserveCapacity(max(count * 2, 16)) }
        insert(high: h, low: l, position: position)
    }

    private mutating func insert(high h: UInt64, low l: UInt64, position: Int64) {
        let mask = self.mask
        let added = entries.withUnsafeMutableBufferPointer { slots -> Bool in
            var i = Self.slot(h, l, mask: mask)
            while slots[i].position != 0 {
                if slots[i].high == h, slots[i].low == l {
                    slots[i].position = position
                    return false
                }
                i = (i + 1) & mask
            }
            slots[i] = Entry(high: h, low: l, position: position)
            return true
        }
        if added { count += 1 }
    }
}
