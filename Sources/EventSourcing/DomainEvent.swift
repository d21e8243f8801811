public import Foundation

/// An event of a bounded context, as the log stores it: a stable type name and a JSON payload.
///
/// Conformers are enums with one case per event, each case carrying a `Codable` payload struct.
/// `encode(to:)` writes only the payload (a single-value container); `init(from:)` reads the type
/// name from `decoder.eventTypeName` and decodes the matching payload. Type names are stable
/// strings such as `"mentoring.session-requested"`: renaming a Swift case must never change them.
public protocol DomainEvent: Codable, Sendable, Equatable {
    /// The stable name stored in the log.
    var eventType: String { get }

    /// The person whose personal data (`Personal` fields) this event carries, if any.
    ///
    /// The codec encrypts every `Personal` field of the event under this subject's data key, so that
    /// erasing the subject makes those fields unreadable everywhere (crypto-shredding).
    var personalDataSubject: UUID? { get }

    /// The payload schema version written for `eventType` (raise it when a payload changes shape, and
    /// register an upcaster for the old version).
    static func schemaVersion(of eventType: String) -> Int
}

extension DomainEvent {
    public var personalDataSubject: UUID? { nil }
    public static func schemaVersion(of eventType: String) -> Int { 1 }
}

extension CodingUserInfoKey {
    /// The key under which the codec passes the stored event type name to `init(from:)`.
    public static let eventTypeName = CodingUserInfoKey(rawValue: "protalent.eventTypeName")!
}

extension Decoder {
    /// The stored type name of the event being decoded.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when the decoder was not set up by the event codec.
    public func eventTypeName() throws -> String {
        guard let name = userInfo[.eventTypeName] as? String else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "the event type name was not provided to the decoder")
            )
        }
        return name
    }
}

/// The error a `DomainEvent` throws for a type name it does not know.
public struct UnknownEventType: Error, CustomStringConvertible {
    /// The unknown name.
    public var eventType: String
    /// Creates the error.
    public init(_ eventType: String) { self.eventType = eventType }
    public var description: String { "unknown event type '\(eventType)'" }
}
