/// A piece of personal data inside an event: a name, an email, a bio, text the person wrote.
///
/// In memory it is either the value or `erased`. In the log the codec stores it encrypted under the
/// data key of the event's `personalDataSubject`; once that key is destroyed, decoding yields
/// `.erased`, while the event itself (and the hash chain) stays intact. Without an encryptor
/// (plain `JSONEncoder`, as in domain tests) it encodes as the bare value.
public enum Personal<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The readable value.
    case value(Value)
    /// The subject was erased: the value is gone for good.
    case erased

    /// Wraps a value.
    public init(_ value: Value) { self = .value(value) }

    /// The value, or `nil` when erased.
    public var wrapped: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        if let cipher = decoder.userInfo[.personalDataCipher] as? any PersonalDataCipher {
            self = try cipher.decodePersonal(Value.self, from: decoder)
            return
        }
        let container = try decoder.singleValueContainer()
        if let marker = try? container.decode(ErasedMarker.self), marker.erased {
            self = .erased
        } else {
            self = .value(try container.decode(Value.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let cipher = encoder.userInfo[.personalDataCipher] as? any PersonalDataCipher {
            try cipher.encodePersonal(self, to: encoder)
            return
        }
        var container = encoder.singleValueContainer()
        switch self {
        case .value(let value): try container.encode(value)
        case .erased: try container.encode(ErasedMarker(erased: true))
        }
    }
}

/// How an erased value looks in JSON: `{"erased": true}`.
struct ErasedMarker: Codable {
    var erased: Bool
}

/// Encrypts and decrypts `Personal` fields for the event codec (implemented next to the key store).
public protocol PersonalDataCipher: Sendable {
    /// Writes `value` encrypted.
    func encodePersonal<Value>(_ value: Personal<Value>, to encoder: any Encoder) throws
    /// Reads a value written by `encodePersonal`, yielding `.erased` when the key is gone.
    func decodePersonal<Value>(_ type: Value.Type, from decoder: any Decoder) throws -> Personal<Value>
}

extension CodingUserInfoKey {
    /// The key under which the codec passes its `PersonalDataCipher`.
    public static let personalDataCipher = CodingUserInfoKey(rawValue: "protalent.personalDataCipher")!
}
