import Foundation
import ReadModels

/// One notification as `GET /notifications` and the live feed show it, in the reader's language.
struct NotificationView: Codable, Sendable, Equatable {
    /// The notification's id (the log position of what caused it), as text.
    var id: String
    var kind: String
    var title: String
    var body: String
    var createdAt: String
    var readAt: String?
    /// Where to look, as a path under `PROTALENT_PUBLIC_URL` (the session, event, community or scholarship).
    var link: String?

    /// `record` in `language`.
    init(_ record: NotificationRecord, language: NotificationText.Language) {
        id = String(record.id)
        kind = record.kind
        title = NotificationText.title(record.kind, language).description
        body = NotificationText.body(record, language)
        createdAt = record.createdAt
        readAt = record.readAt
        link = NotificationText.link(record)
    }
}

/// `GET /notifications`: a page and the unread count.
struct NotificationInbox: Encodable, Sendable {
    var items: [NotificationView]
    var nextCursor: String?
    var unread: Int

    private enum CodingKeys: String, CodingKey { case items, nextCursor, unread }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // null on the last page, as every list
        try container.encode(unread, forKey: .unread)
    }
}
