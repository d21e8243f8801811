@testable import API
import Domain
import Testing

/// `Accept-Language` read as RFC 9110 says: the supported language with the highest weight.
@Suite struct AcceptLanguageTests {
    @Test func theSupportedLanguageWithTheHighestWeightWins() {
        #expect(AcceptLanguage.preferred("fr") == .fr)
        #expect(AcceptLanguage.preferred("en-US,en;q=0.9,fr;q=0.8") == .en)
        #expect(AcceptLanguage.preferred("de-CH, en;q=0.5, fr-FR;q=0.9") == .fr)
        #expect(AcceptLanguage.preferred("FR-ca") == .fr)
        // A tie goes to the first listed; q=0 means "not this one".
        #expect(AcceptLanguage.preferred("en;q=0.7, fr;q=0.7") == .en)
        #expect(AcceptLanguage.preferred("fr;q=0, en;q=0.1") == .en)
        // Nothing supported, or nothing at all: the caller's default applies.
        for header in [nil, "", "*", "de", "fr;q=0", ",,,;;;", "français", String(repeating: "x,", count: 10_000)] as [String?] {
            #expect(AcceptLanguage.preferred(header) == nil, "\(String(describing: header?.prefix(20)))")
        }
        // Only the first ranges are read: a header of thousands of ranges costs no more than a short one.
        #expect(AcceptLanguage.preferred(String(repeating: "de,", count: 10_000) + "fr") == nil)
    }
}
