import Foundation
import Testing
import TestSupport

/// Work promised by an answer (a mail after `202 Accepted`) outlives the process that promised it.
@Suite struct DurableWorkTests {
    /// The reset mail cannot be delivered (the outbox is not a directory), the server is killed after
    /// its 202, and the mail is delivered by the next start — with a token that resets the password.
    @Test func aResetMailPromisedBeforeASIGKILLIsDeliveredAfterTheRestart() async throws {
        try await withServer { server in
            let email = "durable.mail@example.sn"
            _ = try await server.signUp(email)
            let outbox = server.dataDirectory + "/mail/outbox"
            let parked = outbox + ".parked"
            try FileManager.default.moveItem(atPath: outbox, toPath: parked)
            try Data("not a directory".utf8).write(to: URL(fileURLWithPath: outbox))

            let accepted = try await server.client.send("POST", "/auth/forgot-password", json: ["email": email])
            #expect(accepted.status == 202, "\(accepted)")
            // The request and then its mail are recorded before anything is delivered: wait for the
            // mail's job file, which exists only while the delivery keeps failing.
            let queue = server.dataDirectory + "/mail/queue"
            _ = try DirectoryWatch.wait(in: queue) {
                try FileManager.default.contentsOfDirectory(atPath: queue).first { $0.hasSuffix(".json") }
            }
            await server.kill()

            try FileManager.default.removeItem(atPath: outbox)
            try FileManager.default.moveItem(atPath: parked, toPath: outbox)
            try await server.start()
            let token = try DirectoryWatch.wait(in: outbox) {
                try server.newestToken(to: email, link: "/reset-password?token=")
            }
            let reset = try await server.client.send("POST", "/auth/reset-password", json: ["token": token, "newPassword": "a brand new passphrase"])
            #expect(reset.status == 204, "\(reset)")
            #expect(try await server.login(email, password: "a brand new passphrase").status == 200)
            #expect(try FileManager.default.contentsOfDirectory(atPath: queue).filter { $0.hasSuffix(".json") }.isEmpty)
        }
    }
}
