import Cryptography
public import Domain
public import Foundation

/// TOTP secrets sealed at rest and the codes checked against them (RFC 6238).
///
/// A secret is stored in the log only as AES-256-GCM ciphertext under the server's TOTP key, bound
/// to its account by the user id as associated data, so a secret cannot be moved to another account.
public struct TwoFactorCodes: Sendable {
    let key: [UInt8]

    /// Codes sealed under `key` (`ServerSecrets.totpKey`).
    public init(key: [UInt8]) {
        self.key = key
    }

    /// A new secret for `userID`, and its sealed form for the log (base64).
    public func newSecret(for userID: UUID) throws -> (secret: [UInt8], sealed: String) {
        let secret = TOTP.generateSecret()
        let sealed = try AES256GCM.seal(secret, key: key, authenticating: Self.associatedData(userID))
        return (secret, Base64.encode(sealed))
    }

    /// How `code` checks against the account's secret at `now` (the previous step is accepted too).
    /// Reuse of a step is the decider's to refuse: it records it as a failed login.
    public func check(_ code: String?, state: Identity.Account.State, userID: UUID, now: Date) -> Identity.Account.TotpCheck {
        guard let code, !code.isEmpty else { return .notProvided }
        guard let sealed = state.twoFactor.secretCiphertext.flatMap({ Base64.decode($0) }),
              let secret = try? AES256GCM.open(sealed, key: key, authenticating: Self.associatedData(userID))
        else { return .invalid }
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return .invalid }
        guard let step = TOTP(secret: secret).verify(code, at: Int64(now.timeIntervalSince1970), window: 1) else { return .invalid }
        return .valid(step: step)
    }

    private static func associatedData(_ userID: UUID) -> [UInt8] {
        Array(userID.uuidString.lowercased().utf8)
    }
}
