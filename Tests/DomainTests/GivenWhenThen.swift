import Foundation
import Testing
import EventSourcing
@testable import Domain

/// Given events, when a command, then events or a rejection: the one shape every decider test takes.
///
/// `Given(Gathering.self, history).when(command).then([...])`. It lives here rather than in
/// `TestSupport` because that target does not depend on `EventSourcing`.
struct Given<D: Decider> where D.Event: Equatable, D.Rejection: DomainRejection {
    /// The state folded from the history.
    let state: D.State

    init(_ decider: D.Type, _ history: [D.Event] = []) {
        state = D.fold(history)
    }

    /// Runs the command against the state.
    func when(_ command: D.Command) -> Then<D> {
        do throws(D.Rejection) {
            return Then(result: .success(try D.decide(command, state)))
        } catch {
            return Then(result: .failure(error))
        }
    }
}

/// The outcome of `Given.when`, to assert on.
struct Then<D: Decider> where D.Event: Equatable, D.Rejection: DomainRejection {
    let result: Result<[D.Event], D.Rejection>

    /// Expects exactly these events; returns what was decided.
    @discardableResult
    func then(_ expected: [D.Event], sourceLocation: SourceLocation = #_sourceLocation) -> [D.Event] {
        switch result {
        case .success(let events):
            #expect(events == expected, sourceLocation: sourceLocation)
            return events
        case .failure(let rejection):
            Issue.record(
                "expected events, got rejection: \(rejection.category) \(rejection.field ?? "-"): \(rejection.message)",
                sourceLocation: sourceLocation
            )
            return []
        }
    }

    /// The decided events whatever they are (recording an issue on rejection), for custom checks.
    func events(sourceLocation: SourceLocation = #_sourceLocation) -> [D.Event] {
        switch result {
        case .success(let events): return events
        case .failure(let rejection):
            Issue.record("expected events, got rejection: \(rejection.message)", sourceLocation: sourceLocation)
            return []
        }
    }

    /// Expects a refusal of the given category and, when given, field; returns it for message checks.
    @discardableResult
    func thenRejected(
        _ category: RejectionCategory, field: String? = nil, messageContains fragment: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> D.Rejection? {
        switch result {
        case .success(let events):
            Issue.record("expected a \(category) rejection, got events: \(events)", sourceLocation: sourceLocation)
            return nil
        case .failure(let rejection):
            #expect(rejection.category == category, "\(rejection.message)", sourceLocation: sourceLocation)
            if let field { #expect(rejection.field == field, "\(rejection.message)", sourceLocation: sourceLocation) }
            if let fragment {
                #expect(rejection.message.contains(fragment), "\(rejection.message)", sourceLocation: sourceLocation)
            }
            return rejection
        }
    }
}

/// Encodes an event as the log's codec does (sorted keys), decodes it back under its stored type
/// name, and expects the same value: pins each stable name to its payload.
func expectRoundTrip<E: DomainEvent>(_ event: E, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(event.eventType == name, sourceLocation: sourceLocation)
    do {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(event)
        let decoder = JSONDecoder()
        decoder.userInfo[.eventTypeName] = event.eventType
        let decoded = try decoder.decode(E.self, from: data)
        #expect(decoded == event, sourceLocation: sourceLocation)
        // The payload is the bare object, never wrapped in the Swift case name.
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object != nil, sourceLocation: sourceLocation)
    } catch {
        Issue.record("round trip of \(name) failed: \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects decoding under an unknown type name to throw `UnknownEventType`.
func expectUnknownTypeRefused<E: DomainEvent>(_ type: E.Type, sourceLocation: SourceLocation = #_sourceLocation) {
    let decoder = JSONDecoder()
    decoder.userInfo[.eventTypeName] = "nobody.nothing-happened"
    #expect(throws: UnknownEventType.self, sourceLocation: sourceLocation) {
        _ = try decoder.decode(E.self, from: Data("{}".utf8))
    }
}

/// Fixed instants and ids so tests read as plain values.
enum Fixture {
    /// 2026-11-23T09:00:00Z, a Monday.
    static let now = Date(timeIntervalSince1970: 1_795_424_400)
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    static func minutes(_ m: Double, after date: Date = now) -> Date { date.addingTimeInterval(m * 60) }
    static func days(_ d: Double, after date: Date = now) -> Date { date.addingTimeInterval(d * 86_400) }
}
