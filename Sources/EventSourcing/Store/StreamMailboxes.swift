import Synchronization

/// The commands waiting for one stream, per stream and decider: while one command of a stream is
/// being decided and appended, the others queue here instead of racing it to the log.
///
/// Optimistic retries are the wrong tool between the handlers of one process: on a hot stream (a
/// webinar everybody registers for, a busy community) they turn concurrency into conflicts and
/// wasted decisions. Here the first command of a stream leads: it takes every command queued for the
/// stream, decides them one after another on the latest state, appends all their events in one
/// atomic append (one group-commit round), answers each, and hands the lead to the next waiter. A
/// hot stream then costs one append per round instead of one per command, and no command ever
/// conflicts with another of this process; a conflict with a writer outside the mailbox (a
/// multi-stream command) reloads and decides the round again.
final class StreamMailboxes: Sendable {
    /// A stream and the decider its commands go through (a stream has one in practice; keying by
    /// both keeps the type-erased mailboxes safe to cast back).
    struct Key: Hashable {
        var stream: String
        var decider: ObjectIdentifier
    }

    /// What wakes a waiting command: its outcome, or the lead of the next round.
    enum Wake<Outcome: Sendable>: Sendable {
        case done(Outcome)
        case lead
    }

    /// The most commands one round decides and appends together.
    static let roundLimit = 256

    private let boxes = Mutex<[Key: AnyObject]>([:])

    /// Queues `entry` behind the running leader of `key` (`true`), or, when none runs, records that
    /// the caller now leads (`false`).
    func enqueueOrLead<Entry>(_ key: Key, _ entry: Entry) -> Bool where Entry: Sendable {
        boxes.withLock { boxes in
            if let box = boxes[key] as? Mailbox<Entry> {
                box.pending.append(entry)
                return true
            }
            boxes[key] = Mailbox<Entry>()
            return false
        }
    }

    /// The commands queued for `key`, at most `limit`, taken out of the queue.
    func take<Entry>(_ key: Key, as entry: Entry.Type, limit: Int = roundLimit) -> [Entry] {
        boxes.withLock { boxes in
            guard let box = boxes[key] as? Mailbox<Entry> else { return [] }
            let taken = Array(box.pending.prefix(limit))
            box.pending.removeFirst(taken.count)
            return taken
        }
    }

    /// Ends a round: the next queued command, which leads the next round, or `nil` when none waits
    /// (the mailbox is then removed, and the next command of the stream leads at once).
    func handOver<Entry>(_ key: Key, as entry: Entry.Type) -> Entry? {
        boxes.withLock { boxes in
            guard let box = boxes[key] as? Mailbox<Entry>, !box.pending.isEmpty else {
                boxes[key] = nil
                return nil
            }
            return box.pending.removeFirst()
        }
    }

    /// The queue of one key; only touched under `boxes`' lock.
    private final class Mailbox<Entry>: @unchecked Sendable {
        // @unchecked: every access happens inside StreamMailboxes.boxes.withLock.
        var pending: [Entry] = []
    }
}
