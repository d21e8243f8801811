public import Foundation

/// Why a `Personal` field could not be encrypted or decrypted.
public struct PersonalDataError: Error, Equatable, CustomStringConvertible {
    private enum Reason: Equatable {
        case missingSubject([String])
        case tampered(UUID, [String])
        case malformed(String, [String])
    }

    private let reason: Reason
    private init(_ reason: Reason) { self.reason = reason }

    /// A value was encoded without a `UUID` under `CodingUserInfoKey.personalDataSubject`.
    public static func missingSubject(at path: [any CodingKey]) -> Self { .init(.missingSubject(path.map(\.stringValue))) }
    /// The ciphertext does not authenticate under the subject's key: it was altered.
    public static func tampered(subject: UUID, at path: [any CodingKey]) -> Self {
        .init(.tampered(subject, path.map(\.stringValue)))
    }
    /// The encrypted form is not well-formed.
    public static func malformed(_ detail: String, at path: [any CodingKey]) -> Self {
        .init(.malformed(detail, path.map(\.stringValue)))
    }

    /// Whether this is `tampered`.
    public var isTampered: Bool {
        if case .tampered = reason { return true }
        return false
    }

    public var description: String {
        switch reason {
        case .missingSubject(let path):
            "personal data at \(Self.render(path)) cannot be encrypted: the encoder's userInfo has no subject UUID under .personalDataSubject"
        case .tampered(let subject, let path):
            "personal data at \(Self.render(path)) of subject \(subject.uuidString.lowercased()) fails authentication: the ciphertext or its subject was altered"
        case .malformed(let detail, let path):
            "encrypted personal data at \(Self.render(path)) is malformed: \(detail)"
        }
    }

    private static func render(_ path: [String]) -> String {
        path.isEmpty ? "the top level" : path.joined(separator: ".")
    }
}
