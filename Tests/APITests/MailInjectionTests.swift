import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Security review (issue 19), finding 12: what a person types never reads as our words or
/// headers in the mails we write them.
@Suite struct MailInjectionTests {
    static func registration(email: String, firstName: String = "Awa") throws -> String {
        let body: [String: Any] = [
            "email": email, "password": "correct horse battery", "firstName": firstName, "lastName": "Diop", "role": "student",
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    @Test func anAddressOutsidePlainSyntaxIsRefusedAtRegistration() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let refused = [
                "awa@example.sn\r\nBcc: everyone@evil.example", "awa@example.sn\nBcc: everyone@evil.example",
                "awa@example.sn\r\n\r\nClick http://evil.example", "<awa@example.sn>", "Awa <awa@example.sn>",
                "awa@example.sn>", "\u{0430}wa@example.sn",  // Cyrillic а
                "awa@\u{0435}xample.sn",  // Cyrillic е in the domain
                "\u{212A}offi@example.tg",  // the Kelvin sign lowercases to an ASCII k
                "a\u{7}wa@example.sn", "awa@example.sn\u{0}", "awa@exa_mple.sn", "awa..diop@example.sn", ".awa@example.sn",
                "\"awa diop\"@example.sn", "awa@[192.0.2.1]", "awa@-example.sn", "awa@example.123",
            ]
            for email in refused {
                let problem = try await client.send(.post, "/auth/register", json: try Self.registration(email: email))
                    .expectProblem(.unprocessableContent)
                #expect((problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["email"], "\(email.debugDescription)")
            }
            let punycode = try await client.send(.post, "/auth/register", json: try Self.registration(email: "awa@ex\u{E9}mple.sn"))
                .expectProblem(.unprocessableContent)
            #expect((punycode["detail"] as? String)?.contains("punycode (xn--)") == true, "\(punycode)")

            for email in ["Awa.O'Diop+news@Example.SN", "koffi_k@xn--exmple-cua.tg", "a-b!#$%&*/=?^`{|}~@sub.example.org"] {
                let registered = try await client.send(.post, "/auth/register", json: try Self.registration(email: email))
                #expect(registered.status == .created, "\(email): \(registered.text)")
            }
            await fixture.platform.mail.waitUntilDelivered()
            let recipients = try fixture.outbox().compactMap { mail in
                mail.components(separatedBy: "\r\n").first { $0.hasPrefix("To: ") }
            }
            #expect(recipients.sorted() == ["To: a-b!#$%&*/=?^`{|}~@sub.example.org", "To: awa.o'diop+news@example.sn", "To: koffi_k@xn--exmple-cua.tg"])
        }
    }

    @Test func aFirstNameCannotStartALineOfItsOwnInTheVerificationMail() async throws {
        let fixture = try APIFixture()
        try await fixture.test { client in
            let firstName = "Awa\r\n\r\nYour account is locked. Click http://evil.example/unlock\u{2028}\u{202E}now\u{85}Bcc: x@evil.example"
            let registered = try await client.send(.post, "/auth/register", json: try Self.registration(email: "awa@example.sn", firstName: firstName))
            #expect(registered.status == .created, "\(registered.text)")
            await fixture.platform.mail.waitUntilDelivered()
            let mail = try #require(try fixture.outbox().first)

            let bytes = Array(mail.utf8)
            for index in bytes.indices where bytes[index] == 0x0A || bytes[index] == 0x0D {
                #expect(bytes[index] == 0x0D ? bytes[index + 1] == 0x0A : bytes[index - 1] == 0x0D, "a bare CR or LF at \(index)")
            }
            #expect(!mail.unicodeScalars.contains { ["\u{85}", "\u{2028}", "\u{2029}", "\u{202E}"].contains($0) })
            let lines = mail.components(separatedBy: "\r\n")
            let headers = lines.prefix { !$0.isEmpty }
            #expect(headers.map { String($0.prefix { $0 != ":" }) }
                == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"])
            #expect(headers.contains("To: awa@example.sn"))
            #expect(headers.contains("Subject: Confirmez votre adresse e-mail"))
            // Once in the text part, once in the HTML part, each inside our greeting.
            let mentions = lines.filter { $0.contains("evil.example") || $0.contains("locked") }
            #expect(mentions.count == 2 && mentions.first?.hasPrefix("Bonjour Awa Your account is locked.") == true, "\(mentions)")
            #expect(mentions.last?.hasPrefix("<p>Bonjour Awa Your account is locked.") == true, "\(mentions)")
            #expect(mentions.first.map { $0.count <= "Bonjour ,".count + 40 } == true, "\(mentions)")
        }
    }

    /// The mailer itself keeps a recipient on its header line, whatever reached the outbox.
    @Test func aRecipientCarryingALineBreakCannotAddAHeader() async throws {
        let directory = try TemporaryDirectory("protalent-mailer")
        defer { directory.remove() }
        let mailer = OutboxMailer(directory: directory.url)
        try await mailer.send(MailMessage(to: "awa@example.sn\r\nBcc: everyone@evil.example\u{2028}X-Evil: 1", subject: "Hello", body: "Hi"))
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).first { $0.hasSuffix(".eml") })
        let mail = try String(contentsOf: directory.url.appendingPathComponent(name), encoding: .utf8)
        let headers = mail.components(separatedBy: "\r\n").prefix { !$0.isEmpty }
        #expect(headers.contains("To: awa@example.snBcc: everyone@evil.exampleX-Evil: 1"), "\(headers)")
        #expect(!headers.contains { $0.hasPrefix("Bcc") || $0.hasPrefix("X-Evil") })
    }
}
