import Cryptography
public import Domain
public import Foundation

/// TOTP secrets sealed at rest, the codes checked against them (RFC 6238), and the recovery codes
/// that stand in for them when the authenticator is lost.
///
/// A secret is stored in the log only as AES-256-GCM ciphertext under the server's TOTP key, bound
/// to its account by the user id as associated data, so a secret cannot be moved to another account.
/// A recovery code is stored only as an HMAC under the server's recovery-code key, bound to its
/// account the same way: 50 random bits are too few to withstand a search of a leaked log without
/// the key.
public struct TwoFactorCodes: Sendable {
    /// Recovery codes issued at each set-up.
    public static let recoveryCodeCount = 10
    /// The 32 symbols of recovery codes: digits and lower-case letters without i, l, o and u.
    static let recoveryAlphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
    /// Symbols per recovery code (5 bits each), shown in two groups of five: `7k2mq-x9d4p`.
    static let recoverySymbols = 10

    let key: [UInt8]
    let recoveryCodeKey: [UInt8]

    /// Codes sealed under `key` (`ServerSecrets.totpKey`), recovery codes hashed under
    /// `recoveryCodeKey` (`ServerSecrets.recoveryCodeKey`).
    public init(key: [UInt8], recoveryCodeKey: [UInt8]) {
        self.key = key
        self.recoveryCodeKey = recoveryCodeKey
    }

    /// A new secret for `userID`, and its sealed form for the log (base64).
    public func newSecret(for userID: UUID) throws -> (secret: [UInt8], sealed: String) {
        let secret = TOTP.generateSecret()
        let sealed = try AES256GCM.seal(secret, key: key, authenticating: Self.associatedData(userID))
        return (secret, Base64.encode(sealed))
    }

    /// New recovery codes for `userID`, to show once, and their hashes for the log.
    public func newRecoveryCodes(for userID: UUID) -> (codes: [String], hashes: [String]) {
        let codes = (0..<Self.recoveryCodeCount).map { _ in
            // 256 is a multiple of 32: masking a random byte picks each symbol uniformly.
            let symbols = SecureRandom.bytes(count: Self.recoverySymbols).map { Self.recoveryAlphabet[Int($0 & 31)] }
            return String(symbols.prefix(5)) + "-" + String(symbols.dropFirst(5))
        }
        return (codes, codes.map { recoveryCodeHash(Self.normalizedRecoveryCode($0) ?? $0, userID: userID) })
    }

    /// How `code` checks against the account at `now`: six digits are a TOTP code (the previous step
    /// is accepted too), anything shaped like a recovery code is one (its hash, for the decider to
    /// look up). Reuse of a step or a recovery code is the decider's to refuse.
    public func check(_ code: String?, state: Identity.Account.State, userID: UUID, now: Date) -> Identity.Account.SecondFactorCheck {
        guard let code, !code.isEmpty else { return .notProvided }
        if code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let sealed = state.twoFactor.secretCiphertext.flatMap({ Base64.decode($0) }),
                  let secret = try? AES256GCM.open(sealed, key: key, authenticating: Self.associatedData(userID)),
                  let step = TOTP(secret: secret).verify(code, at: Int64(now.timeIntervalSince1970), window: 1)
            else { return .invalid }
            return .totp(step: step)
        }
        guard let normalized = Self.normalizedRecoveryCode(code) else { return .invalid }
        return .recoveryCode(hash: recoveryCodeHash(normalized, userID: userID))
    }

    /// A recovery code as typed (any case, with or without its dash or spaces) in its stored form,
    /// or `nil` when it cannot be one.
    static func normalizedRecoveryCode(_ typed: String) -> String? {
        guard typed.count <= 40 else { return nil }
        let symbols = typed.lowercased().filter { $0 != "-" && $0 != " " }
        guard symbols.count == recoverySymbols, symbols.allSatisfy(recoveryAlphabet.contains) else { return nil }
        return symbols
    }

    private func recoveryCodeHash(_ normalized: String, userID: UUID) -> String {
        let code = HMAC.authenticationCode(for: Self.associatedData(userID) + Array(":\(normalized)".utf8), key: recoveryCodeKey)
        return code.map { String(format: "%02x", $0) }.joined()
    }

    private static func associatedData(_ userID: UUID) -> [UInt8] {
        Array(userID.uuidString.lowercased().utf8)
    }
}
