import EventLog
import EventSourcing
import Foundation
import Testing
import TestSupport

@Suite struct SnapshotTests {
    static let alice = UUID(uuidString: "a11ce000-0000-4000-8000-000000000001")!

    /// The header line of a snapshot file, as a JSON object.
    static func header(_ path: String) throws -> [String: Any] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let line = bytes[..<bytes.firstIndex(of: UInt8(ascii: "\n"))!]
        return try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
    }

    static func openAlice(_ store: EventStore) async throws {
        _ = try await store.handle(.open(id: alice, owner: "Alice"), to: BankAccount.self, stream: "bank-alice")
    }

    @Test func aSnapshotIsTakenEveryKEventsAndLoadingReadsOnlyTheTail() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store(snapshotInterval: 10)
        let path = try #require(store.snapshots).path(for: "bank-alice")
        try await Self.openAlice(store)
        _ = try await store.handle(.deposit(1, times: 4), to: BankAccount.self, stream: "bank-alice")
        #expect(!FileManager.default.fileExists(atPath: path))

        _ = try await store.handle(.deposit(1, times: 5), to: BankAccount.self, stream: "bank-alice")  // version 10
        #expect(try Self.header(path)["version"] as? Int == 10)
        #expect(try Self.header(path)["stream"] as? String == "bank-alice")
        #expect(try Self.header(path)["stateSchemaVersion"] as? Int == 1)

        _ = try await store.handle(.deposit(1, times: 3), to: BankAccount.self, stream: "bank-alice")  // 13: not due
        #expect(try Self.header(path)["version"] as? Int == 10)
        let loaded = try store.load(BankAccount.self, stream: "bank-alice")
        #expect(loaded.snapshotVersion == 10)
        #expect(loaded.eventsRead == 3)
        #expect(loaded.version == 13)
        #expect(loaded.state.balance == 12)

        _ = try await store.handle(.deposit(1, times: 7), to: BankAccount.self, stream: "bank-alice")  // 20: due again
        #expect(try Self.header(path)["version"] as? Int == 20)
    }

    @Test func aTenThousandEventStreamLoadsFromItsSnapshot() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store()  // a snapshot every 100 events
        try await Self.openAlice(store)
        for _ in 1...10 {
            _ = try await store.handle(.deposit(1, times: 1_000), to: BankAccount.self, stream: "bank-alice")
        }
        for _ in 1...3 {
            _ = try await store.handle(.deposit(2), to: BankAccount.self, stream: "bank-alice")
        }
        #expect(fixture.log.version(of: "bank-alice") == 10_004)

        let fast = try store.load(BankAccount.self, stream: "bank-alice")
        #expect(fast.snapshotVersion == 10_001)
        #expect(fast.eventsRead == 3)
        #expect(fast.version == 10_004)
        #expect(fast.state.balance == 10_006)

        let full = try store.load(BankAccount.self, stream: "bank-alice", useSnapshot: false)
        #expect(full.snapshotVersion == nil)
        #expect(full.eventsRead == 10_004)
        #expect(full.state == fast.state)
        #expect(try fixture.store(snapshots: false).load(BankAccount.self, stream: "bank-alice").eventsRead == 10_004)
    }

    @Test func aSnapshotOfAnotherStateSchemaVersionIsIgnoredAndRebuilt() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store(snapshotInterval: 5)
        let path = try #require(store.snapshots).path(for: "bank-alice")
        try await Self.openAlice(store)
        _ = try await store.handle(.deposit(1, times: 5), to: BankAccount.self, stream: "bank-alice")  // version 6
        #expect(try store.load(BankAccount.self, stream: "bank-alice").snapshotVersion == 6)

        // The same snapshot as written by an older state schema (the state's hash still matches).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))!
        var header = try Self.header(path)
        header["stateSchemaVersion"] = 0
        try (try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) + bytes[newline...])
            .write(to: URL(fileURLWithPath: path))

        let loaded = try store.load(BankAccount.self, stream: "bank-alice")
        #expect(loaded.snapshotVersion == nil)
        #expect(loaded.eventsRead == 6)
        #expect(loaded.state.balance == 5)

        _ = try await store.handle(.deposit(1), to: BankAccount.self, stream: "bank-alice")  // rebuilt at 7
        #expect(try Self.header(path)["stateSchemaVersion"] as? Int == 1)
        #expect(try store.load(BankAccount.self, stream: "bank-alice").snapshotVersion == 7)
    }

    @Test func damagedOrForeignSnapshotsAreIgnored() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store(snapshotInterval: 3)
        let path = try #require(store.snapshots).path(for: "bank-alice")
        try await Self.openAlice(store)
        _ = try await store.handle(.deposit(1, times: 2), to: BankAccount.self, stream: "bank-alice")
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try store.load(BankAccount.self, stream: "bank-alice").snapshotVersion == 3)

        var flipped = good
        flipped[flipped.count - 3] ^= 0x01  // inside the state JSON: the SHA-256 no longer matches
        let damaged = [flipped, good.prefix(good.count / 2), Data("not a snapshot".utf8), Data()]
        for bytes in damaged {
            try bytes.write(to: URL(fileURLWithPath: path))
            let loaded = try store.load(BankAccount.self, stream: "bank-alice")
            #expect(loaded.snapshotVersion == nil)
            #expect(loaded.state.balance == 2)
        }

        // A snapshot ahead of the stream comes from another log: ignored.
        try store.snapshots?.write(BankAccount.self, stream: "bank-alice", version: 50, state: BankAccount.State(balance: 999),
                                   takenAt: Date())
        #expect(try store.load(BankAccount.self, stream: "bank-alice").state.balance == 2)
        // A snapshot of another stream copied over this one's file: ignored.
        try store.snapshots?.write(BankAccount.self, stream: "bank-bob", version: 1, state: BankAccount.State(balance: 999),
                                   takenAt: Date())
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: try #require(store.snapshots).path(for: "bank-bob"), toPath: path)
        #expect(try store.load(BankAccount.self, stream: "bank-alice").state.balance == 2)
    }

    @Test func snapshotAllWritesEveryLongStreamWithThePrefix() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store(snapshotInterval: 0)  // no snapshots after commands
        for (stream, deposits) in [("bank-a", 150), ("bank-b", 20), ("other-c", 150)] {
            _ = try await store.handle(.open(id: UUID(), owner: stream), to: BankAccount.self, stream: stream)
            _ = try await store.handle(.deposit(1, times: deposits), to: BankAccount.self, stream: stream)
        }
        #expect(try store.snapshotAll(BankAccount.self, streamPrefix: "bank-", minimumEvents: 100) == 1)
        #expect(try store.snapshotAll(BankAccount.self, streamPrefix: "bank-", minimumEvents: 100) == 0)  // up to date
        #expect(try store.load(BankAccount.self, stream: "bank-a").snapshotVersion == 151)
        #expect(try store.load(BankAccount.self, stream: "bank-b").snapshotVersion == nil)
        #expect(try store.load(BankAccount.self, stream: "other-c").snapshotVersion == nil)
        #expect(try store.snapshotAll(BankAccount.self, streamPrefix: "", minimumEvents: 10) == 2)

        do {
            try fixture.store(snapshots: false).snapshotAll(BankAccount.self, streamPrefix: "bank-")
            Issue.record("snapshotAll without a snapshot store succeeded")
        } catch {
            #expect(error.kind == .snapshot)
        }
    }

    @Test func personalDataInASnapshotIsEncryptedAndShreddedByErasure() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let store = fixture.store(snapshotInterval: 2)
        let path = try #require(store.snapshots).path(for: "bank-alice")
        try await Self.openAlice(store)
        _ = try await store.handle(.deposit(7), to: BankAccount.self, stream: "bank-alice")
        let file = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(!file.contains("Alice"))
        #expect(try store.load(BankAccount.self, stream: "bank-alice").state.owner == Personal("Alice"))

        try fixture.keys.erase(subject: Self.alice)
        let fromSnapshot = try store.load(BankAccount.self, stream: "bank-alice")
        let replayed = try store.load(BankAccount.self, stream: "bank-alice", useSnapshot: false)
        #expect(fromSnapshot.snapshotVersion == 2)
        #expect(fromSnapshot.state.owner == .erased)
        #expect(fromSnapshot.state == replayed.state)
        #expect(fromSnapshot.state.balance == 7)
    }
}
