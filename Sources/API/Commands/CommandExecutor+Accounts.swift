public import Domain
import EventSourcing
public import Foundation

extension CommandExecutor {
    /// What `decideOnAccount` decided: the decision or the decider's rejection, the state it was
    /// decided on, and the log position after its events.
    public struct AccountOutcome: Sendable {
        public var decision: Result<Identity.Account.Decision, Identity.Rejection>
        public var state: Identity.Account.State
        public var position: Int64
    }

    /// Decides on an account's current state and appends what was decided; when another request
    /// changed the account in between (the log's expected-version check), decides again on the new
    /// state, so requests on one account never answer 409 because of each other.
    ///
    /// An account decision may record events and still refuse (a counted failure, a lock-out, a
    /// revoked login): the events are appended and the outcome handed back for the caller to answer,
    /// as is a rejection the decider threw (with nothing appended).
    public func decideOnAccount(
        _ userID: UUID, by principal: Principal?,
        _ decide: (Identity.Account.State) throws(Identity.Rejection) -> Identity.Account.Decision
    ) async throws(APIError) -> AccountOutcome {
        let stream = StreamName.account(userID)
        var outcome = AccountOutcome(decision: .failure(.notFound("no such account")), state: Identity.Account.initialState, position: 0)
        outcome.position = try await execute(by: principal) { (states: StreamStates) throws(Identity.Rejection) in
            outcome.state = states.state(of: Identity.Account.self, stream: stream)
            do throws(Identity.Rejection) {
                let decision = try decide(outcome.state)
                outcome.decision = .success(decision)
                return [StreamEvents(stream, decision.events)]
            } catch {
                outcome.decision = .failure(error)
                return []
            }
        }
        return outcome
    }
}
