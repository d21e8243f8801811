import EventLog
import Foundation
import GRDB
import ReadModels
import Testing

/// `:p_<field>` is bound with the field's JSON text alone; it must give exactly what
/// `json_extract(:payload, '$.<field>')` gives: value, type and JSON subtype.
@Suite struct FieldBindingTests {
    static let both = """
        -- @schema
        CREATE TABLE pairs (position INTEGER PRIMARY KEY, bound, extracted, bound_type TEXT, extracted_type TEXT,
                            bound_json TEXT, extracted_json TEXT);
        -- @on test.shaped
        INSERT INTO pairs VALUES (
            :position, :p_v, json_extract(:payload, '$.v'), typeof(:p_v), typeof(json_extract(:payload, '$.v')),
            json_object('v', :p_v), json_object('v', json_extract(:payload, '$.v')));
        """

    @Test func fieldsBindAsJSONExtractWouldReturnThem() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let payloads = [
            #"{"v":"plain"}"#, #"{"a":1,"v":"esc\"aped \\ \/ \n \u00e9 \ud83d\ude00"}"#, #"{"v":"Dakar, Sénégal"}"#,
            #"{"v":42}"#, #"{"v":-7}"#, #"{"v":1.5}"#, #"{"v":1e3}"#, #"{"v":9223372036854775807}"#,
            #"{"v":true}"#, #"{"v":false}"#, #"{"v":null}"#, #"{"other":1}"#, #"{}"#,
            #"{"v":{"b":[1,{"c":"}]"}],"a":"x"}}"#, #"{"v":[1,"two",null,{"three":3}]}"#, #"{"v":[]}"#,
            #"{ "w" : { "v" : 1 } , "v" : "spaced" }"#, #"{"v":"first","v":"second"}"#, #"{"nested":{"v":"not top level"}}"#,
        ]
        var events: [ProposedEvent] = []
        for payload in payloads {
            events.append(ProposedEvent(type: "test.shaped", metadata: EventMetadata(actor: "t"), payload: Array(payload.utf8)))
        }
        let head = try await fixture.log.append(to: "shapes", events: events).lastPosition
        let (storage, runner) = try fixture.runner(try fixture.projection("pairs", Self.both))
        try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: .seconds(30))) }
        #expect(runner.status.failure == nil)
        let rows = try storage.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pairs ORDER BY position").map { row in
                Pair(bound: row["bound"], extracted: row["extracted"], boundType: row["bound_type"], extractedType: row["extracted_type"],
                     boundJSON: row["bound_json"], extractedJSON: row["extracted_json"])
            }
        }
        #expect(rows.count == payloads.count)
        for (row, payload) in zip(rows, payloads) {
            #expect(row.bound == row.extracted, "\(payload)")
            #expect(row.boundType == row.extractedType, "\(payload)")
            #expect(row.boundJSON == row.extractedJSON, "\(payload)")
        }
    }

    struct Pair: Sendable {
        var bound: DatabaseValue
        var extracted: DatabaseValue
        var boundType: String
        var extractedType: String
        var boundJSON: String
        var extractedJSON: String
    }

    @Test func aPayloadThatIsNotAnObjectFailsAsJSONExtractWould() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let projection = try fixture.projection("strict", """
            -- @schema
            CREATE TABLE t (position INTEGER PRIMARY KEY, v);
            -- @on test.shaped
            INSERT INTO t VALUES (:position, :p_v);
            """)
        _ = try await fixture.log.append(to: "s", events: [
            ProposedEvent(type: "test.shaped", metadata: EventMetadata(actor: "t"), payload: Array(#"{"v":1}"#.utf8)),
            ProposedEvent(type: "test.shaped", metadata: EventMetadata(actor: "t"), payload: Array(#"{"v":1"#.utf8)),
        ])
        let (_, runner) = try fixture.runner(projection)
        try await whileRunning(runner) {
            #expect(await runner.waitUntil(position: 1, timeout: .seconds(30)))
            let failed = try await eventually { runner.status.failure != nil }
            #expect(failed)
        }
        let failure = try #require(runner.status.failure)
        #expect(failure.position == 2)
        #expect(failure.message.contains("malformed JSON"))
    }
}
