public import Foundation
public import Hummingbird

/// Request bodies: JSON objects at most 1 MiB; unknown fields are ignored (documented in `docs/api.md`).
extension Request {
    /// The largest JSON body any route accepts.
    public static let maxJSONBytes = 1 << 20

    /// Collects at most `limit` bytes of body, or throws 413.
    public mutating func collectBody(limit: Int) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.tooLarge(limit: limit)
        }
        do {
            return try await collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit: limit)
        }
    }

    /// Decodes the JSON body as `T`: 413 when over `limit`, 400 when it is not JSON (or not UTF-8),
    /// 422 naming the field when a value has the wrong type or a required field is missing.
    public mutating func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int = Request.maxJSONBytes) async throws -> T {
        let buffer = try await collectBody(limit: limit)
        return try JSONInput.decode(T.self, from: Data(buffer.readableBytesView))
    }
}

extension Request {
    /// As `decodeJSON`, but an empty body reads as `{}` (for routes whose every field is optional).
    public mutating func decodeJSONOrEmpty<T: Decodable>(_ type: T.Type, limit: Int = Request.maxJSONBytes) async throws -> T {
        let buffer = try await collectBody(limit: limit)
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        return try JSONInput.decode(T.self, from: data)
    }
}

/// The API's JSON reading rules, shared by bodies and tests.
public enum JSONInput {
    /// Decodes `data`, mapping `DecodingError` to the contract's 400/422.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(APIError) -> T {
        if data.isEmpty { throw .badRequest("the request body is empty; send a JSON object") }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw problem(for: error)
        } catch {
            throw .badRequest("the request body is not valid JSON")
        }
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO 8601 UTC time such as 2026-11-24T18:00:00Z")
            }
            return date
        }
        return decoder
    }()

    /// `skills[2].name` from a coding path.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    static func problem(for error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return .badRequest("the request body must be a JSON object") }
            return .invalid(fieldPath(context.codingPath), "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalid(fieldPath(context.codingPath), "expected \(describe(type)), found null")
        case .keyNotFound(let key, let context):
            return .invalid(fieldPath(context.codingPath + [key]), "this field is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return .badRequest("the request body is not valid JSON (UTF-8)") }
            let reason = context.debugDescription.hasPrefix("expected") ? context.debugDescription : "this value is out of range or malformed"
            return .invalid(fieldPath(context.codingPath), reason)
        @unknown default:
            return .badRequest("the request body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: type == Date.self ? "an ISO 8601 UTC time" : "a value of another type"
        }
    }
}

/// ISO 8601 UTC times of the contract: `2026-11-24T18:00:00Z`, fractional seconds accepted on input.
public enum Timestamp {
    /// Parses `2026-11-24T18:00:00Z`, `…00.123Z` or an explicit offset.
    public static func parse(_ text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// `2026-11-24T18:00:00Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
