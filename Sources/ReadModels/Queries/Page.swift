import Foundation

/// One page of a list endpoint: `{ "items": [...], "nextCursor": "..." }` (contract: Lists).
///
/// `nextCursor` is `nil` on the last page. Cursors are opaque to clients (see `PageCursor`).
public struct Page<Item: Sendable & Encodable>: Sendable, Encodable {
    /// The items of this page, in the list's order.
    public var items: [Item]
    /// Pass as `?cursor=` to get the next page; `nil` when there is none.
    public var nextCursor: String?

    /// A page.
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    // Always emit `nextCursor`, as `null` on the last page, so clients can test for it.
    private enum CodingKeys: String, CodingKey { case items, nextCursor }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// Keyset pagination: how far a list got, as the sort key and id of the last item returned.
///
/// Encoded as base64url of `<key>\u{1F}<id>`, so clients treat it as opaque and a cursor stays
/// valid while rows are inserted (no offsets). A cursor that does not decode is a client error
/// (`PageCursor.init(encoded:)` returns `nil`; the HTTP layer answers 400 naming `cursor`).
public struct PageCursor: Sendable, Hashable {
    /// The sort key of the last item (e.g. a start date, a title, a position as text).
    public var key: String
    /// The id of the last item: breaks ties between equal keys.
    public var id: String

    /// A cursor after the item with this key and id.
    public init(key: String, id: String) {
        self.key = key
        self.id = id
    }

    /// Decodes a `?cursor=` value; `nil` when it is not one of ours.
    public init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard encoded.count <= 1_024, let data = Data(base64Encoded: base64),
              let text = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = text.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        self.key = String(parts[0])
        self.id = String(parts[1])
    }

    /// The opaque text to hand to clients.
    public var encoded: String {
        Data("\(key)\u{1F}\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The `?limit=` and `?cursor=` of a list request, already validated.
public struct PageRequest: Sendable, Hashable {
    /// Default page size of the contract.
    public static let defaultLimit = 20
    /// Largest page size of the contract.
    public static let maximumLimit = 100

    /// Items wanted, 1...100.
    public var limit: Int
    /// Where to continue; `nil` for the first page.
    public var cursor: PageCursor?

    /// A request; `limit` is clamped to 1...100.
    public init(limit: Int = PageRequest.defaultLimit, cursor: PageCursor? = nil) {
        self.limit = min(max(limit, 1), Self.maximumLimit)
        self.cursor = cursor
    }

    /// Builds the page from rows fetched with `LIMIT limit + 1`: the extra row only says that
    /// another page exists, and the cursor points after the last row kept.
    public func page<Item: Sendable & Encodable>(_ rows: [Item], cursor: (Item) -> PageCursor) -> Page<Item> {
        guard rows.count > limit else { return Page(items: rows, nextCursor: nil) }
        let kept = Array(rows.prefix(limit))
        return Page(items: kept, nextCursor: kept.last.map { cursor($0).encoded })
    }
}
