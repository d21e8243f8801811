import EventLog
import Foundation
import GRDB
import Projections
import ProjectionsTestSupport
import Testing

/// `:p_<field>` is bound with the field's value, decoded in Swift (`JSONFieldValue`); it must give
/// exactly the value and type `json_extract(:payload, '$.<field>')` gives. An object or array is
/// its JSON text without the JSON subtype: `json(:p_<field>)` embeds it as JSON.
@Suite struct FieldBindingTests {
    static let both = """
        -- @schema
        CREATE TABLE pairs (position INTEGER PRIMARY KEY, bound, extracted, bound_type TEXT, extracted_type TEXT,
                            bound_json TEXT, extracted_json TEXT);
        -- @on test.shaped
        INSERT INTO pairs VALUES (
            :position, :p_v, json_extract(:payload, '$.v'), typeof(:p_v), typeof(json_extract(:payload, '$.v')),
            json_object('v', CASE WHEN json_type(:json_v) IN ('object', 'array') THEN json(:p_v) ELSE :p_v END),
            json_object('v', json_extract(:payload, '$.v')));
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
            // Numbers at and past the 64-bit limits, fractions and exponents.
            #"{"v":-9223372036854775808}"#, #"{"v":9223372036854775808}"#, #"{"v":-9223372036854775809}"#,
            #"{"v":123456789012345678901234}"#, #"{"v":-0}"#, #"{"v":0.1}"#, #"{"v":-1.5e-2}"#, #"{"v":1.5E+2}"#, #"{"v":1.0}"#,
            // Escapes: a pair, lone surrogates, U+0000 (SQLite ends the text there), every short escape.
            #"{"v":"\ud83d\ude00 \ud83d x \udc00"}"#, #"{"v":"a\u0000b"}"#, #"{"v":"\b\f\n\r\t\"\\\/\u00E9"}"#,
            // Structures keep strings and numbers as written and lose their whitespace.
            #"{"v":[ "a\/b" , "\u00e9", 1.50, -0, true, null, { "k" : [ ] } ]}"#, #"{"v":{ }}"#, #"{"v":[[[["deep"]]]]}"#,
        ]
        var events: [ProposedEvent] = []
        for payload in payloads {
            events.append(ProposedEvent(type: "test.shaped", metadata: EventMetadata(actor: "t"), payload: Array(payload.utf8)))
        }
        let head = try await fixture.log.append(to: "shapes", events: events).lastPosition
        let (storage, runner) = try fixture.runner(try fixture.projection("pairs", Self.both))
        try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
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

    /// `:json_<field>` is the field's JSON text as it is, for SQLite's JSON functions.
    static let raw = """
        -- @schema
        CREATE TABLE raws (position INTEGER PRIMARY KEY, bound_type TEXT, extracted_type TEXT, bound_length INTEGER,
                           extracted_length INTEGER, bound_items TEXT, extracted_items TEXT);
        -- @on test.shaped
        INSERT INTO raws VALUES (
            :position, json_type(:json_v), json_type(:payload, '$.v'),
            CASE WHEN json_type(:json_v) IN ('array', 'object') THEN json_array_length(:json_v) END,
            CASE WHEN json_type(:payload, '$.v') IN ('array', 'object') THEN json_array_length(:payload, '$.v') END,
            (SELECT group_concat(key || '=' || quote(value), ',') FROM json_each(:json_v)),
            (SELECT group_concat(key || '=' || quote(value), ',') FROM json_each(:payload, '$.v')));
        """

    @Test func rawFieldsGiveWhatTheJSONFunctionsGiveOnThePayload() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        let payloads = [
            #"{"v":"plain"}"#, #"{"v":42}"#, #"{"v":true}"#, #"{"v":null}"#, #"{"other":1}"#, #"{}"#,
            #"{"v":{"b":[1,{"c":"}]"}],"a":"x"}}"#, #"{"v":[1,"two",null,{"three":3}]}"#, #"{"v":[]}"#,
            #"{ "w" : { "v" : 1 } , "v" : [ "spaced" ] }"#, #"{"nested":{"v":"not top level"}}"#,
        ]
        let events = payloads.map { ProposedEvent(type: "test.shaped", metadata: EventMetadata(actor: "t"), payload: Array($0.utf8)) }
        let head = try await fixture.log.append(to: "shapes", events: events).lastPosition
        let (storage, runner) = try fixture.runner(try fixture.projection("raws", Self.raw))
        try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
        #expect(runner.status.failure == nil)
        // Each row as (bound, extracted) pairs: type, length, items.
        let rows = try storage.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM raws ORDER BY position").map { row -> [[String?]] in
                [[row["bound_type"], row["extracted_type"]], [(row["bound_length"] as Int?).map(String.init), (row["extracted_length"] as Int?).map(String.init)],
                 [row["bound_items"], row["extracted_items"]]]
            }
        }
        #expect(rows.count == payloads.count)
        for (row, payload) in zip(rows, payloads) {
            for pair in row { #expect(pair[0] == pair[1], "\(payload)") }
        }
        #expect(rows.filter { $0[2][0] != nil }.count == 3) // the three non-empty arrays and objects were walked
    }

    /// `:lower_<field>` is `lower(:p_<field>)` for text (ASCII letters only, as SQLite's `lower()`
    /// without ICU), and `:p_<field>` for numbers; copies past the room of one statement are bound
    /// all the same.
    static let lowered = """
        -- @schema
        CREATE TABLE lowered (position INTEGER PRIMARY KEY, bound, expected, bound_type TEXT, expected_type TEXT,
                              all_bound TEXT, all_expected TEXT);
        -- @on test.shaped
        INSERT INTO lowered VALUES (
            :position, :lower_v,
            CASE WHEN typeof(:p_v) IN ('integer', 'real') THEN :p_v ELSE lower(:p_v) END,
            typeof(:lower_v), CASE WHEN typeof(:p_v) IN ('integer', 'real') THEN typeof(:p_v) ELSE typeof(lower(:p_v)) END,
            :lower_a || :lower_b || :lower_c || :lower_d || :lower_e || :lower_f || :lower_g || :lower_h
                || :lower_i || :lower_j || :lower_k || :lower_l || :lower_m || :lower_n || :lower_o || :lower_p,
            lower(:p_a) || lower(:p_b) || lower(:p_c) || lower(:p_d) || lower(:p_e) || lower(:p_f) || lower(:p_g) || lower(:p_h)
                || lower(:p_i) || lower(:p_j) || lower(:p_k) || lower(:p_l) || lower(:p_m) || lower(:p_n) || lower(:p_o) || lower(:p_p));
        """

    @Test func lowercaseFieldsBindAsLowerOfTheValueWouldGiveThem() async throws {
        let fixture = try ReadModelFixture()
        defer { fixture.close() }
        // Sixteen values of 73 bytes each: more than one statement's room (1,024 bytes) for copies.
        let ids = "abcdefghijklmnop".map { key in
            "\"\(key)\":\"\(UUID().uuidString)-\(UUID().uuidString)\""
        }.joined(separator: ",")
        let values = [
            #""019EE9DC-EB30-7D30-8023-7D64A1136B7A""#, #""Dakar, SÉNÉGAL Ünïcode ÀZaz@[`{""#, #""esc\"APED \u00C9 \u0041\n""#,
            #""\#(String(repeating: "LONG Text ", count: 200))""#, "42", "1.5", "true", "null",
            #"{"K":["A",{"B":"C"}]}"#, #"[ "X" , 1 ]"#,
        ]
        let payloads = values.map { #"{"v":\#($0),\#(ids)}"# } + [#"{"other":1,\#(ids)}"#]
        let events = payloads.map { ProposedEvent(type: "test.shaped", metadata: EventMetadata(actor: "t"), payload: Array($0.utf8)) }
        let head = try await fixture.log.append(to: "shapes", events: events).lastPosition
        let (storage, runner) = try fixture.runner(try fixture.projection("lowered", Self.lowered))
        try await whileRunning(runner) { #expect(await runner.waitUntil(position: head, timeout: patience)) }
        #expect(runner.status.failure == nil)
        let rows = try storage.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM lowered ORDER BY position").map { row in
                [row["bound"], row["expected"], row["bound_type"], row["expected_type"], row["all_bound"], row["all_expected"]] as [DatabaseValue]
            }
        }
        #expect(rows.count == payloads.count)
        for (row, payload) in zip(rows, payloads) {
            #expect(row[0] == row[1], "\(payload)")
            #expect(row[2] == row[3], "\(payload)")
            #expect(row[4] == row[5], "\(payload)")
            #expect(String.fromDatabaseValue(row[4])?.count == 16 * 73)
        }
        #expect(rows.first?[0] == "019ee9dc-eb30-7d30-8023-7d64a1136b7a".databaseValue)
        #expect(rows.last?[0] == .null) // absent
    }

    /// A field SQLite would call malformed, or a payload that is not an object, stops the projection
    /// at its event, as json_extract did.
    @Test(arguments: [
        #"{"v":tru}"#, #"{"v":01}"#, #"{"v":1.}"#, #"{"v":-}"#, #"{"v":"\x"}"#, #"{"v":"\u12"}"#, "{\"v\":\"a\u{09}b\"}",
        #"{"v":[1,]}"#, #"{"v":[1 2]}"#, #"{"v":{"k" 1}}"#, #"{"v":{1:2}}"#, #"{"v":[1,2}"#,
        #"{"v":1"#, // not an object: it ends early
    ])
    func aMalformedFieldStopsTheProjectionAtItsEvent(payload: String) async throws {
        // Each is malformed for json_extract too.
        let queue = try DatabaseQueue()
        #expect(throws: DatabaseError.self, "\(payload)") {
            try queue.read { db in try DatabaseValue.fetchOne(db, sql: "SELECT json_extract(?, '$.v')", arguments: [payload]) }
        }
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
            ProposedEvent(type: "test.shaped", metadata: EventMetadata(actor: "t"), payload: Array(payload.utf8)),
        ])
        let (storage, runner) = try fixture.runner(projection)
        let failure = try await failureWhileRunning(runner)
        #expect(failure.position == 2)
        #expect(failure.message.contains("malformed JSON"), "\(failure.message)")
        #expect(try storage.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 1)
    }

    struct Pair: Sendable {
        var bound: DatabaseValue
        var extracted: DatabaseValue
        var boundType: String
        var extractedType: String
        var boundJSON: String
        var extractedJSON: String
    }
}
