public import Foundation
public import Hummingbird
public import ReadModels

/// Typed reading of query parameters: a bad value is a 400 naming the parameter, never a 500.
public struct QueryParameters: Sendable {
    let parameters: Hummingbird.Parameters

    /// The parameters of `request`.
    public init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    /// A trimmed, non-empty string of at most `maxLength` characters, or `nil`.
    public func string(_ name: String, maxLength: Int = 200) throws(APIError) -> String? {
        guard let raw = parameters[name[...]].map(String.init) else { return nil }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return nil }
        guard value.count <= maxLength else { throw .badRequest("`\(name)` is longer than \(maxLength) characters", field: name) }
        return value
    }

    /// An integer in `range`, or `nil` when absent.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = try string(name, maxLength: 20) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest("`\(name)` must be an integer from \(range.lowerBound) to \(range.upperBound)", field: name)
        }
        return value
    }

    /// `true`/`false` (also `1`/`0`), or `nil`.
    public func boolean(_ name: String) throws(APIError) -> Bool? {
        guard let text = try string(name, maxLength: 5)?.lowercased() else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw .badRequest("`\(name)` must be true or false", field: name)
        }
    }

    /// An ISO 8601 time, or `nil`.
    public func date(_ name: String) throws(APIError) -> Date? {
        guard let text = try string(name, maxLength: 40) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw .badRequest("`\(name)` must be an ISO 8601 UTC time such as 2026-11-24T18:00:00Z", field: name)
        }
        return date
    }

    /// A UUID, or `nil`.
    public func uuid(_ name: String) throws(APIError) -> UUID? {
        guard let text = try string(name, maxLength: 36) else { return nil }
        guard let id = UUID(uuidString: text) else { throw .badRequest("`\(name)` must be a UUID", field: name) }
        return id
    }

    /// One of a fixed set of lowercase words (an enum's raw values), or `nil`.
    public func value<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws(APIError) -> T? where T.RawValue == String {
        guard let text = try string(name, maxLength: 40) else { return nil }
        guard let value = T(rawValue: text.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badRequest("`\(name)` must be one of: \(allowed)", field: name)
        }
        return value
    }

    /// `?limit=` (default 20, 1…100) and `?cursor=` of a list; a page with several lists names
    /// each one's cursor parameter (`cursorName`).
    public func page(cursor cursorName: String = "cursor", defaultLimit: Int = PageRequest.defaultLimit) throws(APIError) -> PageRequest {
        let limit = try integer("limit", in: 1...PageRequest.maximumLimit) ?? defaultLimit
        var cursor: PageCursor?
        if let text = try string(cursorName, maxLength: 1_024) {
            guard let decoded = PageCursor(encoded: text) else {
                throw .badRequest("`\(cursorName)` is not a cursor this server issued; start again without it", field: cursorName)
            }
            cursor = decoded
        }
        return PageRequest(limit: limit, cursor: cursor)
    }
}

extension Parameters {
    /// The path parameter `name` as a UUID, or 404 (an id that cannot exist names nothing).
    public func uuid(_ name: String, what: String) throws(APIError) -> UUID {
        guard let text = self.get(name), let id = UUID(uuidString: text) else {
            throw .notFound("no \(what) with id \(self.get(name).map { String($0.prefix(64)) } ?? "")")
        }
        return id
    }
}
