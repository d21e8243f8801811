/// A failed request to the object store, with what an operator needs: the operation, the object
/// key, and the store's status and message (or the transport's error).
public struct S3Error: Error, Sendable, CustomStringConvertible {
    /// `PUT`, `GET`, `DELETE`, `LIST`, …
    public var operation: String
    /// The object key (or prefix) concerned.
    public var key: String
    /// The HTTP status, `nil` when no answer came.
    public var status: Int?
    /// The store's error text, or the transport's.
    public var message: String

    /// An error.
    public init(operation: String, key: String, status: Int?, message: String) {
        self.operation = operation
        self.key = key
        self.status = status
        self.message = message
    }

    /// One line: `PUT archive/manifest.json: 503 SlowDown …`.
    public var description: String {
        "\(operation) \(key): " + (status.map { "HTTP \($0) " } ?? "") + message
    }
}
