import Foundation
public import HTTPTypes
public import Hummingbird

/// Builds the API's responses: JSON bodies in the contract's encoding, and `X-Log-Position` on
/// every command response.
public enum JSONResponse {
    /// The header naming the global log position of a command's last event.
    public static let logPosition = HTTPField.Name("X-Log-Position")!
    /// The request header asking a read to reflect at least this position.
    public static let minPosition = HTTPField.Name("X-Min-Position")!

    /// camelCase keys as the structs name them, sorted for stable output; dates as ISO 8601 UTC.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }()

    /// `status` with `value` as JSON.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `Cache-Control: no-store`, for answers carrying credentials (tokens, a TOTP secret) or a
    /// person's whole data: no browser, proxy or disk cache keeps a copy.
    public static let noStore: HTTPFields = [.cacheControl: "no-store"]

    /// A command's answer: `value` as JSON (or no body for 204) with `X-Log-Position`.
    public static func command(
        _ value: (some Encodable)?, status: HTTPResponse.Status = .ok, position: Int64, headers extra: HTTPFields = [:]
    ) throws -> Response {
        var headers = extra
        headers[logPosition] = String(position)
        guard let value else { return Response(status: status, headers: headers) }
        return try json(value, status: status, headers: headers)
    }

    /// A command's answer without a body (204 by default).
    public static func command(status: HTTPResponse.Status = .noContent, position: Int64) -> Response {
        var headers: HTTPFields = [:]
        headers[logPosition] = String(position)
        return Response(status: status, headers: headers)
    }
}
