import Foundation

/// One HTTP/1.1 answer from the server under test.
struct HTTPResponse: Sendable, CustomStringConvertible {
    /// The status code.
    var status: Int
    /// Header fields, names lowercased.
    var headers: [String: String]
    /// The raw body.
    var body: Data

    /// `X-Log-Position`, the log position a command answered with.
    var logPosition: Int64? { headers["x-log-position"].flatMap { Int64($0) } }
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as JSON (any top-level value), or `nil`.
    var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    /// The body as a JSON object, or an empty one.
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    /// Whether the answer is an RFC 9457 problem with the fields every problem carries.
    var isProblem: Bool {
        guard headers["content-type"]?.hasPrefix("application/problem+json") == true else { return false }
        let problem = object
        return problem["type"] is String && problem["title"] is String && (problem["status"] as? Int) == status
    }

    var description: String { "\(status) \(text.prefix(600))" }
}

/// Why a request got no answer.
struct HTTPTransportError: Error, CustomStringConvertible {
    var description: String
}

/// A deliberately small HTTP/1.1 client over a blocking loopback socket (one connection per
/// request, `Connection: close`).
///
/// Not URLSession: the hostile-input tests must send bytes exactly as written (invalid UTF-8,
/// `..` segments a client library would normalise away, lying headers), and the crash tests must see
/// a killed server as "no answer", not as a retried request. Blocking I/O runs on GCD threads, never
/// on the cooperative pool, so many concurrent requests do not starve the test's tasks.
struct HTTPClient: Sendable {
    /// The server's loopback port.
    var port: Int
    /// How long to wait for an answer.
    var timeoutSeconds = 30
    /// The loopback address the client connects from (`127.0.0.1` when `nil`): any `127.x.y.z`
    /// works on Linux, so a test can be a client from another network.
    var sourceAddress: String?

    /// Sends a request whose target is written exactly as given (`/users/%2e%2e/public`).
    func send(
        _ method: String, _ target: String, body: Data? = nil, headers: [String: String] = [:], token: String? = nil
    ) async throws -> HTTPResponse {
        var fields = headers
        if let token { fields["Authorization"] = "Bearer \(token)" }
        if body != nil, fields.keys.contains(where: { $0.lowercased() == "content-type" }) == false {
            fields["Content-Type"] = "application/json"
        }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if let body, fields.keys.contains(where: { $0.lowercased() == "content-length" }) == false {
            head += "Content-Length: \(body.count)\r\n"
        } else if body == nil, ["POST", "PUT", "PATCH"].contains(method) {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        var bytes = Data(head.utf8)
        if let body { bytes.append(body) }
        return try await exchange(bytes)
    }

    /// Sends a JSON value (any `JSONSerialization` object) as the body.
    func send(_ method: String, _ target: String, json: Any, headers: [String: String] = [:], token: String? = nil) async throws -> HTTPResponse {
        let body = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed, .sortedKeys])
        return try await send(method, target, body: body, headers: headers, token: token)
    }

    /// Opens a streaming GET (server-sent events) and returns what arrived once `done` holds for
    /// the text so far, or when `seconds` pass; then closes the connection.
    func stream(_ target: String, token: String?, seconds: Int, until done: @escaping @Sendable (String) -> Bool) async throws -> String {
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "\r\n"
        let request = Data(head.utf8)
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let socket = try Self.connect(port: port, timeoutSeconds: 1)
                    defer { close(socket) }
                    _ = request.withUnsafeBytes { Foundation.send(socket, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                    var received = Data()
                    var buffer = [UInt8](repeating: 0, count: 16 << 10)
                    let deadline = Date().addingTimeInterval(TimeInterval(seconds))
                    while Date() < deadline {
                        let count = recv(socket, &buffer, buffer.count, 0)
                        if count == 0 { break }
                        if count > 0 { received.append(contentsOf: buffer[0..<count]) }
                        if done(String(decoding: received, as: UTF8.self)) { break }
                    }
                    return String(decoding: received, as: UTF8.self)
                })
            }
        }
    }

    /// Writes `request` as is and reads the answer.
    func exchange(_ request: Data) async throws -> HTTPResponse {
        let port = self.port
        let timeout = timeoutSeconds
        let source = sourceAddress
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.blockingExchange(request, port: port, timeoutSeconds: timeout, source: source) })
            }
        }
    }

    private static func blockingExchange(_ request: Data, port: Int, timeoutSeconds: Int, source: String? = nil) throws -> HTTPResponse {
        let socket = try connect(port: port, timeoutSeconds: timeoutSeconds, source: source)
        defer { close(socket) }
        // A server may answer (413) and close before reading the whole body: a failed write is not
        // the end, the answer may already be waiting.
        request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let written = Foundation.send(socket, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if written <= 0 { break }
                sent += written
            }
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
            if let response = try? parse(received, atEnd: false), response.complete { return response.response }
        }
        guard let parsed = try parse(received, atEnd: true), parsed.complete else {
            throw HTTPTransportError(description: "no complete answer (\(received.count) bytes, errno \(errno))")
        }
        return parsed.response
    }

    /// A connected loopback TCP socket whose reads and writes give up after `timeoutSeconds`.
    static func connect(port: Int, timeoutSeconds: Int, source: String? = nil) throws -> Int32 {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw HTTPTransportError(description: "socket: errno \(errno)") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                close(socket)
                throw HTTPTransportError(description: "bind to \(source): errno \(errno)")
            }
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw HTTPTransportError(description: "connect to port \(port): errno \(errno)")
        }
        return socket
    }

    /// Parses what was received so far; `complete` once the whole body is there.
    private static func parse(_ data: Data, atEnd: Bool) throws -> (response: HTTPResponse, complete: Bool)? {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw HTTPTransportError(description: "bad status line in \(head.prefix(100))")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        var body = Data(data[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let decoded = dechunk(body) else {
                return (HTTPResponse(status: status, headers: headers, body: Data()), false)
            }
            body = decoded
            return (HTTPResponse(status: status, headers: headers, body: body), true)
        }
        if let length = headers["content-length"].flatMap(Int.init) {
            guard body.count >= length else { return (HTTPResponse(status: status, headers: headers, body: body), false) }
            return (HTTPResponse(status: status, headers: headers, body: body.prefix(length)), true)
        }
        // Neither: the body ends when the connection does (we asked for `Connection: close`).
        return (HTTPResponse(status: status, headers: headers, body: body), atEnd)
    }

    /// The body of a complete chunked transfer, or `nil` while chunks are missing.
    private static func dechunk(_ data: Data) -> Data? {
        var output = Data()
        var index = data.startIndex
        while true {
            guard let lineEnd = data[index...].range(of: Data("\r\n".utf8)) else { return nil }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            index = lineEnd.upperBound
            if size == 0 { return output }
            guard data.distance(from: index, to: data.endIndex) >= size + 2 else { return nil }
            output.append(data[index..<data.index(index, offsetBy: size)])
            index = data.index(index, offsetBy: size + 2)
        }
    }
}
