import EventLog
import EventSourcing
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Testing

/// A test event carrying personal data of one person.
enum Greeting: DomainEvent {
    struct Greeted: Codable, Sendable, Equatable {
        var personId: UUID
        var name: Personal<String>
        var address: Personal<Address>
        var tags: [String]
    }

    struct Address: Codable, Sendable, Equatable {
        var city: String
    }

    case greeted(Greeted)

    var eventType: String { "test.greeted" }

    var personalDataSubject: UUID? {
        switch self {
        case .greeted(let payload): payload.personId
        }
    }

    init(from decoder: any Decoder) throws {
        self = .greeted(try decoder.singleValueContainer().decode(Greeted.self))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .greeted(let payload): try container.encode(payload)
        }
    }
}

@Suite struct PersonalDataTests {
    static let people = """
        -- @schema
        CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, city TEXT);
        CREATE TABLE tags (person TEXT NOT NULL, tag TEXT NOT NULL);
        -- @on test.greeted
        INSERT INTO people (id, name, city) VALUES (:p_personId, :p_name, json_extract(:payload, '$.address.city'));
        INSERT INTO tags (person, tag) SELECT :p_personId, value FROM json_each(:payload, '$.tags');
        """

    struct Person: Sendable, Equatable {
        var name: String
        var city: String?
    }

    func people(_ storage: SQLiteProjectionStorage) throws -> [Person] {
        try storage.read { db in
            try Row.fetchAll(db, sql: "SELECT name, city FROM people ORDER BY rowid").map { Person(name: $0["name"], city: $0["city"]) }
        }
    }

