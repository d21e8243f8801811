import Cryptography
import Testing

/// RS256 and ES256 signatures made by Python's `cryptography` (pyca, over OpenSSL) with fresh keys,
/// checked with the keys rebuilt from their JWK numbers; a changed byte or the other key fails.
@Suite struct SignatureKeyTests {
    static let rsaModulus = "1SQMinmqgVCmXMpqg7G5trxXhMs7JRJcWFVEJ-lIjWWljPgOOS-Nr6oY6LWzd2SyeEdPUlgXW0J8vx5NZGACb3cnB7PDbBdJ51Qi0IKytYEAlaTzw32sDAZmOGBbfSKQB41VvEuyXKDOtxSzIJ_Bc9EhE734FhN1fUfNFbdnkUvASVNRBdrfXGgto1P74QAOSKZvjqcM4sbgjyHGx5PSTEvmcCiOnfUVk4yu1J0mmOrLNXrl77Jej09upSLny_x8WX-Vy7fScOjMvYgv5_8PYBtwPFCDfIkFZHqOi9vW4clC9spntCMEEqTt82u_s7znDdgWqu10iCW8YtH6jP7AXw"
    static let rsaExponent = "AQAB"
    static let rs256 = "eyJhbGciOiAiUlMyNTYiLCAia2lkIjogImsifQ.eyJzdWIiOiJ4In0.vNSZ9gWsraoZmuIaFsmHPzijhSZ89pSbvFkw0kyDT0VEddwCK-FtMYneg5sf0jleJKZbfJ_mHdeDRTyjffJpgLhJ7KCJQ9RSezLBy2R2y4O7wClD-02haR-XFBe0x2e2Bud70IwCsp2d6g-Mf-Jpz7CW3EuQAu6UrO6eDnXTjlkNxEBkiDHyj3e7HQ4_TK0nuv-iMw40yT0GUuwntkz3jyHReUZmitgQQSyNe4r45LIHvX2j0A7PB2eanhm2W9Qq-jxMbMEYxSBYgeLkq1ec2O5HPMXwo5ZbIwSFlejsAmCo4LXXeIUm2EY8jYnzkyi4XAyK5O2MKN7uhPxJmYJVRw"
    static let ecX = "6S0J5813L7afRemg52zCsvgMYAhxUn4g6rgd2CUTRzs"
    static let ecY = "nbXZwam1iTO6UpV300PRztVZ2Y3SPh14rpSEvbKVNqU"
    static let es256 = "eyJhbGciOiAiRVMyNTYiLCAia2lkIjogImsifQ.eyJzdWIiOiJ4In0.6x_xuAivBjfSmQFEUPjlInrdvXVvziFdZDjkMHm5pKEFHVDO54Q9GAfMgqNnZVLqvEE4YGQndLwkhwbviPm7cA"

    func rsaKey() throws -> SignatureKey {
        try SignatureKey.rsa(modulus: try #require(Base64URL.decode(Self.rsaModulus)), exponent: try #require(Base64URL.decode(Self.rsaExponent)))
    }

    func ecKey() throws -> SignatureKey {
        try SignatureKey.p256(x: try #require(Base64URL.decode(Self.ecX)), y: try #require(Base64URL.decode(Self.ecY)))
    }

    @Test func rs256AndES256TokensVerifyWithTheirOwnKeysOnly() throws {
        let rsa = try rsaKey(), ec = try ecKey()
        #expect(try SignedToken(Self.rs256).verifiedPayload(keys: [ec, rsa]) == Array(#"{"sub":"x"}"#.utf8))
        #expect(try SignedToken(Self.es256).verifiedPayload(keys: [rsa, ec]) == Array(#"{"sub":"x"}"#.utf8))
        #expect(throws: SignedToken.Error.invalidSignature) { try SignedToken(Self.rs256).verifiedPayload(keys: [ec]) }
        #expect(throws: SignedToken.Error.invalidSignature) { try SignedToken(Self.es256).verifiedPayload(keys: [rsa]) }
    }

    @Test func aChangedPayloadOrSignatureFails() throws {
        let rsa = try rsaKey(), ec = try ecKey()
        for (token, key) in [(Self.rs256, rsa), (Self.es256, ec)] {
            let parts = token.split(separator: ".").map(String.init)
            let otherPayload = [parts[0], Base64URL.encode(Array(#"{"sub":"y"}"#.utf8)), parts[2]].joined(separator: ".")
            #expect(throws: SignedToken.Error.invalidSignature) { try SignedToken(otherPayload).verifiedPayload(keys: [key]) }
            var signature = try #require(Base64URL.decode(parts[2]))
            signature[signature.count / 2] ^= 1
            let otherSignature = [parts[0], parts[1], Base64URL.encode(signature)].joined(separator: ".")
            #expect(throws: SignedToken.Error.invalidSignature) { try SignedToken(otherSignature).verifiedPayload(keys: [key]) }
        }
    }

    @Test func otherAlgorithmsAndBadKeysAreRefused() throws {
        let none = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(Array("{}".utf8)) + "."
        #expect(throws: SignedToken.Error.unsupportedAlgorithm("none")) { try SignedToken(none) }
        let hs = Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8)) + "." + Base64URL.encode(Array("{}".utf8)) + ".c2ln"
        #expect(throws: SignedToken.Error.unsupportedAlgorithm("HS256")) { try SignedToken(hs) }
        #expect(throws: SignatureKey.Error.self) { try SignatureKey.p256(x: [UInt8](repeating: 1, count: 32), y: [UInt8](repeating: 2, count: 32)) }
        #expect(throws: SignatureKey.Error.self) { try SignatureKey.rsa(modulus: [UInt8](repeating: 0xFF, count: 64), exponent: [1, 0, 1]) }
    }
}
