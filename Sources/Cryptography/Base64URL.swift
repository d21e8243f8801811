/// URL-safe base64 (RFC 4648 §5) without padding, as JWS and JWT use it (RFC 7515 §2).
public enum Base64URL {
    /// Encodes `bytes` with the `-_` alphabet and no padding.
    public static func encode(_ bytes: some ContiguousBytesSequence) -> String {
        bytes.withUnsafeBytes { Base64Codec.url.encode($0) }
    }

    /// Decodes an unpadded base64url string, or returns `nil` when it is not canonical base64url
    /// (padding, characters outside the alphabet and non-zero trailing bits are refused).
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        Base64Codec.url.decode(string)
    }
}
