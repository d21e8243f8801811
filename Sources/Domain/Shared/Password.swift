import Foundation

/// A new password as a command carries it: the plaintext, only to check the policy, and the hash
/// the application already computed (hashing is crypto, hence outside the pure domain).
///
/// Only `hash` ever reaches an event. `description` never shows the plaintext.
public struct NewPassword: Sendable, Equatable, CustomStringConvertible {
    /// The password as typed, checked against `PasswordPolicy` and then forgotten.
    public var plaintext: String
    /// The stored form (e.g. an scrypt PHC string).
    public var hash: String

    /// Creates the pair.
    public init(plaintext: String, hash: String) {
        self.plaintext = plaintext
        self.hash = hash
    }

    public var description: String { "NewPassword(hash: \(hash.prefix(12))…)" }
}

/// The password rules: at least 10 characters and not one of the most common passwords.
///
/// Length beats composition rules (NIST SP 800-63B); the list blocks what attackers try first.
public enum PasswordPolicy {
    /// The minimum number of characters.
    public static let minimumLength = 10

    /// Frequently breached passwords of at least 10 characters (compared case-insensitively).
    public static let common: Set<String> = [
        "1234567890", "0123456789", "12345678910", "123456789a", "1234567890a", "0987654321",
        "1111111111", "0000000000", "1234512345", "1122334455", "1q2w3e4r5t", "1qaz2wsx3edc",
        "qwertyuiop", "qwerty1234", "qwerty12345", "qwertyuiop1", "asdfghjkl1", "azertyuiop",
        "azerty1234", "azerty12345", "password12", "password123", "password1234", "passw0rd123",
        "motdepasse", "motdepasse1", "motdepasse123", "iloveyou12", "iloveyou123", "sunshine123",
        "football123", "baseball123", "princess123", "welcome123", "welcome1234", "letmein123",
        "administrator", "admin12345", "admin123456", "changeme123", "starwars123", "dragon1234",
        "monkey1234", "superman123", "trustno1234", "abcdefghij", "abcd123456", "abc1234567",
        "aaaaaaaaaa", "zaq12wsxcde", "soleil1234", "bonjour123", "doudou1234", "chocolat123",
        "protalent123", "coachprotalent", "987654321a", "1234567891", "12345678900",
    ]

    /// Checks a plaintext password, naming `field` when it falls short.
    public static func check(_ plaintext: String, _ field: String = "password") throws(FieldError) {
        if plaintext.count < minimumLength {
            throw FieldError(field, "\(field) must have at least \(minimumLength) characters")
        }
        if common.contains(plaintext.lowercased()) {
            throw FieldError(field, "\(field) is one of the most common passwords; choose another")
        }
    }
}
