import API
import Foundation
import Testing
import TestSupport

/// The blob store's journal on real files: a primary journals its puts and deletions, a replica
/// applies them in order, stores fetched bytes only when they hash to the name, and journals
/// nothing of its own.
@Suite struct BlobJournalTests {
    @Test func aPrimaryJournalsPutsAndDeletionsAndAReplicaAppliesThemCheckingEachBlobsBytes() async throws {
        let directory = try TemporaryDirectory("protalent-blob-journal")
        defer { directory.remove() }
        let primary = try BlobStore(directory: directory.url.appendingPathComponent("primary/blobs"))
        let replica = try BlobStore(directory: directory.url.appendingPathComponent("replica/blobs"), following: true)
        let owner = UUID()
        let image = TestImages.png(width: 5, height: 3)
        let hash = try primary.put(image, owner: owner)
        try primary.remove(hash)
        try primary.remove(hash) // already gone: nothing more to journal
        let entries = try primary.journal(from: 0, maxCount: 10)
        #expect(entries == [.init(kind: .put, hash: hash, owner: owner), .init(kind: .deleted, hash: hash)])
        #expect(BlobStore.journalLength(dataDirectory: directory.url.appendingPathComponent("primary")) == 2)

        // Forged bytes (or another owner's) are refused: nothing stored, nothing journaled.
        var forged = image
        forged[forged.count - 1] ^= 1
        await #expect(throws: BlobStoreError.self) {
            try await replica.applyReplicated(entries[0]) { _ in forged }
        }
        await #expect(throws: BlobStoreError.self) {
            try await replica.applyReplicated(.init(kind: .put, hash: hash, owner: UUID())) { _ in image }
        }
        #expect(replica.get(hash) == nil && replica.journalCount == 0)

        // The true bytes are stored and journaled; a deletion deletes; the journals then agree.
        try await replica.applyReplicated(entries[0]) { _ in image }
        #expect(replica.get(hash) == Data(image) && replica.journalCount == 1)
        try await replica.applyReplicated(entries[1]) { _ in nil }
        #expect(replica.get(hash) == nil)
        #expect(try replica.journal(from: 0, maxCount: 10) == entries)

        // A blob the primary no longer has is journaled without a file; the replica's own deletions
        // (an erasure finishing there) are not journaled at all.
        try await replica.applyReplicated(entries[0]) { _ in nil }
        #expect(replica.get(hash) == nil && replica.journalCount == 3)
        let local = try primary.put(image, owner: owner)
        try await replica.applyReplicated(.init(kind: .put, hash: local, owner: owner)) { _ in image }
        try replica.remove(local)
        #expect(replica.get(local) == nil && replica.journalCount == 4)
    }
}
