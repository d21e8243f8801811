import Testing
@testable import Cryptography

@Suite struct HMACTests {
    /// RFC 4231 §4.2–4.5 and §4.7: HMAC-SHA-256.
    @Test(arguments: [
        (bytes(hex: String(repeating: "0b", count: 20)), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (bytes(hex: String(repeating: "aa", count: 20)), bytes(hex: String(repeating: "dd", count: 50)),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), bytes(hex: String(repeating: "cd", count: 50)),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (bytes(hex: String(repeating: "aa", count: 131)), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func rfc4231(key: [UInt8], data: [UInt8], expected: String) {
        #expect(hex(HMAC.authenticationCode(for: data, key: key)) == expected)
        #expect(HMAC.isValidAuthenticationCode(bytes(hex: expected), for: data, key: key))
    }

    /// RFC 2202 §3 test cases 1 and 2: HMAC-SHA-1.
    @Test func rfc2202SHA1() {
        let one = HMAC.authenticationCode(for: Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20), algorithm: .sha1)
        #expect(hex(one) == "b617318655057264e28bc0b6fb378c8ef146be00")
        let two = HMAC.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8), algorithm: .sha1)
        #expect(hex(two) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test func emptyKeyAndMessage() {
        // Known value: HMAC-SHA256("", "").
        #expect(hex(HMAC.authenticationCode(for: [UInt8](), key: [UInt8]()))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func wrongCodeIsRejected() {
        var code = HMAC.authenticationCode(for: Array("message".utf8), key: Array("key".utf8))
        code[0] ^= 1
        #expect(!HMAC.isValidAuthenticationCode(code, for: Array("message".utf8), key: Array("key".utf8)))
        #expect(!HMAC.isValidAuthenticationCode(code.dropLast(), for: Array("message".utf8), key: Array("key".utf8)))
    }
}

@Suite struct ConstantTimeAndRandomTests {
    @Test func equals() {
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
    }

    @Test func randomBytes() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        let a = SecureRandom.bytes(count: 32), b = SecureRandom.bytes(count: 32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)
    }
}