    @Test func erasedSubjectsFieldsAreErasedAfterRebuild() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let codec = EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys))
        let awa = UUID(), bob = UUID()
        var events: [ProposedEvent] = []
        for (id, name, city) in [(awa, "Awa Ndiaye", "Dakar"), (bob, "Bob", "Lyon")] {
            let event = Greeting.greeted(.init(personId: id, name: Personal(name), address: Personal(Greeting.Address(city: city)), tags: ["a", "b"]))
            events.append(try codec.encode(event, eventId: UUID()))
        }
        #expect(!String(decoding: events[0].payload, as: UTF8.self).contains("Awa")) // encrypted in the log
        let head = try await fixture.log.append(to: "greetings", events: events).lastPosition

        let (storage, runner) = try fixture.runner(try fixture.projection("people", Self.people))
        try await whileRunning(runner) {
            #expect(await runner.waitUntil(position: head, timeout: patience))
            #expect(try people(storage) == [Person(name: "Awa Ndiaye", city: "Dakar"), Person(name: "Bob", city: "Lyon")])
            let tags = try storage.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM tags")! }
            #expect(tags == 4)

            try fixture.keys.erase(subject: awa)
            try await runner.rebuild(progress: nil)
            #expect(try people(storage) == [Person(name: "[erased]", city: nil), Person(name: "Bob", city: "Lyon")])
        }
        // No trace left in any read-model file.
        storage.removeRetiredFiles()
        for file in try FileManager.default.contentsOfDirectory(atPath: fixture.readModels.path) {
            let bytes = try Data(contentsOf: fixture.readModels.appendingPathComponent(file))
            #expect(!String(decoding: bytes, as: UTF8.self).contains("Awa"), "\(file) still holds the erased name")
        }
    }

    /// A sealed field that no longer authenticates stops the projection at its event, live and in
    /// a rebuild (where the reader revealed it once for every build): never skipped, never applied.
    @Test func anAlteredSealedFieldStopsTheProjectionAtItsEventLiveAndInARebuild() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let codec = EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys))
        var events: [ProposedEvent] = []
        for name in ["Awa", "Bob", "Chloé"] {
            let event = Greeting.greeted(.init(personId: UUID(), name: Personal(name), address: Personal(Greeting.Address(city: "Dakar")), tags: []))
            events.append(try codec.encode(event, eventId: UUID()))
        }
        // Flip one character of the second event's first ciphertext (still base64, no longer authentic).
        var payload = String(decoding: events[1].payload, as: UTF8.self)
        let enc = try #require(payload.range(of: #""enc":""#))
        let flipped = payload[enc.upperBound] == "A" ? "B" : "A"
        payload.replaceSubrange(enc.upperBound...enc.upperBound, with: flipped)
        events[1] = ProposedEvent(eventId: events[1].eventId, type: events[1].type, metadata: events[1].metadata, payload: Array(payload.utf8))
        _ = try await fixture.log.append(to: "greetings", events: events)

        let (storage, runner) = try fixture.runner(try fixture.projection("people", Self.people))
        let live = try await failureWhileRunning(runner)
        #expect(live.position == 2)
        #expect(live.message.contains("personal data cannot be revealed"))
        #expect(try people(storage) == [Person(name: "Awa", city: "Dakar")])

        let rebuilt = try await runner.rebuild(progress: nil)
        #expect(!rebuilt)
        #expect(runner.status.failure == live)
        #expect(try people(storage) == [Person(name: "Awa", city: "Dakar")]) // the live model, untouched
    }

    @Test func revealerKeepsOtherBytesAndMarksErasure() throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let codec = EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys))
        let person = UUID()
        let event = Greeting.greeted(.init(personId: person, name: Personal("Zoé \"Z\""), address: .erased, tags: ["{\"enc\":"]))
        let payload = try codec.encode(event, eventId: UUID()).payload
        let revealer = PersonalDataRevealer(keyStore: fixture.keys)
        let expected = "{\"address\":\"[erased]\",\"name\":\"Zoé \\\"Z\\\"\",\"personId\":\"\(person.uuidString)\",\"tags\":[\"{\\\"enc\\\":\"]}"
        #expect(String(decoding: try revealer.reveal(payload), as: UTF8.self) == expected)
        try fixture.keys.erase(subject: person)
        #expect(String(decoding: try revealer.reveal(payload), as: UTF8.self).contains("\"name\":\"[erased]\""))
    }

    /// The revealer looks a subject's key up once for consecutive fields of that subject: fields of
    /// two people, one of them erased, interleaved, must each get their own person's answer, and a
    /// sealed value moved under the other person's id must not open.
    @Test func revealerKeepsEachFieldToItsOwnSubject() throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let codec = EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys))
        func sealed(_ name: String, of person: UUID) throws -> String {
            let event = Greeting.greeted(.init(personId: person, name: Personal(name), address: .erased, tags: []))
            let text = String(decoding: try codec.encode(event, eventId: UUID()).payload, as: UTF8.self)
            let start = try #require(text.range(of: "\"name\":")).upperBound
            let end = try #require(text.range(of: "}", range: start..<text.endIndex)).upperBound
            return String(text[start..<end])
        }
        let awa = UUID(), zoe = UUID()
        let a1 = try sealed("Awa", of: awa), z1 = try sealed("Zoé", of: zoe), a2 = try sealed("Diop", of: awa)
        let payload = Array("{\"x\":[\(a1),\(z1),\(a2),\(z1),\(z1),\(a1)]}".utf8)
        let revealer = PersonalDataRevealer(keyStore: fixture.keys)
        #expect(String(decoding: try revealer.reveal(payload), as: UTF8.self) == "{\"x\":[\"Awa\",\"Zoé\",\"Diop\",\"Zoé\",\"Zoé\",\"Awa\"]}")
        try fixture.keys.erase(subject: zoe)
        #expect(String(decoding: try revealer.reveal(payload), as: UTF8.self)
            == "{\"x\":[\"Awa\",\"[erased]\",\"Diop\",\"[erased]\",\"[erased]\",\"Awa\"]}")
        // Awa's second ciphertext relabelled as another (living) person's: it authenticates Awa's id only.
        let other = UUID()
        _ = try fixture.keys.key(for: other, create: true)
        let moved = a2.replacingOccurrences(of: awa.uuidString.lowercased(), with: other.uuidString.lowercased())
        #expect(moved != a2)
        #expect(throws: PersonalDataError.self) { try revealer.reveal(Array("{\"x\":[\(a1),\(moved)]}".utf8)) }
    }

    @Test func revealerReplacesAdjacentFieldsAndKeepsEveryByteAroundThem() throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let codec = EventCodec(cipher: KeyStoreCipher(keyStore: fixture.keys))
        // Two sealed values of one subject, cut out of real payloads, then laid out back to back, at
        // the start and end of arrays and objects, next to braces that open no personal field.
        let person = UUID()
        func sealed(_ name: String) throws -> String {
            let event = Greeting.greeted(.init(personId: person, name: Personal(name), address: .erased, tags: []))
            let text = String(decoding: try codec.encode(event, eventId: UUID()).payload, as: UTF8.self)
            let start = try #require(text.range(of: "\"name\":")).upperBound
            let end = try #require(text.range(of: "}", range: start..<text.endIndex)).upperBound
            return String(text[start..<end])
        }
        let awa = try sealed("Awa"), zoe = try sealed("Zoé")
        #expect(awa.hasPrefix("{\"enc\":\"") && zoe.hasPrefix("{\"enc\":\""))
        let erased = "{\"erased\":true}"
        let payload = "{\"a\":[\(awa),\(zoe)],\"b\":{},\"c\":{\"d\":\(zoe)},\"e\":\"{x}\",\"f\":[\(erased),{}],\"g\":\(awa)}"
        let revealer = PersonalDataRevealer(keyStore: fixture.keys)
        let expected = "{\"a\":[\"Awa\",\"Zoé\"],\"b\":{},\"c\":{\"d\":\"Zoé\"},\"e\":\"{x}\",\"f\":[\"[erased]\",{}],\"g\":\"Awa\"}"
        #expect(String(decoding: try revealer.reveal(Array(payload.utf8)), as: UTF8.self) == expected)
        let plain = "{\"a\":[{},{\"b\":1}],\"c\":\"{\\\"enc\\\":\"}"
        #expect(try revealer.reveal(Array(plain.utf8)) == Array(plain.utf8)) // nothing personal: the same bytes
    }
}

@Suite struct TamperedPersonalDataTests {
    @Test func aCiphertextThatDoesNotAuthenticateStopsTheProjectionAtThatEvent() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let subject = UUID()
        _ = try fixture.keys.key(for: subject, create: true)
        let forged = "{\"name\":{\"enc\":\"\(String(repeating: "A", count: 60))\",\"sub\":\"\(subject.uuidString.lowercased())\"}}"
        try await fixture.append(2, type: "test.named")
        _ = try await fixture.log.append(to: "s", events: [ProposedEvent(type: "test.named", payload: Array(forged.utf8))])
        try await fixture.append(1, type: "test.named", from: 4)
        let source = """
            -- @schema
            CREATE TABLE names (position INTEGER PRIMARY KEY, name TEXT);
            -- @on test.named
            INSERT INTO names VALUES (:position, :p_name);
            """
        let (storage, runner) = try fixture.runner(try fixture.projection("names", source))
        try await runner.run()
        let failure = try #require(runner.status.failure)
        #expect(failure.position == 3)
        #expect(failure.eventType == "test.named")
        #expect(failure.message.contains("fails authentication"))
        #expect(runner.status.checkpoint == 2)
        #expect(try storage.state(of: .live) == ProjectionState(version: runner.projection.version, position: 2, failure: failure))
    }
}
