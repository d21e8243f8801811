/// The answer of a community read that depends on who asks: what they may see, or why not.
///
/// The HTTP layer maps `.notFound` to 404 and `.notAMember` to 403.
public enum CommunityAccess<Value: Sendable>: Sendable {
    /// The caller may see it.
    case granted(Value)
    /// No such community (or post; a removed post is not found).
    case notFound
    /// The community is private and the caller is not one of its members.
    case notAMember

    /// The value when granted, else `nil`.
    public var value: Value? {
        if case .granted(let value) = self { return value }
        return nil
    }
}

extension CommunityAccess {
    /// The same answer with the granted value transformed.
    func map<Other: Sendable>(_ transform: (Value) throws -> Other) rethrows -> CommunityAccess<Other> {
        switch self {
        case .granted(let value): .granted(try transform(value))
        case .notFound: .notFound
        case .notAMember: .notAMember
        }
    }
}
