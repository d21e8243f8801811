import EventLog
import Foundation

/// Converts between the read models' stored times and the contract's.
///
/// Projections store times as the payloads carry them, ISO 8601 UTC with milliseconds
/// (`2026-11-24T18:00:00.000Z`), so they sort as text; the contract shows whole seconds
/// (`2026-11-24T18:00:00Z`).
enum Timestamp {
    /// A stored time as the contract writes it.
    static func contract(_ stored: String) -> String {
        // `YYYY-MM-DDThh:mm:ss` is 19 characters; the rest is `.mmmZ`.
        guard stored.count > 19, stored.hasSuffix("Z") else { return stored }
        return String(stored.prefix(19)) + "Z"
    }

    /// A date in the stored form, to compare with stored columns.
    static func stored(_ date: Date) -> String {
        ISO8601Micros.format(Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }

    /// A stored date read back; `nil` when it is not one.
    static func parse(_ text: String) -> Date? {
        if let date = fastParse(text) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }

    /// A stored date's day, `2026-11-24`, for reasons.
    static func day(_ text: String) -> String { String(text.prefix(10)) }

    /// `YYYY-MM-DDThh:mm:ss[.fff]Z`, the form the codec writes, without a formatter (Howard
    /// Hinnant's days-from-civil): scoring parses one deadline per candidate.
    private static func fastParse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), let digits = number(20..<(bytes.count - 1)) else { return nil }
            fraction = Double(digits) / pow(10, Double(bytes.count - 21))
        }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction)
    }
}
