import Testing
@testable import Cryptography

@Suite struct JWTTests {
    // RFC 7515 Appendix A.1: the JWK's k, and the exact header and payload octets (with CR LF).
    static let rfcKey = Base64URL.decode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")!
    static let rfcHeader = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"
    static let rfcPayload = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
    static let rfcToken = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    static let key = [UInt8](repeating: 7, count: 32)
    static let claims = JWTClaims(subject: "acc-1", role: "mentor", issuedAt: 1_700_000_000, expiresAt: 1_700_000_900,
                                  id: "tok-1", extra: ["iss": "protalent", "sid": "s-9"])

    @Test func rfc7515AppendixA1() throws {
        let header = Base64URL.encode(Array(Self.rfcHeader.utf8))
        let payload = Base64URL.encode(Array(Self.rfcPayload.utf8))
        #expect(header == "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9")
        #expect(header + "." + payload + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" == Self.rfcToken)
        let jwt = try JWT(key: Self.rfcKey)
        #expect(Base64URL.encode(jwt.signature(of: header + "." + payload)) == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(try jwt.verifiedPayload(Self.rfcToken) == Array(Self.rfcPayload.utf8))
        // The signature is good, but the RFC's claims lack what ProTalent requires.
        #expect(throws: JWT.Error.missingClaim("iat")) { try jwt.verify(Self.rfcToken, now: 1_300_819_379) }
        #expect(throws: JWT.Error.invalidSignature) { try JWT(key: Self.key).verifiedPayload(Self.rfcToken) }
    }

    @Test func signAndVerifyRoundTrip() throws {
        let jwt = try JWT(key: Self.key)
        let token = try jwt.sign(Self.claims)
        #expect(token.hasPrefix(Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "."))
        #expect(try jwt.verify(token, now: 1_700_000_100) == Self.claims)
        var withNotBefore = Self.claims
        withNotBefore.notBefore = 1_700_000_050
        #expect(try jwt.verify(try jwt.sign(withNotBefore), now: 1_700_000_050) == withNotBefore)
    }

    @Test func timeChecks() throws {
        let jwt = try JWT(key: Self.key)
        let token = try jwt.sign(Self.claims)
        #expect(throws: JWT.Error.expired(at: 1_700_000_900)) { try jwt.verify(token, now: 1_700_000_900) }
        #expect(try jwt.verify(token, now: 1_700_000_900, leeway: 30).subject == "acc-1")
        var early = Self.claims
        early.notBefore = 1_700_000_500
        let earlyToken = try jwt.sign(early)
        #expect(throws: JWT.Error.notYetValid(until: 1_700_000_500)) { try jwt.verify(earlyToken, now: 1_700_000_499) }
    }

