import Hummingbird
import NIOCore

/// A streaming response's writer, shared with the one task that writes to it (live feeds, the
/// replication stream).
final class ResponseBodySink: @unchecked Sendable {
    // @unchecked: only the streaming task calls `write`, one call at a time, and `finish` runs
    // after that task has ended; no two tasks ever touch `writer` at once.
    var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
    }

    func write(_ buffer: ByteBuffer) async throws {
        try await writer.write(buffer)
    }
}
