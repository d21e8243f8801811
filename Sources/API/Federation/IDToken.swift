import Cryptography
import Foundation

/// The claims of a verified OpenID Connect id token that sign-in uses (OIDC Core §2, §3.1.3.7).
struct IDToken: Sendable, Equatable {
    var issuer: String
    var subject: String
    var email: String?
    /// The provider's `email_verified` (some send the string `"true"`); absent means not verified.
    var emailVerified: Bool
    var givenName: String?
    var familyName: String?
    var name: String?

    /// Seconds of clock skew tolerated on `exp` and `iat`.
    static let leeway: Int64 = 60

    /// Why an id token was refused (each answered as 401).
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Checks `token`'s signature against the provider's keys, then `iss`, `aud` (and `azp`), `exp`,
    /// `iat` and `nonce`.
    static func verify(
        _ token: String, provider: OIDCProvider, issuer: String, clientID: String, nonce: String, now: Date
    ) async throws -> IDToken {
        let signed: SignedToken
        do { signed = try SignedToken(token) } catch { throw Refusal(description: error.description) }
        var payload: [UInt8]
        do {
            payload = try signed.verifiedPayload(keys: try await provider.keys(for: signed.keyID))
        } catch let error as SignedToken.Error where error == .invalidSignature {
            // Perhaps the provider rotated its keys: fetch them again (rate-limited) and retry once.
            do {
                payload = try signed.verifiedPayload(keys: try await provider.keys(for: signed.keyID, refresh: true))
            } catch let error as SignedToken.Error {
                throw Refusal(description: error.description)
            }
        } catch let error as SignedToken.Error {
            throw Refusal(description: error.description)
        }
        let claims: Claims
        do { claims = try JSONDecoder().decode(Claims.self, from: Data(payload)) } catch {
            throw Refusal(description: "the id token's claims are not the JSON expected (iss, sub, aud, exp, iat): \(error)")
        }
        return try claims.checked(issuer: issuer, clientID: clientID, nonce: nonce, now: Int64(now.timeIntervalSince1970.rounded(.down)))
    }

    /// The claims as sent.
    struct Claims: Decodable {
        var iss: String
        var sub: String
        var aud: Audience
        var exp: Int64
        var iat: Int64
        var nonce: String?
        var azp: String?
        var email: String?
        var email_verified: Flag?
        var given_name: String?
        var family_name: String?
        var name: String?

        func checked(issuer: String, clientID: String, nonce expected: String, now: Int64) throws -> IDToken {
            guard iss == issuer else { throw Refusal(description: "the id token's issuer is \(iss), not \(issuer)") }
            guard aud.values.contains(clientID) else { throw Refusal(description: "the id token is not meant for this client (aud)") }
            if aud.values.count > 1, azp != clientID { throw Refusal(description: "the id token names several audiences and another azp") }
            guard now - IDToken.leeway < exp else { throw Refusal(description: "the id token has expired") }
            guard iat <= now + IDToken.leeway else { throw Refusal(description: "the id token was issued in the future (iat)") }
            guard let nonce, ConstantTime.equals(Array(nonce.utf8), Array(expected.utf8)) else {
                throw Refusal(description: "the id token's nonce is not the one this sign-in sent")
            }
            guard !sub.isEmpty, sub.utf8.count <= 255 else { throw Refusal(description: "the id token's subject is empty or too long") }
            return IDToken(
                issuer: iss, subject: sub, email: email, emailVerified: email_verified?.value ?? false,
                givenName: given_name, familyName: family_name, name: name
            )
        }
    }

    /// `aud`: one string or an array of them.
    struct Audience: Decodable {
        var values: [String]
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) { values = [one] } else { values = try container.decode([String].self) }
        }
    }

    /// A boolean claim some providers send as a string.
    struct Flag: Decodable {
        var value: Bool
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) { value = bool } else { value = (try container.decode(String.self)) == "true" }
        }
    }
}
