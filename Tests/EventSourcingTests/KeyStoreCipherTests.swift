import Cryptography
import Foundation
import Testing
import TestSupport
@testable import EventSourcing

/// An event-like value with several personal fields of different shapes.
struct ProfileUpdated: Codable, Equatable, Sendable {
    struct Address: Codable, Equatable, Sendable {
        var city: String
        var postcode: String
    }
    var accountID: String
    var name: Personal<String>
    var birthYear: Personal<Int>
    var address: Personal<Address>
    var skills: Personal<[String]>
    var bio: Personal<String?>
}

@Suite struct KeyStoreCipherTests {
    let data: TemporaryDirectory
    let store: KeyStore

    init() throws {
        data = try TemporaryDirectory("cipher")
        store = try KeyStore(dataDirectory: data.url, environment: [:])
    }

    static func event(_ name: String) -> ProfileUpdated {
        ProfileUpdated(
            accountID: "acc-\(name)", name: Personal(name), birthYear: Personal(1815),
            address: Personal(.init(city: "Londres", postcode: "W1")), skills: Personal(["maths", "poésie"]),
            bio: Personal(nil))
    }

    func encode(_ event: ProfileUpdated, subject: UUID?) throws -> Data {
        let encoder = JSONEncoder()
        encoder.userInfo[.personalDataCipher] = KeyStoreCipher(keyStore: store)
        if let subject { encoder.userInfo[.personalDataSubject] = subject }
        return try encoder.encode(event)
    }

    func decode(_ json: Data, store: KeyStore? = nil) throws -> ProfileUpdated {
        let decoder = JSONDecoder()
        decoder.userInfo[.personalDataCipher] = KeyStoreCipher(keyStore: store ?? self.store)
        return try decoder.decode(ProfileUpdated.self, from: json)
    }

    static func erasedVersion(of event: ProfileUpdated) -> ProfileUpdated {
        ProfileUpdated(accountID: event.accountID, name: .erased, birthYear: .erased, address: .erased, skills: .erased, bio: .erased)
    }

    @Test func roundTripEncryptsEveryPersonalField() throws {
        defer { data.remove() }
        let subject = UUID()
        let event = Self.event("Ada")
        let json = try encode(event, subject: subject)
        let text = String(decoding: json, as: UTF8.self)
        for secret in ["\"Ada\"", "1815", "Londres", "poésie", "po\\u00e9sie"] { #expect(!text.contains(secret)) }
        #expect(text.contains("\"accountID\":\"acc-Ada\""))

        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let name = try #require(object["name"] as? [String: String])
        #expect(Set(name.keys) == ["enc", "sub"])
        #expect(name["sub"] == subject.uuidString.lowercased())
        let enc = try #require(name["enc"])
        let box = try #require(Base64.decode(enc))
        #expect(box.count == 12 + "\"Ada\"".utf8.count + 16)

        #expect(try decode(json) == event)
        let reopened = try KeyStore(dataDirectory: data.url, environment: [:])
        #expect(try decode(json, store: reopened) == event)
    }

    @Test func erasureShredsOneSubjectOnly() throws {
        defer { data.remove() }
        let ada = UUID(), grace = UUID()
        let adaEvent = Self.event("Ada"), graceEvent = Self.event("Grace")
        let adaJSON = try encode(adaEvent, subject: ada)
        let graceJSON = try encode(graceEvent, subject: grace)

        try store.erase(subject: ada)
        #expect(try decode(adaJSON) == Self.erasedVersion(of: adaEvent))
        #expect(try decode(graceJSON) == graceEvent)

        // Same after a restart: the erasure is on disk.
        let reopened = try KeyStore(dataDirectory: data.url, environment: [:])
        #expect(try decode(adaJSON, store: reopened) == Self.erasedVersion(of: adaEvent))
        #expect(try decode(graceJSON, store: reopened) == graceEvent)

        // New personal data for an erased subject is refused, not written under a new key.
        #expect(throws: KeyStore.Error.subjectErased(ada)) { try encode(adaEvent, subject: ada) }
        // Erased values still encode (as the erased marker) and read back as erased.
        let erased = Self.erasedVersion(of: adaEvent)
        let erasedJSON = try encode(erased, subject: ada)
        #expect(String(decoding: erasedJSON, as: UTF8.self).contains("{\"erased\":true}"))
        #expect(try decode(erasedJSON) == erased)
    }

    @Test func tamperingIsAClearError() throws {
        defer { data.remove() }
        let ada = UUID(), grace = UUID()
        let json = try encode(Self.event("Ada"), subject: ada)
        _ = try encode(Self.event("Grace"), subject: grace)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        var name = try #require(object["name"] as? [String: String])
        var box = try #require(Base64.decode(name["enc"]!))
        box[14] ^= 1
        name["enc"] = Base64.encode(box)
        object["name"] = name
        let tampered = try JSONSerialization.data(withJSONObject: object)
        #expect { try decode(tampered) } throws: { error in
            let error = try #require(error as? PersonalDataError)
            return error.isTampered && error.description.contains("name") && error.description.contains(ada.uuidString.lowercased())
        }

        // A ciphertext relabelled with another subject (whose key exists) fails too: the subject is authenticated.
        var relabelled = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        var field = try #require(relabelled["name"] as? [String: String])
        field["sub"] = grace.uuidString.lowercased()
        relabelled["name"] = field
        #expect { try decode(JSONSerialization.data(withJSONObject: relabelled)) } throws: { error in
            (error as? PersonalDataError)?.isTampered == true
        }

        // Malformed encrypted forms name the problem.
        var malformed = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        malformed["name"] = ["enc": "!!", "sub": ada.uuidString]
        #expect { try decode(JSONSerialization.data(withJSONObject: malformed)) } throws: { error in
            (error as? PersonalDataError)?.description == "encrypted personal data at name is malformed: 'enc' is not base64"
        }
    }

    @Test func plainAndErasedMarkersStayReadable() throws {
        defer { data.remove() }
        let json = Data("""
            {"accountID":"acc-1","name":"Ada","birthYear":{"erased":true},"address":{"city":"Paris","postcode":"75001"},
             "skills":["swift"],"bio":"hello"}
            """.utf8)
        let event = try decode(json)
        #expect(event.name == Personal("Ada"))
        #expect(event.birthYear == .erased)
        #expect(event.address == Personal(.init(city: "Paris", postcode: "75001")))
        #expect(event.skills == Personal(["swift"]))
        #expect(event.bio == Personal("hello"))
        // The same JSON through a plain decoder (no cipher) reads the same.
        #expect(try JSONDecoder().decode(ProfileUpdated.self, from: json) == event)
    }

    @Test func encodingWithoutASubjectIsRefused() throws {
        defer { data.remove() }
        #expect { try encode(Self.event("Ada"), subject: nil) } throws: { error in
            (error as? PersonalDataError)?.description.contains(".personalDataSubject") == true
        }
    }

    @Test func absentKeyReadsAsErased() throws {
        defer { data.remove() }
        let json = try encode(Self.event("Ada"), subject: UUID())
        // Another data directory (a restored copy missing the keys) sees the values as erased.
        let elsewhere = try TemporaryDirectory("cipher-other")
        defer { elsewhere.remove() }
        let other = try KeyStore(dataDirectory: elsewhere.url, environment: [:])
        #expect(try decode(json, store: other) == Self.erasedVersion(of: Self.event("Ada")))
    }
}