    /// Builds an unsigned-looking token with an arbitrary header, signed with `key` when given.
    func forge(header: String, payload: String, key: [UInt8]? = key) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let signature = key.map { HMAC.authenticationCode(for: Array(input.utf8), key: $0) } ?? []
        return input + "." + Base64URL.encode(signature)
    }

    static let validPayload = #"{"sub":"a","role":"admin","iat":1,"exp":9999999999,"jti":"x"}"#

    @Test func algorithmMustBeExactlyHS256() throws {
        let jwt = try JWT(key: Self.key)
        #expect(try jwt.verify(forge(header: #"{"alg":"HS256"}"#, payload: Self.validPayload), now: 2).role == "admin")
        #expect(throws: JWT.Error.unsupportedAlgorithm("none")) {
            try jwt.verify(forge(header: #"{"alg":"none","typ":"JWT"}"#, payload: Self.validPayload, key: nil), now: 2)
        }
        #expect(throws: JWT.Error.unsupportedAlgorithm("HS512")) {
            try jwt.verify(forge(header: #"{"alg":"HS512"}"#, payload: Self.validPayload), now: 2)
        }
        #expect(throws: JWT.Error.unsupportedAlgorithm("hs256")) {
            try jwt.verify(forge(header: #"{"alg":"hs256"}"#, payload: Self.validPayload), now: 2)
        }
        #expect(throws: JWT.Error.missingAlgorithm) {
            try jwt.verify(forge(header: #"{"typ":"JWT"}"#, payload: Self.validPayload), now: 2)
        }
        #expect(throws: JWT.Error.malformed("the header's alg is not a string")) {
            try jwt.verify(forge(header: #"{"alg":["HS256"]}"#, payload: Self.validPayload), now: 2)
        }
        #expect(throws: JWT.Error.unsupportedCriticalHeader) {
            try jwt.verify(forge(header: #"{"alg":"HS256","crit":["exp"]}"#, payload: Self.validPayload), now: 2)
        }
    }

    @Test func tamperingAndWrongKeysAreRefused() throws {
        let jwt = try JWT(key: Self.key)
        let token = try jwt.sign(Self.claims)
        let parts = token.split(separator: ".")
        let escalated = Base64URL.encode(Array(#"{"exp":1700000900,"iat":1700000000,"jti":"tok-1","role":"admin","sub":"acc-1"}"#.utf8))
        #expect(throws: JWT.Error.invalidSignature) { try jwt.verify("\(parts[0]).\(escalated).\(parts[2])", now: 1_700_000_100) }
        #expect(throws: JWT.Error.invalidSignature) {
            try JWT(key: [UInt8](repeating: 8, count: 32)).verify(token, now: 1_700_000_100)
        }
        #expect(throws: JWT.Error.invalidSignature) { try jwt.verify("\(parts[0]).\(parts[1]).", now: 1_700_000_100) }
    }

    @Test func malformedTokensNameTheProblem() throws {
        let jwt = try JWT(key: Self.key)
        #expect(throws: JWT.Error.malformed("a JWS compact token has three dot-separated parts, this one has 2")) {
            try jwt.verify("abc.def", now: 0)
        }
        #expect(throws: JWT.Error.malformed("the header is not base64url")) { try jwt.verify("a*c.def.ghi", now: 0) }
        #expect(throws: JWT.Error.malformed("the header is not a JSON object")) {
            try jwt.verify(Base64URL.encode(Array("[1]".utf8)) + ".e30.", now: 0)
        }
        #expect(throws: JWT.Error.malformed("the signature is not base64url")) {
            try jwt.verify(Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8)) + ".e30.a=b", now: 0)
        }
        #expect(throws: JWT.Error.malformed("the payload is not a JSON object")) {
            try jwt.verify(forge(header: #"{"alg":"HS256"}"#, payload: "42"), now: 0)
        }
        #expect(throws: JWT.Error.missingClaim("sub")) {
            try jwt.verify(forge(header: #"{"alg":"HS256"}"#, payload: #"{"iat":1,"exp":5}"#), now: 0)
        }
        #expect(throws: JWT.Error.invalidClaim("exp", "is not a NumericDate (seconds since 1970)")) {
            try jwt.verify(forge(header: #"{"alg":"HS256"}"#, payload: #"{"iat":1,"exp":"soon"}"#), now: 0)
        }
        #expect(throws: JWT.Error.malformed("the header's typ is not \"JWT\"")) {
            try jwt.verify(forge(header: #"{"alg":"HS256","typ":"JWE"}"#, payload: Self.validPayload), now: 0)
        }
        #expect(throws: JWT.Error.self) { try jwt.verify(String(repeating: "a", count: 9000), now: 0) }
    }

    @Test func keysAndReservedClaims() throws {
        #expect(throws: JWT.Error.weakKey(16)) { try JWT(key: [UInt8](repeating: 1, count: 16)) }
        var claims = Self.claims
        claims.extra["exp"] = "never"
        #expect(throws: JWT.Error.reservedClaim("exp")) { try JWT(key: Self.key).sign(claims) }
    }
}

extension JWTTests {
    @Test func extremeExpiryDoesNotOverflow() throws {
        let jwt = try JWT(key: Self.key)
        var claims = Self.claims
        claims.expiresAt = .max
        #expect(try jwt.verify(jwt.sign(claims), now: 1_700_000_100, leeway: 60).expiresAt == .max)
    }
}
