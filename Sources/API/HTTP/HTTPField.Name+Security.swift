public import HTTPTypes

extension HTTPField.Name {
    /// `Referrer-Policy` (not among swift-http-types' names).
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    /// `X-Frame-Options` (not among swift-http-types' names).
    public static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
