import Cryptography
import EventLog
import Foundation

/// Encrypts `Personal` fields under their subject's data key from a `KeyStore` (crypto-shredding).
///
/// An encrypted field reads `{"enc": "<base64 of nonce ‖ ciphertext ‖ tag>", "sub": "<subject uuid>"}`:
/// AES-256-GCM over the JSON of the value, with the subject id (lowercase UUID string) as additional
/// authenticated data, so a ciphertext moved to another subject does not open. The subject comes
/// from the encoder's `userInfo[.personalDataSubject]`, set by whoever encodes the event.
///
/// Decoding yields `.value` while the subject's key exists and `.erased` once it was erased (or never
/// existed); a ciphertext that fails authentication throws `PersonalDataError.tampered`. Plain
/// values and `{"erased": true}` (what `Personal` writes without a cipher) are read as they are.
public struct KeyStoreCipher: PersonalDataCipher {
    /// Where the data keys live.
    public let keyStore: KeyStore

    /// A cipher over `keyStore`.
    public init(keyStore: KeyStore) {
        self.keyStore = keyStore
    }

    public func encodePersonal<Value>(_ value: Personal<Value>, to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Field.self)
        switch value {
        case .erased:
            try container.encode(true, forKey: .erased)
        case .value(let value):
            guard let subject = encoder.userInfo[.personalDataSubject] as? UUID else {
                throw PersonalDataError.missingSubject(at: encoder.codingPath)
            }
            // `create: true` either returns a key or throws (for an erased subject).
            guard let key = try keyStore.key(for: subject, create: true) else {
                throw KeyStore.Error.subjectErased(subject)
            }
            let json = JSONEncoder()
            json.outputFormatting = [.sortedKeys]
            let plaintext = try json.encode(value)
            let box = try AES256GCM.seal(Array(plaintext), key: key, authenticating: Self.associatedData(subject))
            try container.encode(Base64.encode(box), forKey: .enc)
            try container.encode(subject.uuidString.lowercased(), forKey: .sub)
        }
    }

    public func decodePersonal<Value>(_ type: Value.Type, from decoder: any Decoder) throws -> Personal<Value> {
        if let container = try? decoder.container(keyedBy: Field.self),
           let all = try? decoder.container(keyedBy: AnyKey.self), all.allKeys.count == container.allKeys.count {
            // Only objects made of exactly these keys are the cipher's: a plain value may be an object too.
            let keys = Set(container.allKeys)
            if keys == [.enc, .sub] {
                return try decrypt(container, at: decoder.codingPath)
            }
            if keys == [.erased], (try? container.decode(Bool.self, forKey: .erased)) == true {
                return .erased
            }
        }
        return .value(try decoder.singleValueContainer().decode(Value.self))
    }

    private func decrypt<Value>(_ container: KeyedDecodingContainer<Field>, at path: [any CodingKey]) throws -> Personal<Value> {
        let subjectText = try container.decode(String.self, forKey: .sub)
        guard let subject = UUID(uuidString: subjectText) else {
            throw PersonalDataError.malformed("'sub' is not a UUID", at: path)
        }
        guard let box = Base64.decode(try container.decode(String.self, forKey: .enc)) else {
            throw PersonalDataError.malformed("'enc' is not base64", at: path)
        }
        guard let key = try keyStore.key(for: subject, create: false) else { return .erased }
        let plaintext: [UInt8]
        do {
            plaintext = try AES256GCM.open(box, key: key, authenticating: Self.associatedData(subject))
        } catch {
            throw PersonalDataError.tampered(subject: subject, at: path)
        }
        return .value(try JSONDecoder().decode(Value.self, from: Data(plaintext)))
    }

    /// The additional authenticated data of a field sealed for `subject` (also used by `PersonalDataRevealer`).
    static func associatedData(_ subject: UUID) -> [UInt8] {
        Array(UUIDText.lowercase(subject).utf8)
    }

    private enum Field: String, CodingKey {
        case enc, sub, erased
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
