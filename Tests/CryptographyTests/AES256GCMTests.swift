import Testing
@testable import Cryptography

@Suite struct AES256GCMTests {
    /// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13–16 (256-bit keys),
    /// the vectors NIST's GCM validation uses.
    @Test(arguments: [
        // Test case 13: empty plaintext.
        (String(repeating: "00", count: 32), String(repeating: "00", count: 12), "", "", "",
         "530f8afbc74536b9a963b4f1c4cb738b"),
        // Test case 14: one zero block.
        (String(repeating: "00", count: 32), String(repeating: "00", count: 12), String(repeating: "00", count: 16), "",
         "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"),
        // Test case 16: with additional authenticated data and a partial last block.
        ("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
         "cafebabefacedbaddecaf888",
         "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
         "feedfacedeadbeeffeedfacedeadbeefabaddad2",
         "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
         "76fc6ece0f4e1768cddf8853bb2d551b"),
    ])
    func gcmVectors(key: String, nonce: String, plaintext: String, aad: String, ciphertext: String, tag: String) throws {
        let box = try AES256GCM.seal(bytes(hex: plaintext), key: bytes(hex: key), nonce: bytes(hex: nonce),
                                     authenticating: bytes(hex: aad))
        #expect(hex(box) == nonce + ciphertext + tag)
        let opened = try AES256GCM.open(box, key: bytes(hex: key), authenticating: bytes(hex: aad))
        #expect(hex(opened) == plaintext)
    }

    @Test func roundTripWithRandomNonces() throws {
        let key = SecureRandom.bytes(count: 32)
        let message = Array("Ada Lovelace <ada@example.org>".utf8)
        let one = try AES256GCM.seal(message, key: key, authenticating: Array("subject".utf8))
        let two = try AES256GCM.seal(message, key: key, authenticating: Array("subject".utf8))
        #expect(one.count == 12 + message.count + 16)
        #expect(one.prefix(12) != two.prefix(12))
        #expect(try AES256GCM.open(one, key: key, authenticating: Array("subject".utf8)) == message)
    }

    @Test func tamperingIsDetected() throws {
        let key = SecureRandom.bytes(count: 32)
        let aad = Array("subject-1".utf8)
        let box = try AES256GCM.seal(Array("secret".utf8), key: key, authenticating: aad)
        for index in [0, 12, box.count - 1] {  // nonce, ciphertext, tag
            var tampered = box
            tampered[index] ^= 0x80
            #expect(throws: AES256GCM.Error.authenticationFailed) {
                try AES256GCM.open(tampered, key: key, authenticating: aad)
            }
        }
        #expect(throws: AES256GCM.Error.authenticationFailed) {
            try AES256GCM.open(box, key: key, authenticating: Array("subject-2".utf8))
        }
        #expect(throws: AES256GCM.Error.authenticationFailed) {
            try AES256GCM.open(box, key: SecureRandom.bytes(count: 32), authenticating: aad)
        }
        #expect(throws: AES256GCM.Error.boxTooShort(27)) {
            try AES256GCM.open(Array(box.prefix(27)), key: key, authenticating: aad)
        }
    }

    @Test func badSizesAreTypedErrors() {
        #expect(throws: AES256GCM.Error.invalidKeySize(16)) {
            try AES256GCM.seal([1, 2, 3] as [UInt8], key: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: AES256GCM.Error.invalidNonceSize(8)) {
            try AES256GCM.seal([1, 2, 3] as [UInt8], key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 8))
        }
    }
    /// One opener, one key schedule, many boxes: each opens as `AES256GCM.open` would, and a box
    /// that fails to authenticate leaves the opener usable for the next.
    @Test func anOpenerOpensManyBoxesOfItsKeyAndSurvivesAFailure() throws {
        let key = SecureRandom.bytes(count: 32)
        let opener = try AES256GCM.Opener(key: key)
        var boxes: [(box: [UInt8], plaintext: [UInt8], aad: [UInt8])] = []
        for n in 0..<50 {
            let plaintext = Array("champ \(n) \(String(repeating: "é", count: n))".utf8), aad = Array("subject-\(n % 3)".utf8)
            boxes.append((try AES256GCM.seal(plaintext, key: key, authenticating: aad), plaintext, aad))
        }
        for (index, entry) in boxes.enumerated() {
            if index % 7 == 3 {
                #expect(throws: AES256GCM.Error.authenticationFailed) { try opener.open(entry.box, authenticating: Array("other".utf8)) }
                var tampered = entry.box
                tampered[tampered.count - 1] ^= 1
                #expect(throws: AES256GCM.Error.authenticationFailed) { try opener.open(tampered, authenticating: entry.aad) }
            }
            #expect(try opener.open(entry.box, authenticating: entry.aad) == entry.plaintext)
            #expect(try AES256GCM.open(entry.box, key: key, authenticating: entry.aad) == entry.plaintext)
        }
        let other = try AES256GCM.Opener(key: SecureRandom.bytes(count: 32))
        #expect(throws: AES256GCM.Error.authenticationFailed) { try other.open(boxes[0].box, authenticating: boxes[0].aad) }
        #expect(throws: AES256GCM.Error.invalidKeySize(31)) { try AES256GCM.Opener(key: [UInt8](repeating: 0, count: 31)) }
    }
}
