import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Security review (issue 19), finding 13: what browsers and caches may do with our answers, and
/// avatars that are images through and through.
@Suite struct ResponseHeaderTests {
    @Test func everyAnswerIsNosniffAndCredentialsAndExportsAreNeverStored() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "headers@example.sn")
            let login = try await client.send(.post, "/auth/login", json: #"{"email": "headers@example.sn", "password": "correct horse battery"}"#)
            let refreshToken = try #require(try login.jsonObject()["refreshToken"] as? String)
            let refreshed = try await client.send(.post, "/auth/refresh", json: #"{"refreshToken": "\#(refreshToken)"}"#)
            let twoFactor = try await client.send(.post, "/auth/2fa/enable", json: #"{"password": "correct horse battery"}"#, token: user.access)
            let export = try await client.get("/users/me/export", token: user.access, after: refreshed.logPosition)
            for (label, response) in [("login", login), ("refresh", refreshed), ("2fa secret", twoFactor), ("export", export)] {
                #expect(response.status == .ok, "\(label): \(response.text)")
                #expect(response.headers[.cacheControl] == "no-store", "\(label)")
            }

            let answers = [
                ("health", try await client.send(.get, "/health")),
                ("login", login),
                ("profile", try await client.get("/users/profile", token: user.access, after: refreshed.logPosition)),
                ("401", try await client.send(.get, "/users/profile")),
                ("404", try await client.send(.get, "/no/such/route")),
                ("405", try await client.send(.post, "/auth/verify-email")),
                ("422", try await client.send(.post, "/auth/register", json: "{}")),
                ("calendar", try await client.get("/events/calendar", token: user.access, after: nil, accept: "text/calendar")),
            ]
            for (label, response) in answers {
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(label) \(response.status.code)")
            }
            #expect(try await client.send(.get, "/health").headers[.cacheControl] == nil)
        }
    }

    @Test func anAvatarMustBeAWholeImageAndIsServedAsOneThatRunsNothing() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let user = try await client.signUp(fixture, email: "avatar@example.sn")
            func upload(_ bytes: [UInt8]) async throws -> TestResponse {
                try await client.execute(
                    uri: "/users/upload-avatar", method: .post,
                    headers: [.authorization: "Bearer \(user.access)", .contentType: "image/png"], body: ByteBuffer(bytes: bytes)
                )
            }
            let html = Array("<html><body><script>fetch('/users/me/export')</script></body></html>".utf8)
            let png = TestImages.png(width: 3, height: 2)
            var damaged = png
            damaged[damaged.count - 20] ^= 0x01  // inside the IDAT chunk: its CRC no longer matches
            let refused: [(String, [UInt8])] = [
                ("PNG signature then HTML", TestImages.pngSignature + html),
                ("a PNG then HTML", png + html),
                ("HTML in a chunk with a wrong CRC", Array(png.prefix(33)) + TestImages.bigEndian(UInt32(html.count)) + Array("tEXt".utf8) + html + [0, 0, 0, 0] + Array(png.dropFirst(33))),
                ("a damaged PNG", damaged),
                ("a PNG of 5000×1 pixels", TestImages.png(width: 5_000, height: 1)),
                ("a PNG without IEND", Array(png.dropLast(12))),
                ("JPEG markers then HTML", [0xFF, 0xD8, 0xFF, 0xE0] + html),
                ("a RIFF WEBP header then HTML", Array("RIFF".utf8) + [UInt8(html.count + 4), 0, 0, 0] + Array("WEBP".utf8) + html),
            ]
            for (label, bytes) in refused {
                let problem = try await upload(bytes).expectProblem(.unprocessableContent)
                #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "avatar", "\(label)")
            }

            let uploaded = try await upload(png)
            #expect(uploaded.status == .created, "\(uploaded.text)")
            let url = try #require(try uploaded.jsonObject()["url"] as? String)
            let served = try await client.send(.get, url)
            #expect(served.status == .ok)
            #expect(Array(served.body.readableBytesView) == png)
            #expect(served.headers[.contentType] == "image/png")
            #expect(served.headers[.xContentTypeOptions] == "nosniff")
            #expect(served.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
        }
    }
}
