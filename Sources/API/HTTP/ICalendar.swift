import Domain
public import Foundation
public import Hummingbird

/// Renders calendars as iCalendar (RFC 5545) for `Accept: text/calendar`.
///
/// Times are UTC (`…Z`), lines end with CRLF and are folded at 75 octets, text values are escaped
/// (§3.3.11). A calendar client keeps an entry in sync through its stable `UID` and the `SEQUENCE`
/// the read model bumps on every change; a cancelled entry stays with `STATUS:CANCELLED` so
/// clients remove it.
public enum ICalendar {
    /// One `VEVENT`.
    public struct Event: Sendable, Equatable {
        public var uid: String
        public var sequence: Int
        public var status: Status
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String?
        public var location: String?
        public var url: String?
        /// When the entry last changed (`DTSTAMP`/`LAST-MODIFIED`).
        public var stamp: Date

        /// An event.
        public init(
            uid: String, sequence: Int, status: Status, start: Date, end: Date, summary: String, description: String? = nil,
            location: String? = nil, url: String? = nil, stamp: Date
        ) {
            self.uid = uid
            self.sequence = sequence
            self.status = status
            self.start = start
            self.end = end
            self.summary = summary
            self.description = description
            self.location = location
            self.url = url
            self.stamp = stamp
        }
    }

    /// `STATUS` values of a `VEVENT`.
    public enum Status: String, Sendable {
        case tentative = "TENTATIVE"
        case confirmed = "CONFIRMED"
        case cancelled = "CANCELLED"
    }

    /// The media type.
    public static let mediaType = "text/calendar; charset=utf-8"

    /// Whether the request asks for iCalendar rather than JSON.
    public static func isRequested(by request: Request) -> Bool {
        request.headers[.accept]?.lowercased().contains("text/calendar") ?? false
    }

    /// The whole `VCALENDAR` text.
    public static func render(name: String, events: [Event]) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ProTalent//Coach&Pro'Talent//FR", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:\(escape(name))",
        ]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:\(escape(event.uid))", "SEQUENCE:\(event.sequence)", "STATUS:\(event.status.rawValue)",
                      "DTSTAMP:\(utc(event.stamp))", "LAST-MODIFIED:\(utc(event.stamp))",
                      "DTSTART:\(utc(event.start))", "DTEND:\(utc(event.end))", "SUMMARY:\(escape(event.summary))"]
            if let description = event.description { lines.append("DESCRIPTION:\(escape(description))") }
            if let location = event.location { lines.append("LOCATION:\(escape(location))") }
            // A URI, not TEXT: written only when it passes the rule it was accepted under, so a
            // value recorded before the rule cannot add a line.
            if let url = event.url, WebURL.isValid(url) { lines.append("URL:\(url)") }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A response with the calendar.
    public static func response(name: String, events: [Event]) -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = mediaType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: render(name: name, events: events))))
    }

    /// `20261124T180000Z`.
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// TEXT escaping (RFC 5545 §3.3.11): `\\`, `\;`, `\,`, and `\n` for every line break (CRLF, CR,
    /// LF, NEL, U+2028, U+2029, so no client splits the value into lines of its own); other control
    /// characters (C0 but tab, DEL, C1) are not allowed in TEXT and are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": if !afterCR { out += "\\n" }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": out += "\\n"
            case "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Folds a content line into pieces of at most 75 octets, the continuation's leading space
    /// included, never splitting a UTF-8 sequence (§3.1). Splits between scalars, not characters:
    /// one character (a letter with many combining marks) may be longer than a line.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var octets = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > limit {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
                octets = 0
                limit = 74  // continuation lines start with a space
            }
            current.append(scalar)
            octets += size
        }
        pieces.append(String(current))
        return pieces.joined(separator: "\r\n ")
    }
}
