import Foundation
import Testing
import TestSupport

/// Security review, finding 11: the data directory holds plaintext emails in read models, key files
/// and mails with live reset tokens; nothing in it may be readable by other users of the machine.
@Suite struct FileModeTests {
    @Test func theDataDirectoryIsTheOwnersAloneAndSoIsEveryFileInIt() async throws {
        try await withServer { server in
            let email = "private.files@example.sn"
            _ = try await server.signUp(email)
            #expect(try await server.client.send("POST", "/auth/forgot-password", json: ["email": email]).status == 202)
            _ = try DirectoryWatch.wait(in: server.dataDirectory + "/mail/outbox") {
                try server.newestToken(to: email, link: "/reset-password?token=")
            }
            let root = try FileManager.default.attributesOfItem(atPath: server.dataDirectory)[.posixPermissions] as? Int
            #expect(root == 0o700)
            var checked = 0
            let walker = try #require(FileManager.default.enumerator(atPath: server.dataDirectory))
            while let relative = walker.nextObject() as? String {
                let path = server.dataDirectory + "/" + relative
                let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
                #expect(mode & 0o077 == 0, "\(relative) has mode \(String(mode, radix: 8))")
                checked += 1
            }
            #expect(checked > 20, "the walk found the log, keys, read models and mails")
        }
    }
}
