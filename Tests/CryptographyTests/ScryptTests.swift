import Foundation
import Testing
@testable import Cryptography

@Suite struct ScryptTests {
    /// RFC 7914 §12, the first two vectors.
    @Test func rfc7914Vectors() throws {
        let first = try Scrypt.derive(password: [UInt8](), salt: [UInt8](), n: 16, r: 1, p: 1, length: 64)
        #expect(hex(first) == """
            77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442\
            fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906
            """)
        let second = try Scrypt.derive(password: Array("password".utf8), salt: Array("NaCl".utf8),
                                       n: 1024, r: 8, p: 16, length: 64)
        #expect(hex(second) == """
            fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162\
            2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640
            """)
    }

    @Test func invalidParametersAreRefused() {
        #expect(throws: Scrypt.Error.self) { try Scrypt.derive(password: [UInt8](), salt: [UInt8](), n: 1000, r: 1, p: 1, length: 32) }
        #expect(throws: Scrypt.Error.self) { try Scrypt.derive(password: [UInt8](), salt: [UInt8](), n: 16, r: 0, p: 1, length: 32) }
        #expect(throws: Scrypt.Error.self) { try Scrypt.derive(password: [UInt8](), salt: [UInt8](), n: 16, r: 1, p: 1, length: 0) }
    }
}

@Suite struct PasswordHasherTests {
    @Test func hashAndVerifyWithDefaults() throws {
        let hasher = PasswordHasher()
        let encoded = try hasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        let fields = encoded.split(separator: "$")
        #expect(fields.count == 4)
        #expect(Base64.decode(fields[2])?.count == 16)
        #expect(Base64.decode(fields[3])?.count == 32)
        #expect(try hasher.verify("correct horse battery staple", against: encoded))
        #expect(try !hasher.verify("correct horse battery stapler", against: encoded))
        #expect(try !hasher.verify("", against: encoded))
        #expect(!hasher.needsRehash(encoded))
    }

    @Test func saltsDiffer() throws {
        let hasher = PasswordHasher(logN: 4, r: 1, p: 1)
        #expect(try hasher.hash("pw") != hasher.hash("pw"))
    }

    @Test func parametersTravelWithTheHash() throws {
        let weak = try PasswordHasher(logN: 10, r: 8, p: 1).hash("s3cret")
        #expect(weak.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        let current = PasswordHasher()
        // An old hash still verifies with the parameters stored in it, and asks to be upgraded.
        #expect(try current.verify("s3cret", against: weak))
        #expect(current.needsRehash(weak))
        #expect(!PasswordHasher(logN: 10).needsRehash(weak))
    }

    @Test(arguments: [
        "", "plain", "$scrypt$ln=15,r=8$AAAA$AAAA", "$bcrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
        "$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
        "$scrypt$ln=10,r=8,p=1$not base64$AAAAAAAAAAAAAAAAAAAAAA==",
        "$scrypt$ln=10,r=8,p=1,p=2$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
    ])
    func malformedHashesAreErrorsNotMismatches(encoded: String) {
        #expect { try PasswordHasher().verify("pw", against: encoded) } throws: { error in
            (error as? PasswordHasher.Error)?.isMalformedHash == true
        }
        #expect(PasswordHasher().needsRehash(encoded))
    }
}

@Suite struct Base64Tests {
    /// RFC 4648 §10.
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func rfc4648(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        #expect(Array(encoded.utf8).withUnsafeBufferPointer { Base64.decode(utf8: $0) } == Array(plain.utf8))
        let unpadded = String(encoded.prefix { $0 != "=" })
        #expect(Base64URL.encode(Array(plain.utf8)) == unpadded)
        #expect(Base64URL.decode(unpadded) == Array(plain.utf8))
    }

    @Test func urlAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64.encode([0xfb, 0xff, 0xbf]) == "+/+/")
        #expect(Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
    }

    @Test(arguments: ["Zg==", "Zg=", "Z", "Zh", "+/+/", "Zm9v YmFy", "Zm9v\n"])
    func strictBase64URLDecoding(input: String) {
        // Padding, the standard alphabet, a lone character, non-zero trailing bits, whitespace.
        #expect(Base64URL.decode(input) == nil)
    }

    @Test(arguments: ["Zg", "Zg=", "Zh==", "Z===", "Zm9v=", "Z=g=", "-_-_", "===="])
    func strictBase64Decoding(input: String) {
        #expect(Base64.decode(input) == nil)
        #expect(Array(input.utf8).withUnsafeBufferPointer { Base64.decode(utf8: $0) } == nil)
    }

    /// Every length and every position of a foreign character, against Foundation's decoder.
    @Test func roundTripsAndRefusalsAgreeWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64.encode(bytes)
            #expect(Base64.decode(encoded) == bytes)
            #expect(Data(base64Encoded: encoded).map(Array.init) == bytes)
            let unpadded = Base64URL.encode(bytes)
            #expect(Base64URL.decode(unpadded) == bytes)
            for position in encoded.utf8.indices where encoded.utf8[position] != UInt8(ascii: "=") {
                for foreign in ["*", "-", "\n", "é"] {
                    var broken = encoded
                    broken.replaceSubrange(position...position, with: foreign)
                    #expect(Base64.decode(broken) == nil, "\(broken)")
                }
            }
        }
    }
}
