/// Why a decider refused a command, in terms the edges (HTTP, CLI) can map once.
///
/// Every context's `Rejection` conforms: the category decides the HTTP status (409, 403, 404, 422),
/// the message says what went wrong and how to fix it, and `field` names the offending input when
/// there is one.
public protocol DomainRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is.
    var category: RejectionCategory { get }
    /// A sentence for the caller: what is wrong and, where possible, how to fix it.
    var message: String { get }
    /// The input field at fault, in the API's camelCase, when one is.
    var field: String? { get }
}

extension DomainRejection {
    public var field: String? { nil }
    public var description: String { message }
}

/// The kinds of refusal, each with one HTTP status at the edge.
public enum RejectionCategory: String, Sendable, Hashable, Codable {
    /// A value is invalid (422).
    case invalid
    /// The command conflicts with the current state (409): double booking, registering twice, ...
    case conflict
    /// The actor may not do this (403).
    case forbidden
    /// The target does not exist (404).
    case notFound
}
