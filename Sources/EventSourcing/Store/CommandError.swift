public import EventLog

/// Why a command handled by the `EventStore` did not commit: the decider refused it, the streams
/// kept changing under it, or storage failed.
///
/// An enum so callers can `catch CommandError.rejected(let rejection)` and answer with the
/// decider's own rejection (a `DomainRejection` for the domain's deciders).
public enum CommandError<Rejection: Error>: Error, CustomStringConvertible {
    /// The decider refused the command; nothing was appended.
    case rejected(Rejection)
    /// Another writer changed a stream between load and append on every attempt; nothing was appended.
    case conflict(LogError, attempts: Int)
    /// Loading, encoding or appending failed.
    case store(EventStoreError)

    /// The decider's rejection, when that is why the command failed.
    public var rejection: Rejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }

    public var description: String {
        switch self {
        case .rejected(let rejection): "command rejected: \(rejection)"
        case .conflict(let error, let attempts): "gave up after \(attempts) attempts, the stream kept changing: \(error)"
        case .store(let error): error.description
        }
    }
}
