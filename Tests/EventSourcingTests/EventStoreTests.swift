import EventLog
import EventSourcing
import Foundation
import Testing
import TestSupport

@Suite struct EventStoreTests {
    static let alice = UUID(uuidString: "a11ce000-0000-4000-8000-000000000001")!
    static let bob = UUID(uuidString: "b0b00000-0000-4000-8000-000000000002")!

    @Test func handlesLoadsAndReloadsAStream() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store()
        let metadata = EventMetadata(correlationId: UUID(), causationId: UUID(), actor: "user-alice")

        let opened = try await store.handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice", metadata: metadata)
        #expect(opened.version == 1)
        #expect(opened.attempts == 1)
        #expect(opened.append?.lastPosition == 1)
        let deposited = try await store.handle(.deposit(25, times: 2), to: BankAccount.self, stream: "bank-alice", metadata: metadata)
        #expect(deposited.events.count == 2)
        #expect(deposited.version == 3)
        #expect(deposited.state.balance == 50)
        #expect(deposited.append?.streamVersions["bank-alice"] == 3)

        let loaded = try store.load(BankAccount.self, stream: "bank-alice")
        #expect(loaded.state == deposited.state)
        #expect(loaded.state.owner == Personal("Alice"))
        #expect(loaded.version == 3)
        #expect(loaded.eventsRead == 3)

        let records = try fixture.log.readStream("bank-alice")
        #expect(records.map(\.type) == ["bank.opened", "bank.deposited", "bank.deposited"])
        #expect(records.allSatisfy { $0.metadata == metadata })
        #expect(Set(records.map(\.eventId)).count == 3)

