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
    /// The distinct event types of the batch, and each event's type as an index in it: a build
    /// looks its types up once per batch, not once per event.
    let types: [String]
    let typeIndexes: [Int]

    /// Reveals the payloads of the events whose type `needsPayload` says some build reads.
    init(_ records: consuming [RecordedEvent], revealer: PersonalDataRevealer, needsPayload: (String) -> Bool) {
        var events: [ProjectionEvent] = []
        events.reserveCapacity(records.count)
        var revealed: [Bool] = []
        revealed.reserveCapacity(records.count)
        var failures: [Int: String] = [:]
        var types: [String] = []
        var typeIndexes: [Int] = []
        typeIndexes.reserveCapacity(records.count)
        var needs: [Bool] = [] // by type index, asked once per batch
        var indexOfType: [String: Int] = [:]
        // Each record is moved out of the array into its event, not copied (a copy retains each of
        // its strings and arrays, and the array's release then drops them again): reversed in
        // place through a buffer, whose swaps move (`Array.reverse()` swapped by copies), then
        // popped in order.
        var records = consume records
        records.withUnsafeMutableBufferPointer { $0.reverse() }
        var index = 0
        while let record = records.popLast() {
            defer { index += 1 }
            let type = record.type
            let typeIndex: Int
            if let known = indexOfType[type] {
                typeIndex = known
            } else {
                typeIndex = types.count
                types.append(type)
                needs.append(needsPayload(type))
                indexOfType[type] = typeIndex
            }
            typeIndexes.append(typeIndex)
            let needed = needs[typeIndex]
            var payload: [UInt8] = []
            if needed {
                do {
                    payload = try revealer.reveal(record.payload)
                } catch {
                    failures[index] = "\(error)"
                }
            }
            events.append(ProjectionEvent(record: record, payload: payload, typeNumber: typeIndex))
            revealed.append(needed && failures[index] == nil)
        }
        self.events = events
        self.revealed = revealed
        self.failures = failures
        self.types = types
        self.typeIndexes = typeIndexes
    }

    /// The position of the batch's last event.
    var lastPosition: Int64 { events[events.count - 1].record.position }
}
