import Foundation
public import EventSourcing

extension Identity {
    /// One user's account and credentials. Stream `account-<userId>`.
    ///
    /// Login and refresh can end in "record this, and still refuse" (a failed password is counted;
    /// a replayed refresh token revokes its family): `decision(_:_:)` returns the events to append
    /// together with the refusal to answer. `decide` returns only the events, as every decider does.
    public enum Account: Decider {
        public typealias Rejection = Identity.Rejection
    }
}
