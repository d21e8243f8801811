import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import HTTPTypes
import Logging
public import Hummingbird
import NIOCore

/// `Idempotency-Key` on every command route: the same key from the same caller (the signed-in
/// user, or the client's address when anonymous) within 24 hours answers the first outcome —
/// status, body, `X-Log-Position` — without a second effect, on this node, after a restart and on
/// any node holding the log, since the key's record is in the log (`IdempotencyEvent`). A key
/// reused with another request (method, target or body) → 422.
///
/// The first request runs with an `IdempotentRequest` task-local: its first append carries the
/// key's claim (one atomic append with the command's events), and with `--sync-replicas` the wait
/// for the replicas is left here, to cover the command and its recorded answer at once. A
/// timed-out wait still records the answer, so a retry once the replicas caught up replays it.
///
/// A claim whose answer was never recorded (the process stopped between the command's append and
/// the record's, or the primary failed over then) is recovered by the next request with the key:
/// the claim was appended atomically with the command's events, so the command took effect; the
/// answer says so (`200`, `{"applied": true, "position": …}`) and is recorded for later retries.
public struct IdempotencyMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    static let header = HTTPField.Name("Idempotency-Key")!
    /// On a replayed answer: `true`.
    static let replayedHeader = HTTPField.Name("Idempotency-Replayed")!
    /// How long a key holds.
    static let window: TimeInterval = 24 * 60 * 60
    /// Bodies larger than this are not kept (command answers are far smaller).
    static let maxStoredBody = 256 * 1024

    let commands: CommandExecutor
    private let inFlight = IdempotencyKeysInFlight()

    /// Records and replays through `commands`' store.
    public init(commands: CommandExecutor) {
        self.commands = commands
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = request.headers[Self.header] else { return try await next(request, context) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters", field: "Idempotency-Key")
        }
        let caller: String
        let subject: UUID?
        switch context.principal {
        case .user(let id, _):
            caller = "user:" + id.uuidString.lowercased()
            subject = id
        case .system:
            caller = "system"
            subject = nil
        case nil:
            caller = "ip:" + (context.peerAddress ?? "unknown")
            subject = nil
        }
        let stream = "idempotency-" + Self.hex(SHA256.hash(Array((caller + "\n" + key).utf8))).prefix(40)
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let requestHash = Self.hex(SHA256.hash(
            Array("\(request.method.rawValue) \(request.uri.description)\n".utf8) + Array(body.readableBytesView)
        ))

        // Before reading the key's history, so that a claim seen below is never this node's own.
        guard inFlight.begin(stream) else { throw APIError.idempotencyKeyInUse() }
        defer { inFlight.end(stream) }
        let history = try self.history(of: stream)
        let now = commands.now()
        if let recorded = history.recorded, now.timeIntervalSince(recorded.event.at) < Self.window {
            guard recorded.event.requestHash == requestHash else { throw Self.reused }
            // The answer goes out only once the replicas hold the command and its record.
            try await commands.replicated(upTo: recorded.position)
            return replay(recorded.event)
        }
        let metadata = commands.metadata(context.principal)
        if let claimed = history.claimed, now.timeIntervalSince(claimed.at) < Self.window {
            guard claimed.requestHash == requestHash else { throw Self.reused }
            return try await recoverOrphan(stream: stream, version: history.version, requestHash: requestHash, subject: subject,
                                           metadata: metadata, now: now)
        }

        let claim: ProposedEvent
        do {
            claim = try commands.store.codec.encode(
                IdempotencyEvent.claimed(.init(requestHash: requestHash, at: now)), eventId: commands.store.ids.next(), metadata: metadata
            )
        } catch {
            throw APIError.unavailable("the event store could not complete the command; retry it", retryAfter: 1)
        }
        let scope = IdempotentRequest(
            stream: stream, claimVersion: history.version,
            claim: StreamAppend(stream: stream, expectedVersion: .exactly(history.version), events: [claim])
        )
        var response: Response
        do {
            response = try await IdempotentRequest.$current.withValue(scope) { try await next(request, context) }
        } catch let error as APIError {
            // The request's own refusal is its outcome; a busy key, a rate limit or a failed
            // authentication is not (nor a server failure), unless the request appended.
            let isOutcome = scope.claimed || (error.kind != "idempotency-key-in-use" && Self.recordable(error.status))
            guard isOutcome else {
                if let position = scope.lastPosition { try await commands.replicated(upTo: position) }
                throw error
            }
            response = try error.response(from: request, context: context)
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        let answer = collector.buffer
        response.body = ResponseBody(byteBuffer: answer)

        var recordedAt: Int64?
        if scope.claimed || Self.recordable(response.status) {
            let record = Self.record(response, body: Array(answer.readableBytesView), requestHash: requestHash, subject: subject, at: now)
            recordedAt = await append(record, to: stream, version: history.version + (scope.claimed ? 1 : 0), metadata: metadata)
        }
        if let position = [recordedAt, scope.lastPosition].compactMap({ $0 }).max() {
            try await commands.replicated(upTo: position)
        }
        return response
    }

    /// The answer to a key whose claim has no recorded answer and no request running here: its
    /// command took effect (the claim rode its append), at or before the log's head now.
    private func recoverOrphan(
        stream: String, version: Int64, requestHash: String, subject: UUID?, metadata: EventMetadata, now: Date
    ) async throws -> Response {
        let position = commands.store.log.head
        let body = Array(#"{"applied":true,"position":\#(position),"detail":"a request with this Idempotency-Key took effect before its answer could be recorded (the server stopped or failed over); read its effect with X-Min-Position"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[HTTPField.Name("X-Log-Position")!] = String(position)
        let answer = Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        let record = Self.record(answer, body: body, requestHash: requestHash, subject: subject, at: now)
        let recordedAt = await append(record, to: stream, version: version, metadata: metadata)
        commands.logger.notice("recovered an idempotency key whose answer was never recorded", metadata: ["stream": "\(stream)"])
        try await commands.replicated(upTo: recordedAt ?? position)
        guard case .recorded(let recorded) = record else { return answer }
        return replay(recorded)
    }

    /// The record of `response` with `body`; the body is withheld for anonymous callers, large
    /// answers and answers carrying credentials (`Cache-Control: no-store`).
    private static func record(_ response: Response, body: [UInt8], requestHash: String, subject: UUID?, at now: Date) -> IdempotencyEvent {
        let withheld = subject == nil || body.count > Self.maxStoredBody
            || (response.headers[.cacheControl]?.contains("no-store") ?? false)
        var headers: [String: String] = [:]
        // Not Content-Length: the replay's body sets it, and a stale one would truncate the body.
        for field in response.headers where field.name != .contentLength { headers[field.name.canonicalName] = field.value }
        return .recorded(.init(
            requestHash: requestHash, status: Int(response.status.code), headers: headers, bodyHash: hex(SHA256.hash(body)),
            body: withheld ? nil : Personal(Base64.encode(body)), subject: withheld ? nil : subject, at: now
        ))
    }

    /// The key's latest claim and record, and its stream's version.
    private func history(of stream: String) throws(APIError) -> (
        version: Int64, claimed: IdempotencyEvent.Claimed?, recorded: (event: IdempotencyEvent.Recorded, position: Int64)?
    ) {
        do {
            var claimed: IdempotencyEvent.Claimed?
            var recorded: (event: IdempotencyEvent.Recorded, position: Int64)?
            var version: Int64 = 0
            for record in try commands.store.log.readStream(stream) {
                version += 1
                switch try commands.store.codec.decode(IdempotencyEvent.self, from: record) {
                case .claimed(let claim):
                    claimed = claim
                    recorded = nil
                case .recorded(let answer):
                    recorded = (answer, record.position)
                    claimed = nil
                }
            }
            return (version, claimed, recorded)
        } catch {
            commands.logger.error("reading an idempotency record failed", metadata: ["stream": "\(stream)", "error": "\(error)"])
            throw .unavailable("the event store could not be read; try again shortly", retryAfter: 1)
        }
    }

    /// Appends the answer's record; its position, or `nil` when another request recorded first or
    /// the append failed (the answer still goes out; a retry then finds only the claim).
    private func append(_ event: IdempotencyEvent, to stream: String, version: Int64, metadata: EventMetadata) async -> Int64? {
        do {
            let proposed = try commands.store.codec.encode(event, eventId: commands.store.ids.next(), metadata: metadata)
            let result = try await commands.store.log.append([
                StreamAppend(stream: stream, expectedVersion: .exactly(version), events: [proposed]),
            ])
            return result.lastPosition
        } catch {
            commands.logger.warning("recording an idempotent answer failed", metadata: ["stream": "\(stream)", "error": "\(error)"])
            return nil
        }
    }

    /// The first answer again, marked `Idempotency-Replayed: true`; its body when it was kept and
    /// the caller's data key still opens it, else none.
    private func replay(_ recorded: IdempotencyEvent.Recorded) -> Response {
        var headers: HTTPFields = [:]
        for (name, value) in recorded.headers.sorted(by: { $0.key < $1.key }) {
            // Records written before Content-Length was left out may hold a wrong one.
            if let field = HTTPField.Name(name), field != .contentLength { headers[field] = value }
        }
        headers[Self.replayedHeader] = "true"
        let body = recorded.body?.wrapped.flatMap { Base64.decode($0) }
        if body == nil { headers[.contentType] = nil }
        return Response(
            status: HTTPResponse.Status(code: recorded.status), headers: headers,
            body: body.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
        )
    }

    /// Whether an answer with `status` is the request's outcome to replay: not a failed
    /// authentication, a timeout, a rate limit or a server failure (those are worth retrying).
    static func recordable(_ status: HTTPResponse.Status) -> Bool {
        status.code < 500 && ![401, 408, 429].contains(status.code)
    }

    static var reused: APIError {
        .invalid("Idempotency-Key", "this Idempotency-Key was used in the last 24 hours for another request (method, path or body); use a new key")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// Gathers a response's body (command answers are small JSON documents).
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    // @unchecked: written by the one task that writes the body, read after it finished.
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