        let empty = try store.load(BankAccount.self, stream: "bank-nobody")
        #expect(empty.version == 0)
        #expect(empty.state == BankAccount.initialState)
    }

    @Test func stateSurvivesReopeningTheLog() async throws {
        let fixture = try StoreFixture()
        defer { fixture.data.remove() }
        _ = try await fixture.store().handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")
        _ = try await fixture.store().handle(.deposit(10), to: BankAccount.self, stream: "bank-alice")
        fixture.log.close()

        let reopened = try EventLog.open(directory: fixture.logDirectory, options: LogFixtures.options())
        defer { reopened.close() }
        let loaded = try fixture.store(log: reopened).load(BankAccount.self, stream: "bank-alice")
        #expect(loaded.state.balance == 10)
        #expect(loaded.state.owner == Personal("Alice"))
        #expect(loaded.version == 2)
    }

    @Test func aRejectionKeepsTheDecidersErrorAndAppendsNothing() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await store.handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")
        do {
            _ = try await store.handle(.withdraw(5), to: BankAccount.self, stream: "bank-alice")
            Issue.record("an overdraft was accepted")
        } catch {
            #expect(error.rejection?.category == .conflict)
            #expect(error.rejection?.message == "insufficient funds: the balance is 0")
        }
        #expect(fixture.log.version(of: "bank-alice") == 1)
        #expect(fixture.log.head == 1)
    }

    @Test func aCommandThatDecidesNothingAppendsNothing() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await store.handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")
        let outcome = try await store.handle(.deposit(5, times: 0), to: BankAccount.self, stream: "bank-alice")
        #expect(outcome.append == nil)
        #expect(outcome.version == 1)
        #expect(fixture.log.head == 1)
    }

    @Test func concurrentCommandsOnOneStreamQueueAndCommitWithoutARetry() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await store.handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")

        // Sixty-four handlers on one stream: they queue in its mailbox instead of racing each other
        // to the log, so none retries, and a round appends what several of them decided. Rounds
        // repeat until one shared an append (the scheduler decides how many queue at once).
        var sharedAnAppend = false
        var deposits = 0
        for _ in 1...50 where !sharedAnAppend {
            let outcomes = try await withThrowingTaskGroup(of: CommandOutcome<BankAccount.State, BankAccount.Event>.self) { group in
                for _ in 0..<64 { group.addTask { try await store.handle(.deposit(1), to: BankAccount.self, stream: "bank-alice") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.allSatisfy { $0.attempts == 1 })
            #expect(outcomes.map(\.version).sorted() == Array(Int64(deposits + 2)...Int64(deposits + 65)))
            #expect(outcomes.map(\.state.balance).sorted() == Array((deposits + 1)...(deposits + 64)))
            deposits += 64
            sharedAnAppend = Set(outcomes.compactMap { $0.append?.lastPosition }).count < outcomes.count
        }
        #expect(sharedAnAppend)
        let loaded = try store.load(BankAccount.self, stream: "bank-alice", useSnapshot: false)
        #expect(loaded.state.balance == deposits && loaded.version == Int64(deposits + 1))
    }

    @Test func aRoundThatAnOutsideWriterOvertookIsDecidedAgain() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        _ = try await fixture.store().handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")

        // Multi-stream decisions do not queue in the mailbox: racing them, the mailbox's rounds
        // conflict at times and run again; every deposit lands exactly once. (Retries are many
        // here so that neither side gives up under the race this test makes on purpose.)
        let store = fixture.store(maxRetries: 1_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    if index.isMultiple(of: 2) {
                        _ = try await store.handle(.deposit(1), to: BankAccount.self, stream: "bank-alice")
                    } else {
                        _ = try await store.handle { states throws(BankAccount.Rejection) in
                            [StreamEvents("bank-alice", try BankAccount.decide(.deposit(1), states.state(of: BankAccount.self, stream: "bank-alice")))]
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.load(BankAccount.self, stream: "bank-alice", useSnapshot: false).state.balance == 40)
    }

    @Test func whenTheRetryFindsTheRuleBrokenTheRejectionSurfaces() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await store.handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")
        _ = try await store.handle(.deposit(100), to: BankAccount.self, stream: "bank-alice")

        // Whatever the interleaving, exactly one withdrawal of 70 out of 100 can commit.
        func withdraw() async -> Result<CommandOutcome<BankAccount.State, BankAccount.Event>, CommandError<BankAccount.Rejection>> {
            do {
                return .success(try await store.handle(.withdraw(70), to: BankAccount.self, stream: "bank-alice"))
            } catch {
                return .failure(error)
            }
        }
        async let first = withdraw()
        async let second = withdraw()
        let results = await [first, second]
        let committed = results.compactMap { try? $0.get() }
        let rejected = results.compactMap { result -> String? in
            if case .failure(let error) = result { return error.rejection?.message }
            return nil
        }
        #expect(committed.count == 1)
        #expect(rejected == ["insufficient funds: the balance is 30"])
        #expect(try store.load(BankAccount.self, stream: "bank-alice").state.balance == 30)
        #expect(fixture.log.version(of: "bank-alice") == 3)
    }

    @Test func aMultiStreamDecisionAppendsAtomically() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store()
        _ = try await store.handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")
        _ = try await store.handle(.open(id: Self.bob, owner: "Bob"), to: BankAccount.self, stream: "bank-bob")
        _ = try await store.handle(.deposit(100), to: BankAccount.self, stream: "bank-alice")

        func transfer(_ amount: Int) async throws(CommandError<BankAccount.Rejection>) -> MultiStreamOutcome {
            try await store.handle(metadata: EventMetadata(actor: "user-alice")) { states throws(BankAccount.Rejection) in
                let from = states.state(of: BankAccount.self, stream: "bank-alice")
                let to = states.state(of: BankAccount.self, stream: "bank-bob")
                return [
                    StreamEvents("bank-alice", try BankAccount.decide(.withdraw(amount), from)),
                    StreamEvents("bank-bob", try BankAccount.decide(.deposit(amount), to)),
                ]
            }
        }

        let outcome = try await transfer(60)
        #expect(outcome.append?.streamVersions == ["bank-alice": 3, "bank-bob": 2])
        #expect(outcome.attempts == 1)
        let head = fixture.log.head
        do {
            _ = try await transfer(60)
            Issue.record("a transfer beyond the balance was accepted")
        } catch {
            #expect(error.rejection?.message == "insufficient funds: the balance is 40")
        }
        #expect(fixture.log.head == head)
        #expect(try store.load(BankAccount.self, stream: "bank-alice").state.balance == 40)
        #expect(try store.load(BankAccount.self, stream: "bank-bob").state.balance == 60)
        #expect(try fixture.log.readStream("bank-bob").last?.metadata.actor == "user-alice")
    }

    @Test func aConflictThatPersistsGivesUpAfterTheRetries() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store(maxRetries: 2)
        _ = try await store.handle(.open(id: Self.alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")
        do {
            _ = try await store.handle { (states: StreamStates) throws(BankAccount.Rejection) in
                // A stale expectation conflicts on every attempt.
                [StreamEvents("bank-alice", [BankAccount.Event.deposited(.init(amount: 1, currency: "EUR"))], expectedVersion: .noStream)]
            }
            Issue.record("a stale expected version was accepted")
        } catch {
            guard case .conflict(let logError, let attempts) = error else {
                Issue.record("expected a conflict, got \(error)")
                return
            }
            #expect(attempts == 3)
            #expect(logError.versionConflict?.stream == "bank-alice")
        }
        #expect(fixture.log.version(of: "bank-alice") == 1)
    }

    @Test func undecodableHistoryIsAStoreError() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        _ = try await fixture.log.append(to: "bank-old", events: [
            ProposedEvent(type: "bank.opened", payload: Array(#"{"id":"a11ce000-0000-4000-8000-000000000001","owner":"Old"}"#.utf8)),
            ProposedEvent(type: "bank.deposited", payload: Array(#"{"amount":5}"#.utf8)),
        ])
        do {
            _ = try fixture.store().load(BankAccount.self, stream: "bank-old")
            Issue.record("a version-1 deposit decoded without its upcaster")
        } catch {
            #expect(error.codecError?.kind == .schemaVersion)
        }
        var upcasters = EventUpcasters()
        upcasters.register("bank.deposited", from: 1) { $0["currency"] = "XOF" }
        let loaded = try fixture.store(upcasters: upcasters).load(BankAccount.self, stream: "bank-old")
        #expect(loaded.state.balance == 5)
        #expect(loaded.state.owner == Personal("Old"))
    }
}
