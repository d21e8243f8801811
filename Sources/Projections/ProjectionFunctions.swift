public import GRDB
import GRDBSQLite

/// SQL functions the projection files and the read models' queries may call beyond SQLite's own,
/// installed on every connection of a model (builds, live models and their readers). Only where
/// SQLite's own way costs a rebuild too much or cannot say it: `iso_week` replaces two `strftime`
/// calls with date modifiers and a `printf` per event in `analytics.sql` (docs/performance.md,
/// "iso_week"); `fold` is `TextFolding.fold` (SQLite's `lower` and `LIKE` know no accents).
public enum ProjectionFunctions {
    /// Installs the functions on `db`.
    public static func install(in db: Database) throws {
        for (name, function) in [("iso_week", isoWeekFunction), ("fold", foldFunction)] as [(String, SQLiteFunction)] {
            let code = sqlite3_create_function_v2(db.sqliteConnection, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                                  nil, function, nil, nil, nil)
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "could not install \(name)()")
            }
        }
    }

    /// The ISO 8601 week, `YYYY-Www`, of the date `YYYY-MM-DD` that `text` starts with (the log's
    /// times are UTC): what `strftime('%Y', d, '-6 days', 'weekday 1', '+3 days') || '-W' ||
    /// printf('%02d', (strftime('%j', d, '-6 days', 'weekday 1', '+3 days') - 1) / 7 + 1)` gives.
    /// `nil` when it does not start with a date.
    static func isoWeek<Bytes: Collection<UInt8>>(_ text: Bytes) -> String? where Bytes.Index == Int {
        guard text.count >= 10, text[text.startIndex + 4] == UInt8(ascii: "-"), text[text.startIndex + 7] == UInt8(ascii: "-") else { return nil }
        func number(_ offset: Int, _ length: Int) -> Int? {
            var value = 0
            for index in (text.startIndex + offset)..<(text.startIndex + offset + length) {
                let digit = Int(text[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              (1...12).contains(month), (1...daysIn(month, of: year)).contains(day) else { return nil }
        let days = daysSince1970(year, month, day)
        let weekday = ((days + 3) % 7 + 7) % 7 + 1 // 1970-01-01 was a Thursday; Monday is 1
        let thursday = days - weekday + 4 // the week's year is its Thursday's
        var weekYear = year
        if thursday < daysSince1970(year, 1, 1) { weekYear -= 1 }
        if thursday >= daysSince1970(year + 1, 1, 1) { weekYear += 1 }
        let week = (thursday - daysSince1970(weekYear, 1, 1)) / 7 + 1
        let digits = String(weekYear)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + (week < 10 ? "-W0" : "-W") + String(week)
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to the proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysSince1970(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

private typealias SQLiteFunction = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void

private func isoWeekFunction(_ context: OpaquePointer?, _ count: Int32, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let argument = arguments?[0], let text = sqlite3_value_text(argument),
          let week = ProjectionFunctions.isoWeek(UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(argument)))) else {
        sqlite3_result_null(context)
        return
    }
    result(week, context)
}

/// `fold(text)`: `TextFolding.fold`; NULL stays NULL.
private func foldFunction(_ context: OpaquePointer?, _ count: Int32, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let argument = arguments?[0], let text = sqlite3_value_text(argument) else {
        sqlite3_result_null(context)
        return
    }
    result(TextFolding.fold(String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(argument))), as: UTF8.self)), context)
}

private func result(_ text: String, _ context: OpaquePointer?) {
    var utf8 = text
    utf8.withUTF8 { bytes in
        sqlite3_result_text(context, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                            sqliteTransient)
    }
}
