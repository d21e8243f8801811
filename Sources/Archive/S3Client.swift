import AsyncHTTPClient
import Cryptography
import Foundation
import NIOCore
import NIOHTTP1

/// The few S3 operations the archive uses — put (single or multipart), get, delete, list — signed
/// with SigV4 over AsyncHTTPClient, path-style (`endpoint/bucket/key`), so it speaks to AWS, MinIO,
/// Ceph RGW, Garage, R2 and moto alike.
///
/// Every upload carries `x-amz-content-sha256` (signed) and `x-amz-checksum-sha256`: a store that
/// checks them refuses an object damaged in transit instead of keeping it.
public final class S3Client: Sendable {
    /// Where and as whom.
    public let configuration: S3Configuration
    /// The bucket every key lives in.
    public let bucket: String
    private let http: HTTPClient
    private let signer: SigV4Signer

    /// A client for `bucket`; call `shutdown()` when done.
    public init(configuration: S3Configuration, bucket: String) {
        self.configuration = configuration
        self.bucket = bucket
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.redirectConfiguration = .disallow
        httpConfiguration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(configuration.requestTimeout.components.seconds)))
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
    }

    /// Closes the connections.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Creates the bucket (an existing one owned by us is fine).
    public func createBucket() async throws(S3Error) {
        let response = try await send("PUT", key: nil, body: [])
        guard response.status == 200 || response.status == 409 else { throw failure("CREATE BUCKET", bucket, response) }
    }

    /// Stores `bytes` as `key` in one request.
    public func put(_ key: String, bytes: [UInt8]) async throws(S3Error) {
        let response = try await send("PUT", key: key, body: bytes, checksum: true)
        guard response.status == 200 else { throw failure("PUT", key, response) }
    }

    /// Stores `length` bytes of the file at `path` as `key`: in one request when small, else as a
    /// multipart upload of `partSize` parts read one at a time (memory stays at one part), aborted
    /// when a part fails so the store keeps no orphan parts.
    public func putFile(_ key: String, path: String, length: Int) async throws(S3Error) {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw S3Error(operation: "PUT", key: key, status: nil, message: "cannot open \(path)")
        }
        defer { try? file.close() }
        func read(_ offset: Int, _ count: Int) throws(S3Error) -> [UInt8] {
            do {
                try file.seek(toOffset: UInt64(offset))
                let data = try file.read(upToCount: count) ?? Data()
                guard data.count == count else { throw S3Error(operation: "PUT", key: key, status: nil, message: "\(path) is shorter than \(offset + count) bytes") }
                return [UInt8](data)
            } catch let error as S3Error {
                throw error
            } catch {
                throw S3Error(operation: "PUT", key: key, status: nil, message: "reading \(path): \(error)")
            }
        }
        let partSize = configuration.partSize
        guard length > partSize else {
            try await put(key, bytes: try read(0, length))
            return
        }
        let created = try await send("POST", key: key, query: [("uploads", "")], body: [])
        guard created.status == 200, let uploadID = Self.elements("UploadId", in: created.body).first else {
            throw failure("CREATE MULTIPART", key, created)
        }
        do throws(S3Error) {
            var etags: [String] = []
            var offset = 0
            while offset < length {
                let count = min(partSize, length - offset)
                let part = try await send(
                    "PUT", key: key, query: [("partNumber", String(etags.count + 1)), ("uploadId", uploadID)], body: try read(offset, count),
                    checksum: true
                )
                guard part.status == 200, let etag = part.headers["etag"] else { throw failure("UPLOAD PART \(etags.count + 1)", key, part) }
                etags.append(etag)
                offset += count
            }
            let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(Self.escaped($0.element))</ETag></Part>" }
            let body = Array("<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>".utf8)
            let completed = try await send("POST", key: key, query: [("uploadId", uploadID)], body: body)
            // S3 may answer 200 with an error document when completion fails late.
            guard completed.status == 200, !String(decoding: completed.body, as: UTF8.self).contains("<Error>") else {
                throw failure("COMPLETE MULTIPART", key, completed)
            }
        } catch {
            _ = try? await send("DELETE", key: key, query: [("uploadId", uploadID)], body: [])
            throw error
        }
    }

    /// The object's bytes, `nil` when there is no such object.
    public func get(_ key: String) async throws(S3Error) -> [UInt8]? {
        let response = try await send("GET", key: key, body: [])
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw failure("GET", key, response) }
        return response.body
    }

    /// Deletes the object (no error when it is gone already).
    public func delete(_ key: String) async throws(S3Error) {
        let response = try await send("DELETE", key: key, body: [])
        guard response.status == 204 || response.status == 200 || response.status == 404 else { throw failure("DELETE", key, response) }
    }

    /// Every key under `prefix`, in the store's (lexicographic) order.
    public func list(prefix: String) async throws(S3Error) -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("GET", key: nil, query: query, body: [])
            guard response.status == 200 else { throw failure("LIST", prefix, response) }
            keys += Self.elements("Key", in: response.body)
            token = Self.elements("IsTruncated", in: response.body).first == "true"
                ? Self.elements("NextContinuationToken", in: response.body).first : nil
        } while token != nil
        return keys
    }

    // MARK: - Requests

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    private func send(
        _ method: String, key: String?, query: [(String, String)] = [], body: [UInt8], checksum: Bool = false
    ) async throws(S3Error) -> Answer {
        let endpoint = configuration.endpoint
        let basePath = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        let path = basePath + "/" + bucket + (key.map { "/" + $0 } ?? "")
        let defaultPort = endpoint.scheme == "https" ? 443 : 80
        let host = endpoint.host! + (endpoint.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
        let digest = SHA256.hash(body)
        var headers: [(name: String, value: String)] = [
            (name: "host", value: host), (name: "x-amz-content-sha256", value: SigV4Signer.hex(digest)),
        ]
        if checksum { headers.append((name: "x-amz-checksum-sha256", value: Base64.encode(digest))) }
        let signature = signer.sign(
            SigV4Signer.Request(method: method, path: path, query: query.map { (name: $0.0, value: $0.1) }, headers: headers,
                                payloadHash: SigV4Signer.hex(digest)),
            at: Date()
        )
        let queryText = query.map { SigV4Signer.encode($0.0, keepSlash: false) + ($0.1.isEmpty && $0.0 == "uploads" ? "" : "=" + SigV4Signer.encode($0.1, keepSlash: false)) }
            .joined(separator: "&")
        let url = "\(endpoint.scheme!)://\(host)\(SigV4Signer.encode(path, keepSlash: true))" + (queryText.isEmpty ? "" : "?" + queryText)
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in headers + signature.headers { request.headers.add(name: header.name, value: header.value) }
        if !body.isEmpty || method == "PUT" || method == "POST" {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let operation = key == nil ? "\(method) bucket \(bucket)" : method
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(configuration.requestTimeout.components.seconds)))
            let collected = try await response.body.collect(upTo: 256 << 20)
            var answerHeaders: [String: String] = [:]
            for header in response.headers { answerHeaders[header.name.lowercased()] = header.value }
            return Answer(status: Int(response.status.code), headers: answerHeaders, body: Array(buffer: collected))
        } catch {
            throw S3Error(operation: operation, key: key ?? bucket, status: nil, message: "no answer from \(endpoint.absoluteString): \(error)")
        }
    }

    private func failure(_ operation: String, _ key: String, _ answer: Answer) -> S3Error {
        let text = String(decoding: answer.body.prefix(2_000), as: UTF8.self)
        let code = Self.elements("Code", in: answer.body).first
        let message = Self.elements("Message", in: answer.body).first
        return S3Error(
            operation: operation, key: key, status: answer.status,
            message: [code, message].compactMap { $0 }.joined(separator: ": ").isEmpty ? text : [code, message].compactMap { $0 }.joined(separator: ": ")
        )
    }

    /// The texts of every `<name>…</name>` element of an S3 XML answer, unescaped (S3's answers are
    /// flat enough that this needs no XML parser).
    static func elements(_ name: String, in body: [UInt8]) -> [String] {
        let text = String(decoding: body, as: UTF8.self)
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)>") {
            guard let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex) else { break }
            found.append(unescaped(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return found
    }

    private static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
