import Foundation
@testable import ReadModels
import Testing

/// The parts of discovery that are pure functions: what user text becomes in FTS5, word folding,
/// dates as stored.
@Suite struct SearchTextTests {
    @Test func userInputBecomesQuotedTermsOnly() {
        // Phrases of the bilingual term list also search their equivalents (`BilingualTerms`).
        #expect(SearchText("bourse master").expression == #"(("bourse" OR "scholarship" OR "grant" OR "bursary") AND "master"*)"#)
        #expect(SearchText(#"title:bourse OR "énergie solaire" -stage NEAR(x y) bour*"#).expression
                == #"("title" AND ("bourse" OR "scholarship" OR "grant" OR "bursary") AND ("énergie solaire" OR "solar energy") AND "bour"*) NOT "stage""#)
        #expect(SearchText("master thèse").expression == #"("master" AND "thèse"*)"#)
        #expect(SearchText(#"((("unbalanced"#).expression == #"("unbalanced"*)"#)
        #expect(SearchText("-seul").expression == nil)
        #expect(SearchText("* - : ( ) \" ^ AND OR NOT NEAR").expression == nil)
        #expect(SearchText("a b c").expression == nil)
        #expect(SearchText("x 2027").expression == #"("2027"*)"#)
        #expect(SearchText("bourse master", matchingAny: true).expression == #"(("bourse" OR "scholarship" OR "grant" OR "bursary") OR "master")"#)
        #expect(SearchText(String(repeating: "mot ", count: 500)).terms.count == SearchText.maximumTerms)
        #expect(SearchText(String(repeating: "a", count: 500)).terms.first?.words.first?.count == SearchText.maximumTermLength)
    }

    @Test func foldingRemovesCaseAndAccents() {
        #expect(TextTerms.fold("Énergie ÇA Œuvre naïve") == "energie ca oeuvre naive")
        #expect(TextTerms.fold("E\u{301}nergie") == "energie")
        #expect(TextTerms.words("Les énergies renouvelables, pour l'Afrique!") == ["energies", "renouvelables", "afrique"])
        #expect(TextTerms.stems("Informatique informaticien") == ["inform"])
        #expect(ScholarshipEligibility.fieldsMatch("Informatique", "informatique et réseaux"))
        #expect(!ScholarshipEligibility.fieldsMatch("Médecine", "Énergie"))
    }

    @Test func storedDatesParseBackExactly() throws {
        for seconds in [0.0, 1_795_000_000.123, 951_782_400, 4_102_444_800.5] {
            let date = Date(timeIntervalSince1970: seconds)
            let parsed = try #require(Timestamp.parse(Timestamp.stored(date)))
            #expect(abs(parsed.timeIntervalSince1970 - (seconds * 1_000).rounded(.down) / 1_000) < 0.000_5)
        }
        #expect(Timestamp.parse("2026-11-24T18:00:00Z") == Date(timeIntervalSince1970: 1_795_543_200))
        #expect(Timestamp.contract("2026-11-24T18:00:00.000Z") == "2026-11-24T18:00:00Z")
        #expect(Timestamp.parse("not a date") == nil)
    }
}
