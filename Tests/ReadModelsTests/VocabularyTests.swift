import Domain
import Foundation
@testable import ReadModels
import Testing

/// The ISCED-F taxonomy, its synonyms and the bilingual term list as data, and the pure functions
/// over them: free text onto codes, hard eligibility through the hierarchy, query expansion.
@Suite struct VocabularyTests {
    @Test func theTaxonomyIsWellFormed() {
        let codes = ISCEDTaxonomy.fields.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(ISCEDTaxonomy.fields.filter { $0.level == .broad }.count == 11)
        for field in ISCEDTaxonomy.fields {
            #expect(field.code.allSatisfy(\.isNumber) && (2...4).contains(field.code.count), "\(field.code)")
            #expect(!field.english.isEmpty && !field.french.isEmpty)
            // Every narrow and detailed field sits under its parent.
            if field.code.count > 2 { #expect(ISCEDTaxonomy.field(String(field.code.dropLast())) != nil, "\(field.code)") }
        }
        for code in FieldSynonyms.phrases.keys { #expect(ISCEDTaxonomy.field(code) != nil, "synonyms of \(code)") }
        for (left, right) in FieldSynonyms.neighbours { #expect(ISCEDTaxonomy.field(left)?.level == .detailed && ISCEDTaxonomy.field(right)?.level == .detailed) }
        #expect(ISCEDTaxonomy.field("0613")?.french == "Développement et analyse de logiciels et d'applications")
        #expect(ISCEDTaxonomy.field("0421")?.name(in: .fr) == "Droit")
    }

    @Test func freeTextMapsOntoCodesInEitherLanguage() {
        #expect(FieldCodes.codes(in: "Informatique") == ["0613"])
        #expect(FieldCodes.codes(in: "COMPUTER SCIENCE") == ["0613"])
        #expect(FieldCodes.codes(in: "génie logiciel") == ["0613"])
        #expect(FieldCodes.codes(in: "Droit") == ["0421"])
        #expect(FieldCodes.codes(in: "Law") == ["0421"])
        #expect(FieldCodes.codes(in: "Sciences économiques") == ["0311"])
        #expect(FieldCodes.codes(in: "Génie civil") == ["0732"])
        #expect(FieldCodes.codes(in: "Santé publique") == ["091"])
        #expect(FieldCodes.codes(in: "Informatique et réseaux") == ["0613", "0612"])
        #expect(FieldCodes.codes(in: "Engineering, manufacturing and construction") == ["07"])
        #expect(FieldCodes.codes(in: "Underwater basket weaving").isEmpty)
        // An official name is found without its parenthesis, and outweighs the words inside it.
        #expect(FieldCodes.codes(in: "Technologies de l'information et de la communication") == ["061"])
        // A vague broad field is not read in a description.
        #expect(FieldCodes.codes(in: "Services", description: false) == ["10"])
        #expect(FieldCodes.codes(in: "Services aux étudiants", description: true).isEmpty)
    }

    @Test func hardEligibilityComparesCodesThroughTheHierarchy() {
        #expect(ScholarshipEligibility.fieldMeets("Informatique", restriction: ["Computer Science"]))
        #expect(ScholarshipEligibility.fieldMeets("Computer science", restriction: ["Informatique"]))
        #expect(ScholarshipEligibility.fieldMeets("Droit", restriction: ["Law"]))
        #expect(ScholarshipEligibility.fieldMeets("law", restriction: ["Droit des affaires", "Médecine"]))
        // Narrower meets broader, never the reverse.
        #expect(ScholarshipEligibility.fieldMeets("Génie civil", restriction: ["Engineering, manufacturing and construction"]))
        #expect(ScholarshipEligibility.fieldMeets("Génie logiciel", restriction: ["Information and Communication Technologies (ICTs)"]))
        #expect(!ScholarshipEligibility.fieldMeets("Ingénierie", restriction: ["Civil engineering"]))
        #expect(!ScholarshipEligibility.fieldMeets("Génie électrique", restriction: ["Génie civil"]))
        // Neighbours rank close but do not meet each other's restriction.
        #expect(!ScholarshipEligibility.fieldMeets("Économie", restriction: ["Finance"]))
        #expect(!ScholarshipEligibility.fieldMeets("Médecine", restriction: ["Law"]))
        // Names the taxonomy does not know still compare by their words.
        #expect(ScholarshipEligibility.fieldMeets("Océanographie côtière", restriction: ["océanographie"]))
    }

    @Test func closenessFollowsTheHierarchyAndTheNeighbours() {
        #expect(FieldCodes.closeness(["0613"], ["0613"]) == 1)
        #expect(FieldCodes.closeness(["0613"], ["0612"]) == 0.75)
        #expect(FieldCodes.closeness(["0713"], ["0731"]) == 0.5)
        #expect(FieldCodes.closeness(["0311"], ["0412"]) == 0.5)
        #expect(FieldCodes.closeness(["0311"], ["0613"]) == 0)
    }

    @Test func queriesFindTheOtherLanguage() throws {
        let informatique = try #require(SearchText("informatique").expression)
        #expect(informatique.contains(#""informatique"*"#) && informatique.contains(#""computer science""#))
        #expect(SearchText("santé publique").expression == #"((("santé" AND "publique"*) OR "public health"))"#)
        #expect(SearchText("Public HEALTH").expression == #"((("Public" AND "HEALTH"*) OR "santé publique"))"#)
        #expect(SearchText("\"droit\" bourse").expression?.contains(#"("droit" OR "law")"#) == true)
        // Stop words inside a phrase are skipped; an excluded word is never widened.
        #expect(SearchText("afrique de l'ouest").expression?.contains(#""west africa""#) == true)
        #expect(SearchText("stage -droit").expression?.hasSuffix(#"NOT "droit""#) == true)
        #expect(BilingualTerms.equivalents(of: "Ingénieure en énergies renouvelables").contains("Ingénieure en renewable energy"))
    }
}
