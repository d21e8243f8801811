extension TOTP {
    /// The `otpauth://totp/Issuer:account?secret=…&issuer=…` URI that authenticator apps read
    /// from a QR code (Google Authenticator's key URI format). The issuer and account are
    /// percent-encoded; the secret is unpadded base32.
    public func provisioningURI(issuer: String, account: String) -> String {
        let issuerEncoded = Self.percentEncoded(issuer)
        var uri = "otpauth://totp/\(issuerEncoded):\(Self.percentEncoded(account))"
        uri += "?secret=\(Base32.encode(secret))&issuer=\(issuerEncoded)"
        if digits != 6 { uri += "&digits=\(digits)" }
        if period != 30 { uri += "&period=\(period)" }
        return uri
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ string: String) -> String {
        var out = ""
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
