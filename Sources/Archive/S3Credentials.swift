/// The access key an S3-compatible store knows the archiver by (the standard AWS variables).
public struct S3Credentials: Sendable, Equatable {
    /// `AWS_ACCESS_KEY_ID`.
    public var accessKeyID: String
    /// `AWS_SECRET_ACCESS_KEY`.
    public var secretAccessKey: String
    /// `AWS_SESSION_TOKEN`, for temporary credentials.
    public var sessionToken: String?

    /// Credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}
