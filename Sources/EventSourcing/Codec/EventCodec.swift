public import EventLog
public import Foundation

/// Turns `DomainEvent`s into the log's `ProposedEvent`s and `RecordedEvent`s back into `DomainEvent`s.
///
/// **Payload.** JSON of the event (its `encode(to:)` writes the payload only), with sorted keys so
/// that the same event always gives the same bytes, and dates as ISO 8601 UTC strings with
/// millisecond precision (`2026-11-24T18:00:00.000Z`), which SQL projections can bind directly.
///
/// **Personal data.** With a cipher (normally a `KeyStoreCipher`), every `Personal` field is
/// encrypted under the data key of the event's `personalDataSubject`; decoding an erased subject's
/// field yields `.erased`. Without a cipher, `Personal` values are stored in clear (tests, tools).
///
/// **Schema versions.** `DomainEvent.schemaVersion(of:)` names the version written for a type.
/// Version 1 payloads are stored as they are; a payload of version N > 1 carries it as a leading
/// `"$v": N` member of its top-level object (`{"$v":2,"name":…}`; the key is reserved), so the log's metadata stays
/// domain-free and v1 payloads stay clean. A stored version lower than the current one is brought up
/// through the registered `EventUpcasters`, one version at a time, before decoding; a stored version
/// higher than the current one (written by newer code) is refused.
public struct EventCodec: Sendable {
    /// The key of the schema version member in a payload of version 2 or more.
    public static let versionKey = "$v"

    /// Encrypts and decrypts `Personal` fields; `nil` stores them in clear.
    public let cipher: (any PersonalDataCipher)?
    /// Rewrites payloads of old schema versions.
    public let upcasters: EventUpcasters

    /// A codec with the given cipher and upcasters.
    public init(cipher: (any PersonalDataCipher)? = nil, upcasters: EventUpcasters = EventUpcasters()) {
        self.cipher = cipher
        self.upcasters = upcasters
    }

    // MARK: Encoding

    /// The event as the log stores it: type name, metadata, deterministic JSON payload.
    public func encode<E: DomainEvent>(
        _ event: E, eventId: UUID, metadata: EventMetadata = EventMetadata()
    ) throws(EventCodecError) -> ProposedEvent {
        let type = event.eventType
        let encoder = Self.makeEncoder()
        if let cipher { encoder.userInfo[.personalDataCipher] = cipher }
        if let subject = event.personalDataSubject { encoder.userInfo[.personalDataSubject] = subject }
        var payload: [UInt8]
        do {
            payload = Array(try encoder.encode(event))
        } catch {
            throw .encoding(type, error)
        }
        let version = E.schemaVersion(of: type)
        if version > 1 {
            guard payload.first == UInt8(ascii: "{") else {
                throw .encoding(type, reason: "a payload of schema version \(version) must be a JSON object to carry \"$v\"")
            }
            let stamp = Array("{\"\(Self.versionKey)\":\(version)".utf8)
            payload = payload.count == 2 ? stamp + [UInt8(ascii: "}")] : stamp + [UInt8(ascii: ",")] + payload.dropFirst()
        }
        return ProposedEvent(eventId: eventId, type: type, metadata: metadata, payload: payload)
    }

    // MARK: Decoding

    /// The event stored in `record`, upcast to the current schema version first when needed.
    public func decode<E: DomainEvent>(_ type: E.Type, from record: RecordedEvent) throws(EventCodecError) -> E {
        let current = E.schemaVersion(of: record.type)
        let stored = Self.storedVersion(of: record.payload)
        var data = Data(record.payload)
        if stored != current {
            data = try upcast(record, from: stored, to: current)
        }
        let decoder = Self.makeDecoder()
        decoder.userInfo[.eventTypeName] = record.type
        if let cipher { decoder.userInfo[.personalDataCipher] = cipher }
        do {
            return try decoder.decode(E.self, from: data)
        } catch {
            throw .decoding(record.type, stream: record.stream, position: record.position, error)
        }
    }

    /// The schema version stored in a payload: the leading `"$v"` member, else 1.
    public static func storedVersion(of payload: [UInt8]) -> Int {
        let prefix = Array("{\"\(versionKey)\":".utf8)
        guard payload.starts(with: prefix) else { return 1 }
        var version = 0
        for byte in payload.dropFirst(prefix.count) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), version < Int.max / 10 - 10 else { break }
            version = version * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return max(version, 1)
    }

    private func upcast(_ record: RecordedEvent, from stored: Int, to current: Int) throws(EventCodecError) -> Data {
        guard stored < current else {
            throw .schemaVersion(record.type, stored: stored, current: current, "it was written by newer code; upgrade this binary")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(record.payload))
        } catch {
            throw .decoding(record.type, stream: record.stream, position: record.position, error)
        }
        guard var object = parsed as? [String: Any] else {
            throw .schemaVersion(record.type, stored: stored, current: current, "the payload is not a JSON object")
        }
        object[Self.versionKey] = nil
        for version in stored..<current {
            guard let upcast = upcasters.upcaster(for: record.type, from: version) else {
                throw .schemaVersion(record.type, stored: stored, current: current, "no upcaster is registered from version \(version)")
            }
            do {
                try upcast(&object)
            } catch {
                throw .schemaVersion(record.type, stored: stored, current: current, "the upcaster from version \(version) failed: \(error)")
            }
        }
        do {
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        } catch {
            throw .schemaVersion(record.type, stored: stored, current: current, "the upcast payload is not valid JSON: \(error)")
        }
    }

    // MARK: JSON conventions

    /// A JSON encoder with the log's conventions: sorted keys, ISO 8601 dates with milliseconds.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(fractionalDates))
        }
        return encoder
    }

    /// A JSON decoder reading what `makeEncoder()` writes (and ISO 8601 dates without fractions).
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? fractionalDates.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 date")
        }
        return decoder
    }

    private static let fractionalDates = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
