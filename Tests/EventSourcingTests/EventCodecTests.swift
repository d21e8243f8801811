import EventLog
import EventSourcing
import Foundation
import Testing
import TestSupport

@Suite struct EventCodecTests {
    let data: TemporaryDirectory
    let keys: KeyStore
    let codec: EventCodec

    init() throws {
        data = try TemporaryDirectory("codec")
        keys = try KeyStore(dataDirectory: data.url, environment: [:])
        codec = EventCodec(cipher: KeyStoreCipher(keyStore: keys))
    }

    static let owner = UUID(uuidString: "8d1c4b6e-0000-4000-8000-000000000001")!

    static func recorded(_ event: ProposedEvent, stream: String = "bank-1", position: Int64 = 1) -> RecordedEvent {
        RecordedEvent(position: position, stream: stream, streamVersion: position, type: event.type, eventId: event.eventId,
                      timestampMicros: 0, metadata: event.metadata, payload: event.payload)
    }

    @Test func version1PayloadsAreSortedDeterministicJSONWithoutVersionKey() throws {
        let plain = EventCodec()
        let event = BankAccount.Event.withdrawn(.init(amount: 7))
        let id = IdGenerator.sequentialId(1)
        let first = try plain.encode(event, eventId: id, metadata: EventMetadata(actor: "user-1"))
        let second = try plain.encode(event, eventId: id, metadata: EventMetadata(actor: "user-1"))
        #expect(first == second)
        #expect(first.type == "bank.withdrawn")
        #expect(first.eventId == id)
        #expect(first.metadata.actor == "user-1")
        #expect(String(decoding: first.payload, as: UTF8.self) == #"{"amount":7}"#)
        #expect(try plain.decode(BankAccount.Event.self, from: Self.recorded(first)) == event)
    }

    @Test func laterVersionsCarryTheirVersionFirstInThePayload() throws {
        let event = BankAccount.Event.deposited(.init(amount: 5, currency: "EUR"))
        let proposed = try EventCodec().encode(event, eventId: UUID())
        #expect(String(decoding: proposed.payload, as: UTF8.self) == #"{"$v":2,"amount":5,"currency":"EUR"}"#)
        #expect(EventCodec.storedVersion(of: proposed.payload) == 2)
        #expect(try EventCodec().decode(BankAccount.Event.self, from: Self.recorded(proposed)) == event)
    }

    @Test func personalFieldsAreEncryptedUnderTheEventsSubject() throws {
        let event = BankAccount.Event.opened(.init(id: Self.owner, owner: Personal("Ada Lovelace")))
        let proposed = try codec.encode(event, eventId: UUID())
        let json = String(decoding: proposed.payload, as: UTF8.self)
        #expect(!json.contains("Ada"))
        #expect(json.contains(#""sub":"\#(Self.owner.uuidString.lowercased())""#))
        #expect(try codec.decode(BankAccount.Event.self, from: Self.recorded(proposed)) == event)

        try keys.erase(subject: Self.owner)
        #expect(try codec.decode(BankAccount.Event.self, from: Self.recorded(proposed))
            == .opened(.init(id: Self.owner, owner: .erased)))
    }

    @Test func datesAreISO8601WithMilliseconds() throws {
        let encoder = EventCodec.makeEncoder()
        let date = Date(timeIntervalSince1970: 1_795_543_200.25)
        #expect(String(decoding: try encoder.encode([date]), as: UTF8.self) == #"["2026-11-24T18:00:00.250Z"]"#)
        let decoder = EventCodec.makeDecoder()
        #expect(try decoder.decode([Date].self, from: Data(#"["2026-11-24T18:00:00.250Z","2026-11-24T18:00:00Z"]"#.utf8))
            == [date, Date(timeIntervalSince1970: 1_795_543_200)])
    }

    @Test func anOldShapedPayloadDecodesThroughItsUpcaster() throws {
        let old = ProposedEvent(type: "bank.deposited", payload: Array(#"{"amount":5}"#.utf8))
        #expect(throws: EventCodecError.self) { try EventCodec().decode(BankAccount.Event.self, from: Self.recorded(old)) }
        do {
            _ = try EventCodec().decode(BankAccount.Event.self, from: Self.recorded(old))
        } catch {
            #expect(error.kind == .schemaVersion)
        }

        var upcasters = EventUpcasters()
        upcasters.register("bank.deposited", from: 1) { payload in payload["currency"] = "EUR" }
        let upcasting = EventCodec(upcasters: upcasters)
        #expect(try upcasting.decode(BankAccount.Event.self, from: Self.recorded(old)) == .deposited(.init(amount: 5, currency: "EUR")))
    }

    @Test func aPayloadFromNewerCodeIsRefused() throws {
        let newer = ProposedEvent(type: "bank.withdrawn", payload: Array(#"{"$v":3,"amount":5}"#.utf8))
        do {
            _ = try EventCodec().decode(BankAccount.Event.self, from: Self.recorded(newer))
            Issue.record("a version-3 payload decoded with version-1 code")
        } catch {
            #expect(error.kind == .schemaVersion)
        }
    }

    @Test func undecodablePayloadsNameTheirPosition() throws {
        let broken = ProposedEvent(type: "bank.withdrawn", payload: Array(#"{"amount":"seven"}"#.utf8))
        do {
            _ = try EventCodec().decode(BankAccount.Event.self, from: Self.recorded(broken, position: 42))
            Issue.record("decoded a malformed payload")
        } catch {
            #expect(error.kind == .decoding)
            #expect(error.description.contains("position 42"))
        }
    }
}

@Suite struct ClockAndIdGeneratorTests {
    @Test func sequentialIdsAreReadableAndOrdered() {
        let ids = IdGenerator.sequential()
        #expect(ids.next().uuidString == "00000000-0000-0000-0000-000000000001")
        #expect(ids.next().uuidString == "00000000-0000-0000-0000-000000000002")
        #expect(IdGenerator.random.next() != IdGenerator.random.next())
    }

    @Test func fixedAndSteppingClocks() {
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(Clock.fixed(start).now() == start)
        let clock = Clock.stepping(from: start, by: 60)
        #expect(clock.now() == start)
        #expect(clock.now() == start.addingTimeInterval(60))
    }
}
