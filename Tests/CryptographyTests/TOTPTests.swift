import Testing
@testable import Cryptography

@Suite struct TOTPTests {
    static let rfcSecret = Array("12345678901234567890".utf8)

    /// RFC 4226 Appendix D.
    @Test func rfc4226HOTP() {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        for (counter, code) in expected.enumerated() {
            #expect(HOTP.code(secret: Self.rfcSecret, counter: UInt64(counter)) == code)
        }
    }

    /// RFC 6238 Appendix B, the SHA-1 rows (8 digits).
    @Test(arguments: [(Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                      (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")])
    func rfc6238SHA1(time: Int64, code: String) {
        let totp = TOTP(secret: Self.rfcSecret, digits: 8)
        #expect(totp.code(at: time) == code)
        #expect(totp.verify(code, at: time) == time / 30)
    }

    @Test func windowAndReuse() {
        let totp = TOTP(secret: Self.rfcSecret)
        let now: Int64 = 1_111_111_111
        let step = now / 30
        #expect(totp.code(at: now).count == 6)
        #expect(totp.verify(totp.code(forStep: step - 1), at: now) == step - 1)
        #expect(totp.verify(totp.code(forStep: step + 1), at: now) == step + 1)
        #expect(totp.verify(totp.code(forStep: step - 2), at: now) == nil)
        #expect(totp.verify(totp.code(forStep: step - 2), at: now, window: 2) == step - 2)
        #expect(totp.verify(totp.code(forStep: step), at: now, window: 0) == step)
        // A code already used (its step, or any earlier) is refused.
        let code = totp.code(forStep: step)
        #expect(totp.verify(code, at: now, lastUsedStep: step) == nil)
        #expect(totp.verify(code, at: now, lastUsedStep: step - 1) == step)
        #expect(totp.verify(totp.code(forStep: step - 1), at: now, lastUsedStep: step) == nil)
    }

    @Test(arguments: ["", "12345", "1234567", "12 456", "abcdef", "١٢٣٤٥٦"])
    func malformedCodesAreRefused(code: String) {
        #expect(TOTP(secret: Self.rfcSecret).verify(code, at: 59) == nil)
    }

    @Test func provisioningURI() {
        let totp = TOTP(secret: Array("Hello!\u{de}\u{ad}\u{be}\u{ef}".utf8))
        #expect(Base32.decode(Base32.encode(totp.secret)) == totp.secret)
        let uri = TOTP(secret: Base32.decode("JBSWY3DPEHPK3PXP")!)
            .provisioningURI(issuer: "Coach&Pro'Talent", account: "ada@example.org")
        #expect(uri == "otpauth://totp/Coach%26Pro%27Talent:ada%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Coach%26Pro%27Talent")
        let custom = TOTP(secret: [1, 2, 3, 4, 5], digits: 8, period: 60).provisioningURI(issuer: "P T", account: "a:b")
        #expect(custom == "otpauth://totp/P%20T:a%3Ab?secret=AEBAGBAF&issuer=P%20T&digits=8&period=60")
    }

    @Test func generatedSecrets() {
        let secret = TOTP.generateSecret()
        #expect(secret.count == 20)
        #expect(Base32.encode(secret).count == 32)
    }
}

@Suite struct Base32Tests {
    /// RFC 4648 §10.
    @Test(arguments: [("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="), ("foob", "MZXW6YQ="),
                      ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======")])
    func rfc4648(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8), padding: true) == encoded)
        #expect(Base32.encode(Array(plain.utf8)) == String(encoded.prefix { $0 != "=" }))
        #expect(Base32.decode(encoded) == Array(plain.utf8))
        #expect(Base32.decode(encoded.lowercased().prefix { $0 != "=" }) == Array(plain.utf8))
    }

    @Test func humanInput() {
        #expect(Base32.decode("jbsw y3dp-ehpk 3pxp") == Base32.decode("JBSWY3DPEHPK3PXP"))
        #expect(Base32.decode("MZ1W") == nil)   // '1' is not in the alphabet
        #expect(Base32.decode("M") == nil)      // impossible length
        #expect(Base32.decode("MZ") == nil)     // non-zero leftover bits
    }
}
