@testable import Projections
import EventLog
import Foundation
import Testing

@Suite struct ProjectionFileParserTests {
    @Test func parsesSchemaAndHandlers() throws {
        let source = """
            -- a comment
            -- @schema
            CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER);
            -- @on a.one b.two
            INSERT INTO t (id, n) VALUES (:p_id, :position);
            UPDATE t SET n = n + 1 WHERE id = ':not_a_parameter;';
            -- @on *
            DELETE FROM t WHERE id = json_extract(:payload, '$.gone');
            """
        let projection = try Projection(name: "t", source: Array(source.utf8), file: "t.sql")
        let one = projection.definition.statements(for: "a.one")
        #expect(one.count == 3)
        #expect(one[0].sql == "INSERT INTO t (id, n) VALUES (:p_id, :position)")
        #expect(one[0].parameters == ["p_id", "position"])
        #expect(one[0].usesPayload)
        #expect(one[0].line == 5)
        #expect(one[1].sql.hasSuffix("':not_a_parameter;'"))
        #expect(projection.definition.statements(for: "other").count == 1)
        #expect(projection.version.count == 64)
    }

    @Test func reportsUnknownParameterWithLine() {
        let source = "-- @schema\nCREATE TABLE t (x);\n-- @on a.one\nINSERT INTO t VALUES (:paylod);\n"
        #expect(throws: ProjectionFileError.self) { try Projection(name: "t", source: Array(source.utf8), file: "t.sql") }
        do {
            _ = try Projection(name: "t", source: Array(source.utf8), file: "t.sql")
        } catch {
            #expect(error.line == 4)
            #expect(error.description.hasPrefix("t.sql:4:"))
        }
    }

    @Test func refusesUnknownDirectiveAndDuplicateTypes() {
        let unknown = "-- @schema\nCREATE TABLE t (x);\n-- @onn a\nSELECT 1;\n"
        let duplicate = "-- @schema\nCREATE TABLE t (x);\n-- @on a\nSELECT 1;\n-- @on a\nSELECT 2;\n"
        let stray = "CREATE TABLE t (x);\n-- @on a\nSELECT 1;\n"
        for (source, line) in [(unknown, 3), (duplicate, 5), (stray, 1)] {
            do {
                _ = try Projection(name: "t", source: Array(source.utf8), file: "t.sql")
                Issue.record("accepted \(source)")
            } catch {
                #expect(error.line == line)
            }
        }
    }
}

@Suite struct TransactionControlTests {
    /// The runner's batch, rows and checkpoint are one transaction: no statement may end or split it.
    @Test func handlersAndAfterBatchStatementsCannotControlTheTransaction() {
        let head = "-- @schema\nCREATE TABLE t (x);\n-- @on a\nINSERT INTO t VALUES (1);\n"
        var cases: [(source: String, line: Int, words: String)] = []
        for statement in ["COMMIT", "commit transaction", "END", "BEGIN IMMEDIATE", "ROLLBACK", "SAVEPOINT s", "RELEASE s",
                          "ATTACH 'x.sqlite' AS x", "DETACH x", "VACUUM"] {
            cases.append((head + "-- @on b\nINSERT INTO t VALUES (2);\n  \(statement);\n", 7, "is not allowed in an event or after-batch section"))
            cases.append((head + "-- @after-batch\n/* why */ \(statement);\n", 6, "is not allowed in an event or after-batch section"))
        }
        expectRefused(cases)
        // Words that merely start like one of them are fine.
        let fine = head + "-- @on b\nUPDATE t SET x = 2 WHERE x = (SELECT 1 AS ended);\nINSERT INTO t SELECT 3 WHERE 'COMMIT' <> '';\n"
        #expect(throws: Never.self) { try Projection(name: "t", source: Array(fine.utf8), file: "t.sql") }
    }
}

@Suite struct TimeFormatTests {
    @Test func formatsISO8601UTCWithTruncatedMilliseconds() {
        let expected: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"), (999, "1970-01-01T00:00:00.999Z"), (-1, "1969-12-31T23:59:59.999Z"),
            (-86_400_001, "1969-12-30T23:59:59.999Z"), (951_782_400_123, "2000-02-29T00:00:00.123Z"),
            (1_709_164_800_000, "2024-02-29T00:00:00.000Z"), (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
            (1_790_000_000_000, "2026-09-21T14:13:20.000Z"),
        ]
        for (millis, text) in expected {
            #expect(ISO8601Micros.format(millis * 1_000 + 456) == text)
        }
        // Agrees with Foundation away from binary-rounding edges.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for seconds: Int64 in stride(from: -2_000_000_000, through: 4_000_000_000, by: 86_399_917) {
            #expect(ISO8601Micros.format(seconds * 1_000_000) == Date(timeIntervalSince1970: Double(seconds)).formatted(style))
        }
    }
}
