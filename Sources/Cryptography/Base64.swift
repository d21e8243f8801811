/// Standard base64 (RFC 4648 §4) with padding, decoded strictly.
public enum Base64 {
    /// Encodes `bytes` with the `+/` alphabet and `=` padding.
    public static func encode(_ bytes: some ContiguousBytesSequence) -> String {
        bytes.withUnsafeBytes { Base64Codec.standard.encode($0) }
    }

    /// Decodes a padded base64 string, or returns `nil` when it is not canonical base64.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        Base64Codec.standard.decode(string)
    }

    /// Decodes padded base64 given as its UTF-8 bytes (no `String` made of them), or returns `nil`
    /// when it is not canonical base64.
    public static func decode(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        Base64Codec.standard.decode(utf8: bytes)
    }
}
