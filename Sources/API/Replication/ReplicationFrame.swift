public import EventLog
public import Foundation
public import NIOCore

/// One frame of the replication stream (`GET /replication/stream`, `docs/log-format.md`,
/// "Replication stream"): a kind byte, a 4-byte little-endian length, then that many bytes.
public enum ReplicationFrame: Sendable, Equatable {
    /// A stored batch, byte for byte, and whether it opens a segment on the primary.
    case batch(ReplicatedBatch)
    /// Sent when the primary has nothing new for a while: its head, so the replica knows its lag.
    case heartbeat(head: Int64)
    /// A person's data key as stored at rest (sealed under the master key), or `nil` when it was
    /// created and destroyed before it could be sent.
    case key(subject: UUID, sealed: [UInt8]?)
    /// A person's data key was destroyed (erasure): the replica destroys its copy.
    case erasure(subject: UUID)
    /// A blob (an avatar) was written as `owner`'s: the replica fetches the bytes
    /// (`GET /replication/blob/{hash}`) and checks them against the name.
    case blobPut(hash: String, owner: UUID)
    /// A blob was deleted (a replaced avatar, an erasure): the replica deletes its copy.
    case blobDeletion(hash: String)

    static let batchKind: UInt8 = 0x42 // "B"
    static let heartbeatKind: UInt8 = 0x48 // "H"
    static let keyKind: UInt8 = 0x4B // "K"
    static let erasureKind: UInt8 = 0x45 // "E"
    static let blobPutKind: UInt8 = 0x50 // "P"
    static let blobDeletionKind: UInt8 = 0x44 // "D"
    /// The largest frame a decoder accepts: the largest batch and its header, with room to spare.
    static let maxLength = (64 << 20) + 4096

    /// Appends the frame's bytes to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .batch(let batch):
            buffer.writeInteger(Self.batchKind)
            buffer.writeInteger(UInt32(1 + batch.bytes.count), endianness: .little)
            buffer.writeInteger(UInt8(batch.startsSegment ? 1 : 0))
            buffer.writeBytes(batch.bytes)
        case .heartbeat(let head):
            buffer.writeInteger(Self.heartbeatKind)
            buffer.writeInteger(UInt32(8), endianness: .little)
            buffer.writeInteger(head, endianness: .little)
        case .key(let subject, let sealed):
            buffer.writeInteger(Self.keyKind)
            buffer.writeInteger(UInt32(16 + (sealed?.count ?? 0)), endianness: .little)
            Self.write(subject, into: &buffer)
            if let sealed { buffer.writeBytes(sealed) }
        case .erasure(let subject):
            buffer.writeInteger(Self.erasureKind)
            buffer.writeInteger(UInt32(16), endianness: .little)
            Self.write(subject, into: &buffer)
        case .blobPut(let hash, let owner):
            buffer.writeInteger(Self.blobPutKind)
            buffer.writeInteger(UInt32(48), endianness: .little)
            buffer.writeBytes(BlobStore.bytes(ofHash: hash) ?? [UInt8](repeating: 0, count: 32))
            Self.write(owner, into: &buffer)
        case .blobDeletion(let hash):
            buffer.writeInteger(Self.blobDeletionKind)
            buffer.writeInteger(UInt32(32), endianness: .little)
            buffer.writeBytes(BlobStore.bytes(ofHash: hash) ?? [UInt8](repeating: 0, count: 32))
        }
    }

    /// The frame of a blob journal entry.
    static func blob(_ entry: BlobStore.JournalEntry) -> ReplicationFrame {
        switch entry.kind {
        case .put: .blobPut(hash: entry.hash, owner: entry.owner ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        case .deleted: .blobDeletion(hash: entry.hash)
        }
    }

    private static func write(_ subject: UUID, into buffer: inout ByteBuffer) {
        withUnsafeBytes(of: subject.uuid) { _ = buffer.writeBytes($0) }
    }

    private static func readSubject(_ bytes: ArraySlice<UInt8>) -> UUID {
        var uuid = UUID().uuid
        withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: bytes.prefix(16)) }
        return UUID(uuid: uuid)
    }

    /// Decodes one frame body of `kind`.
    static func decode(kind: UInt8, body: [UInt8]) throws(ReplicationStreamError) -> ReplicationFrame {
        switch kind {
        case batchKind:
            guard let flags = body.first, flags & ~1 == 0 else { throw .malformed("a batch frame without its flags byte, or unknown flags") }
            return .batch(ReplicatedBatch(bytes: Array(body.dropFirst()), startsSegment: flags & 1 == 1))
        case heartbeatKind:
            guard body.count == 8 else { throw .malformed("a heartbeat frame of \(body.count) bytes, not 8") }
            return .heartbeat(head: body.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) })
        case keyKind:
            guard body.count >= 16 else { throw .malformed("a key frame of \(body.count) bytes, shorter than a subject id") }
            return .key(subject: readSubject(body[...]), sealed: body.count == 16 ? nil : Array(body.dropFirst(16)))
        case erasureKind:
            guard body.count == 16 else { throw .malformed("an erasure frame of \(body.count) bytes, not 16") }
            return .erasure(subject: readSubject(body[...]))
        case blobPutKind:
            guard body.count == 48 else { throw .malformed("a blob frame of \(body.count) bytes, not 48") }
            return .blobPut(hash: Hex.encode(Array(body.prefix(32))), owner: readSubject(body[32...]))
        case blobDeletionKind:
            guard body.count == 32 else { throw .malformed("a blob deletion frame of \(body.count) bytes, not 32") }
            return .blobDeletion(hash: Hex.encode(body))
        default:
            throw .malformed("unknown frame kind 0x\(String(kind, radix: 16))")
        }
    }
}

/// Cuts the replication stream's bytes, arriving in chunks of any size, into frames.
public struct ReplicationFrameDecoder: Sendable {
    private var buffer = ByteBuffer()

    /// An empty decoder.
    public init() {}

    /// Adds received bytes.
    public mutating func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        buffer.writeBuffer(&chunk)
    }

    /// The next complete frame, or `nil` until more bytes arrive.
    public mutating func next() throws(ReplicationStreamError) -> ReplicationFrame? {
        guard buffer.readableBytes >= 5,
              let kind = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 1, endianness: .little, as: UInt32.self)
        else { return nil }
        guard Int(length) <= ReplicationFrame.maxLength else {
            throw .malformed("a frame of \(length) bytes, more than the largest batch")
        }
        guard buffer.readableBytes >= 5 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        let body = buffer.readBytes(length: Int(length)) ?? []
        buffer.discardReadBytes()
        return try ReplicationFrame.decode(kind: kind, body: body)
    }

    /// Bytes received that do not form a whole frame yet.
    public var pendingBytes: Int { buffer.readableBytes }
}

/// The replication stream could not be followed: what went wrong, to log and retry.
public struct ReplicationStreamError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static func malformed(_ reason: String) -> ReplicationStreamError {
        ReplicationStreamError(description: "malformed replication stream: \(reason)")
    }

    static func primary(_ reason: String) -> ReplicationStreamError {
        ReplicationStreamError(description: reason)
    }
}
