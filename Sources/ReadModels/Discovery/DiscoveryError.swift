/// Why a search or recommendation could not be answered.
public struct DiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Sendable, Equatable {
        case unknownUser(String)
        case invalidCursor
    }

    private let reason: Reason

    /// No profile has that user id (or it was erased): the HTTP layer answers 404.
    public static func unknownUser(_ id: String) -> Self { Self(reason: .unknownUser(id)) }
    /// The cursor does not belong to this search: the HTTP layer answers 400 naming `cursor`.
    public static let invalidCursor = Self(reason: .invalidCursor)

    public var description: String {
        switch reason {
        case .unknownUser(let id): "no profile has the user id \(id): check the id, or wait for the read model (X-Min-Position)"
        case .invalidCursor: "the cursor does not belong to this search: start again without a cursor"
        }
    }
}
