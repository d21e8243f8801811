public import Foundation

/// How to reach the object store: endpoint, region and credentials, from the standard AWS
/// variables plus `PROTALENT_S3_ENDPOINT` for a non-AWS store (path-style addressing always).
public struct S3Configuration: Sendable {
    /// The endpoint, e.g. `http://127.0.0.1:9000` or `https://s3.eu-west-3.amazonaws.com`.
    public var endpoint: URL
    /// The signing region.
    public var region: String
    /// The access key.
    public var credentials: S3Credentials
    /// A request that gets no answer for this long fails (and is retried by the caller).
    public var requestTimeout: Duration = .seconds(15)
    /// Objects larger than this go up in parts of this size (S3's minimum part is 5 MiB).
    public var partSize: Int = 8 << 20

    /// A configuration.
    public init(endpoint: URL, region: String, credentials: S3Credentials) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (default
    /// `us-east-1`) and `PROTALENT_S3_ENDPOINT` (default AWS's regional endpoint).
    ///
    /// - Throws: a message naming the missing or malformed variable.
    public static func fromEnvironment(_ environment: [String: String]) throws(S3Error) -> S3Configuration {
        func variable(_ name: String) throws(S3Error) -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw S3Error(operation: "configure", key: name, status: nil, message: "the environment variable \(name) is not set")
            }
            return value
        }
        let region = environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let credentials = S3Credentials(
            accessKeyID: try variable("AWS_ACCESS_KEY_ID"), secretAccessKey: try variable("AWS_SECRET_ACCESS_KEY"),
            sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        )
        let endpointText = environment["PROTALENT_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://s3.\(region).amazonaws.com"
        guard let endpoint = URL(string: endpointText), let scheme = endpoint.scheme, ["http", "https"].contains(scheme), endpoint.host != nil
        else {
            throw S3Error(
                operation: "configure", key: "PROTALENT_S3_ENDPOINT", status: nil,
                message: "\(endpointText) is not an http(s) URL such as http://127.0.0.1:9000"
            )
        }
        var configuration = S3Configuration(endpoint: endpoint, region: region, credentials: credentials)
        if let text = environment["PROTALENT_S3_TIMEOUT"], !text.isEmpty {
            guard let seconds = Int(text), seconds > 0 else {
                throw S3Error(operation: "configure", key: "PROTALENT_S3_TIMEOUT", status: nil, message: "\(text) is not a positive number of seconds")
            }
            configuration.requestTimeout = .seconds(seconds)
        }
        return configuration
    }
}
