import EventLog
import EventSourcing

/// A batch of the log for the builds of a rebuild, each payload revealed once for all of them
/// rather than once per projection (revealing decrypts every personal field).
struct RevealedBatch: Sendable {
    /// The events as stored.
    let events: [RecordedEvent]
    /// Per event, its payload with personal data revealed, when a build reads it.
    let payloads: [String?]
    /// Why an event's personal data cannot be revealed, by index in `events`.
    let failures: [Int: String]

    /// Reveals the payloads of the events whose type `needsPayload` says some build reads.
    init(_ events: [RecordedEvent], revealer: PersonalDataRevealer, needsPayload: (String) -> Bool) {
        var payloads: [String?] = []
        payloads.reserveCapacity(events.count)
        var failures: [Int: String] = [:]
        var needed: [String: Bool] = [:] // by type, asked once per batch
        for (index, event) in events.enumerated() {
            let needs: Bool
            if let known = needed[event.type] {
                needs = known
            } else {
                needs = needsPayload(event.type)
                needed[event.type] = needs
            }
            guard needs else {
                payloads.append(nil)
                continue
            }
            do {
                payloads.append(String(decoding: try revealer.reveal(event.payload), as: UTF8.self))
            } catch {
                payloads.append(nil)
                failures[index] = "\(error)"
            }
        }
        self.events = events
        self.payloads = payloads
        self.failures = failures
    }
}
