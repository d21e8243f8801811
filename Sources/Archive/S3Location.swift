/// Where an archive lives: `s3://BUCKET/PREFIX`.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    /// The bucket.
    public var bucket: String
    /// The key prefix, without leading or trailing slash (may be empty).
    public var prefix: String

    /// Parses `s3://BUCKET/PREFIX`; `nil` when `text` is not of that shape.
    public init?(_ text: String) {
        guard text.hasPrefix("s3://") else { return nil }
        let rest = text.dropFirst("s3://".count)
        let bucket = rest.prefix { $0 != "/" }
        // Bucket names: 3–63 of lowercase letters, digits, dots and hyphens (S3's rule).
        guard (3...63).contains(bucket.count),
              bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "." || $0 == "-" }), bucket.allSatisfy(\.isASCII)
        else { return nil }
        self.bucket = String(bucket)
        self.prefix = String(rest.dropFirst(bucket.count)).split(separator: "/").joined(separator: "/")
    }

    /// The full key of `name` under the prefix.
    public func key(_ name: String) -> String {
        prefix.isEmpty ? name : prefix + "/" + name
    }

    /// `s3://BUCKET/PREFIX`.
    public var description: String { "s3://\(bucket)/\(prefix)" }
}
