import EventLog
import EventSourcing

/// A batch of the log for the builds of a rebuild, each payload revealed once for all of them
/// rather than once per projection (revealing decrypts every personal field).
struct RevealedBatch: Sendable {
    /// The events, each with its payload revealed when a build reads it (else empty), shared by
    /// every build.
    let events: [ProjectionEvent]
    /// Which events have a revealed payload.
    let revealed: [Bool]
    /// Why an event's personal data cannot be revealed, by index in `events`.
    let failures: [Int: String]

    /// Reveals the payloads of the events whose type `needsPayload` says some build reads.
    init(_ records: [RecordedEvent], revealer: PersonalDataRevealer, needsPayload: (String) -> Bool) {
        var events: [ProjectionEvent] = []
        events.reserveCapacity(records.count)
        var revealed: [Bool] = []
        revealed.reserveCapacity(records.count)
        var failures: [Int: String] = [:]
        var needed: [String: Bool] = [:] // by type, asked once per batch
        for index in records.indices {
            let type = records[index].type
            let needs: Bool
            if let known = needed[type] {
                needs = known
            } else {
                needs = needsPayload(type)
                needed[type] = needs
            }
            var payload = ""
            if needs {
                do {
                    payload = String(decoding: try revealer.reveal(records[index].payload), as: UTF8.self)
                } catch {
                    failures[index] = "\(error)"
                }
            }
            events.append(ProjectionEvent(record: records[index], payload: payload))
            revealed.append(needs && failures[index] == nil)
        }
        self.events = events
        self.revealed = revealed
        self.failures = failures
    }

    /// The position of the batch's last event.
    var lastPosition: Int64 { events[events.count - 1].record.position }
}
