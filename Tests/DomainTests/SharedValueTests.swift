import Foundation
import Testing
@testable import Domain

@Suite struct SharedValueTests {
    @Test func moneyIsCanonicalisedToTwoDecimals() throws {
        #expect(try Money(amount: "1500", currency: "EUR").validated("amount") == Money(amount: "1500.00", currency: "EUR"))
        #expect(try Money(amount: "007.5", currency: "XOF").validated("amount") == Money(amount: "7.50", currency: "XOF"))
        #expect(try Money(amount: "0", currency: "USD").validated("amount").decimalAmount == 0)
        #expect(throws: FieldError.self) { try Money(amount: "1e3", currency: "EUR").validated("amount") }
        #expect(throws: FieldError.self) { try Money(amount: ".5", currency: "EUR").validated("amount") }
    }

    @Test func countryCodesAreCheckedByShapeAndUppercased() throws {
        #expect(try CountryCode.validated("sn", "c") == "SN")
        #expect(try CountryCode.validated("civ", "c") == "CIV")
        #expect(throws: FieldError("c", "c must be an ISO 3166-1 alpha-2 or alpha-3 code such as \"SN\" or \"SEN\"")) {
            try CountryCode.validated("FRA1", "c")
        }
    }

    @Test func localTimesAreHHmm() throws {
        #expect(try LocalTime.parse("09:00", "t").minutes == 540)
        #expect(try LocalTime.parse("24:00", "t").description == "24:00")
        for bad in ["9:00", "25:00", "12:60", "24:01", "noon"] {
            #expect(throws: FieldError.self) { try LocalTime.parse(bad, "t") }
        }
    }

    @Test func emailsAreNormalisedForUniqueness() throws {
        #expect(try EmailAddress.normalized("  Awa.Diop@Example.ORG ") == "awa.diop@example.org")
        for bad in ["awa", "awa@", "@example.org", "a b@example.org", "awa@example."] {
            #expect(throws: FieldError.self) { try EmailAddress.normalized(bad) }
        }
    }

    @Test func webURLsAreAbsoluteHTTPLinksWithoutAnythingThatCouldStartALine() throws {
        for good in ["https://meet.example.org/abc", "http://meet.example.org:8080/r?id=42&x=%20#join", "https://xn--bcher-kva.example/",
                     "HTTPS://Meet.Example.org", "http://[::1]:8080/x", "https://192.0.2.1/"] {
            #expect(try WebURL.validated(" \(good) ", "u") == good)
        }
        for bad in ["https://meet.example.org/a\r\nBEGIN:VEVENT", "https://meet.example.org/a\nb", "https://meet.example.org/a b",
                    "https://meet.example.org/\u{2028}x", "https://meet.example.org/\u{85}x", "https://meet.example.org/a\u{7F}b",
                    "https://bücher.example/", "javascript:alert(1)", "javascript://example.org/%0Aalert(1)", "ftp://example.org/",
                    "data:text/html,<script>", "https://", "https:///path", "https://user:pw@example.org/", "https://a@evil.example",
                    "https://-bad-.example/", "https://bad_host.example/", "https://example.org:99999/", "https://example.org/%zz",
                    "https://example.org/<script>", "mailto:a@example.org", "//example.org/x",
                    "https://example.org/" + String(repeating: "x", count: 500)] {
            #expect(throws: FieldError.self, "\(bad)") { try WebURL.validated(bad, "u") }
        }
        #expect(throws: FieldError("u", "u must not contain spaces, line breaks, control or non-ASCII characters (percent-encode them), e.g. https://meet.example.org/abc")) {
            try WebURL.validated("https://meet.example.org/a\r\nb", "u")
        }
    }

    @Test func passwordPolicy() throws {
        try PasswordPolicy.check("a long enough passphrase")
        #expect(throws: FieldError.self) { try PasswordPolicy.check("short") }
        #expect(throws: FieldError.self) { try PasswordPolicy.check("AZERTYUIOP") }
        #expect(!"\(NewPassword(plaintext: "secret-secret", hash: "h"))".contains("secret-secret"))
    }

    @Test func availabilityWrapsFromSundayToMonday() {
        let availability = WeeklyAvailability(timeZone: "UTC", slots: [
            AvailabilitySlot(day: .sunday, start: "23:00", end: "24:00"),
            AvailabilitySlot(day: .monday, start: "00:00", end: "01:00"),
        ])
        let sunday2330 = Fixture.now.addingTimeInterval(-(9 * 3600) - 1800)  // 2026-11-22T23:30Z
        #expect(availability.covers(start: sunday2330, end: sunday2330.addingTimeInterval(3600)))
        #expect(!availability.covers(start: sunday2330, end: sunday2330.addingTimeInterval(7200)))
    }

    @Test func availabilityOverlapsAWindowThatMeetsAnyWindowOnTheOwnersClock() {
        // Tokyo Monday 09:00–12:00 is Monday 00:00–03:00 UTC.
        let tokyo = WeeklyAvailability(timeZone: "Asia/Tokyo", slots: [AvailabilitySlot(day: .monday, start: "09:00", end: "12:00")])
        let sunday2330 = Fixture.now.addingTimeInterval(-(9 * 3600) - 1800)  // 2026-11-22T23:30Z
        #expect(tokyo.overlaps(start: sunday2330, end: sunday2330.addingTimeInterval(3600)))        // meets its first half hour
        #expect(!tokyo.covers(start: sunday2330, end: sunday2330.addingTimeInterval(3600)))
        #expect(!tokyo.overlaps(start: sunday2330, end: sunday2330.addingTimeInterval(1800)))       // ends as it opens
        #expect(tokyo.overlaps(start: sunday2330.addingTimeInterval(3 * 3600), end: sunday2330.addingTimeInterval(4 * 3600)))
        #expect(!tokyo.overlaps(start: sunday2330.addingTimeInterval(3.5 * 3600), end: sunday2330.addingTimeInterval(20 * 3600)))
        #expect(tokyo.overlaps(start: sunday2330.addingTimeInterval(3.5 * 3600), end: sunday2330.addingTimeInterval(8 * 86_400)))
        #expect(!WeeklyAvailability(timeZone: "Asia/Tokyo", slots: []).overlaps(start: sunday2330, end: sunday2330.addingTimeInterval(8 * 86_400)))
        #expect(!WeeklyAvailability(timeZone: "Nowhere/Void", slots: tokyo.slots).overlaps(start: sunday2330, end: sunday2330.addingTimeInterval(3600)))
    }

    @Test func timeRangesTouchingEndToStartDoNotOverlap() {
        let a = TimeRange(start: Fixture.now, minutes: 60)
        #expect(!a.overlaps(TimeRange(start: a.end, minutes: 30)))
        #expect(a.overlaps(TimeRange(start: Fixture.minutes(59), minutes: 30)))
    }

    @Test func principals() {
        #expect(Principal.system.isAdministrator && Principal.system.userID == nil)
        #expect(Principal.user(Fixture.id(1), .moderator).isPlatformModerator)
        #expect(!Principal.user(Fixture.id(1), .mentor).isPlatformModerator)
    }
}
