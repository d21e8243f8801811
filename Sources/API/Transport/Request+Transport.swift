public import Hummingbird
import HTTPTypes

extension Request {
    /// Whether the browser reached us over TLS: this server's own (`StrictTransportMiddleware` marks
    /// the request `https`) or a proxy's in front that says so in `X-Forwarded-Proto`. Decides the
    /// `Secure` attribute of the cookies we set; trusting the header costs nothing there, since a
    /// forged `https` only makes a cookie stricter.
    public var arrivedOverTLS: Bool {
        head.scheme == "https" || headers[.xForwardedProto]?.lowercased() == "https"
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-Proto`, the scheme a proxy in front was reached with.
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
