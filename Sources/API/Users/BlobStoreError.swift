/// A replicated blob was refused: what was wrong with it.
public struct BlobStoreError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public let description: String
}
