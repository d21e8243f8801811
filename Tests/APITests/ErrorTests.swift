import API
import EventLog
import EventSourcing
import HTTPTypes
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Bad input gets a precise 4xx problem and changes nothing.
@Suite struct ErrorTests {
    @Test func malformedWrongTypedMissingAndOversizedBodiesAreProblemsAndAppendNothing() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let head = fixture.platform.log.head
            try await client.send(.post, "/auth/register", json: #"{"email": "a@b.c", "#).expectProblem(.badRequest)
            try await client.send(.post, "/auth/register", json: "[1, 2]").expectProblem(.badRequest)
            try await client.send(.post, "/auth/register", json: "").expectProblem(.badRequest)
            try await client.send(.post, "/auth/register", json: String(repeating: "[", count: 10_000)).expectProblem(.badRequest)
            let invalidUTF8 = try await client.execute(
                uri: "/auth/register", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
            )
            try invalidUTF8.expectProblem(.badRequest)

            let wrongType = try await client.send(.post, "/auth/register", json: """
                {"email": 42, "password": "correct horse battery", "firstName": "A", "lastName": "B", "role": "student"}
                """)
            let problem = try wrongType.expectProblem(.unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "email")

            let missing = try await client.send(.post, "/auth/register", json: #"{"email": "a@example.org"}"#)
            let missingProblem = try missing.expectProblem(.unprocessableContent)
            #expect((missingProblem["errors"] as? [[String: Any]])?.first?["field"] as? String == "password")

            let badRole = try await client.send(.post, "/auth/register", json: """
                {"email": "a@example.org", "password": "correct horse battery", "firstName": "A", "lastName": "B", "role": "admin"}
                """)
            #expect((try badRole.expectProblem(.unprocessableContent)["errors"] as? [[String: Any]])?.first?["field"] as? String == "role")

            let huge = "{\"email\": \"" + String(repeating: "a", count: (1 << 20) + 10) + "\"}"
            try await client.send(.post, "/auth/register", json: huge).expectProblem(.contentTooLarge)

            try await client.send(.post, "/auth/register", json: """
                {"email": "not-an-address", "password": "correct horse battery", "firstName": "A", "lastName": "B", "role": "student"}
                """).expectProblem(.unprocessableContent)
            #expect(fixture.platform.log.head == head)
        }
    }

    @Test func unknownRoutesIdsTokensAndHeadersAreProblems() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            try await client.send(.get, "/no/such/route").expectProblem(.notFound)
            let anonymous = try await client.send(.put, "/users/profile", json: "{}")
            try anonymous.expectProblem(.unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            try await client.send(.put, "/users/profile", json: "{}", token: "not.a.jwt").expectProblem(.unauthorized)
            let forged = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0."
            try await client.send(.put, "/users/profile", json: "{}", token: forged).expectProblem(.unauthorized)

            // /health reads no read model, so it ignores X-Min-Position.
            #expect(try await client.send(.get, "/health", headers: [HTTPField.Name("X-Min-Position")!: "abc"]).status == .ok)
            let user = try await client.signUp(fixture, email: "errors@example.sn")
            try await client.send(.put, "/admin/users/not-a-uuid/role", json: #"{"role": "mentor"}"#, token: user.access)
                .expectProblem(.forbidden)
            // A known path with another method: 405 naming the allowed ones (docs/api.md).
            let wrongMethod = try await client.send(.post, "/auth/verify-email")
            _ = try wrongMethod.expectProblem(.methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET")
            try await client.send(.get, "/auth/verify-email?token=mt1.garbage").expectProblem(.unprocessableContent)
            try await client.send(.get, "/users/avatars/..%2F..%2Fkeys%2Fserver.key").expectProblem(.notFound)
        }
    }

    @Test func avatarsAreCheckedByContentStoredByHashAndCachedLong() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "avatar@example.cm")
            let png = TestImages.png()
            let uploaded = try await client.execute(
                uri: "/users/upload-avatar", method: .post,
                headers: [.authorization: "Bearer \(user.access)", .contentType: "image/jpeg"], body: ByteBuffer(bytes: png)
            )
            #expect(uploaded.status == .created, "\(uploaded.text)")
            let stored = try uploaded.jsonObject()
            #expect(stored["mediaType"] as? String == "image/png")  // the bytes, not the header, decide
            let url = try #require(stored["url"] as? String)
            let served = try await client.send(.get, url)
            #expect(served.status == .ok)
            #expect(Array(served.body.readableBytesView) == png)
            #expect(served.headers[.cacheControl]?.contains("immutable") == true)

            // The same image from an HTML form (multipart/form-data) is stored under the same hash.
            let multipart = Array("--XyZ\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
                + png + Array("\r\n--XyZ--\r\n".utf8)
            let form = try await client.execute(
                uri: "/users/upload-avatar", method: .post,
                headers: [.authorization: "Bearer \(user.access)", .contentType: "multipart/form-data; boundary=XyZ"],
                body: ByteBuffer(bytes: multipart)
            )
            #expect(form.status == .created, "\(form.text)")
            #expect(try form.jsonObject()["url"] as? String == url)

            let text = try await client.execute(
                uri: "/users/upload-avatar", method: .post, headers: [.authorization: "Bearer \(user.access)"],
                body: ByteBuffer(string: "<svg onload=alert(1)>")
            )
            try text.expectProblem(.unprocessableContent)
            let big = try await client.execute(
                uri: "/users/upload-avatar", method: .post, headers: [.authorization: "Bearer \(user.access)"],
                body: ByteBuffer(bytes: png + Array(repeating: 0, count: 2 << 20))
            )
            try big.expectProblem(.contentTooLarge)
        }
    }
}
