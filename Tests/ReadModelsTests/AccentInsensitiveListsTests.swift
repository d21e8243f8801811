import Domain
import Foundation
import ProjectionsTestSupport
import ReadModels
import Testing

/// The `?q=` filters of the scholarship, event and community lists ignore accents and case, in
/// the text and in what was written: "sante", "SANTÉ" and "Santé" find the same items.
@Suite struct AccentInsensitiveListsTests {
    static let admin = Principal.user(DomainHistory.id(1), .admin)
    static let mentor = Principal.user(DomainHistory.id(2), .mentor)

    /// A scholarship, an event and a community written with accents, and one of each without.
    static func history() async throws -> DomainHistory {
        let history = try DomainHistory("accents")
        let now = DomainHistory.monday
        for (n, title, description) in [(700, "Bourse d'Études en Santé Publique", "Pour les étudiants francophones"),
                                        (701, "Engineering Grant", "For civil engineers")] {
            let details = Scholarships.Details(
                title: title, description: description, provider: "Fondation Éducation", deadline: DomainHistory.at(days: 60),
                eligibility: Scholarships.Eligibility(educationLevels: [], fieldsOfStudy: [], countries: [])
            )
            try await history.scholarship(DomainHistory.id(n), .create(scholarshipID: DomainHistory.id(n), details, by: admin, now: now))
        }
        for (n, title) in [(710, "Atelier Génie Civil"), (711, "Data careers")] {
            let details = Gathering.Details(
                title: title, description: "Présentation et échanges", eventType: .workshop,
                startDate: DomainHistory.at(days: 7, hours: 1), endDate: DomainHistory.at(days: 7, hours: 3), isOnline: true,
                location: nil, meetingUrl: "https://meet.example.org/\(n)", maxParticipants: nil
            )
            try await history.gathering(DomainHistory.id(n), .create(eventID: DomainHistory.id(n), details, by: mentor, now: now))
        }
        for (n, name, description) in [(720, "Réseau des Étudiantes", "Entraide à Abidjan"), (721, "Women in Tech", "A safe space")] {
            try await history.community(DomainHistory.id(n), .create(
                communityID: DomainHistory.id(n), .init(name: name, description: description, category: .interest, isPrivate: false),
                by: mentor, now: now))
        }
        return history
    }

    @Test func scholarshipsEventsAndCommunitiesAreFoundWhateverTheAccentsAndCase() async throws {
        let history = try await Self.history()
        defer { history.close() }
        let set = try await history.project()
        let now = DomainHistory.monday
        func scholarships(_ text: String) throws -> [String] {
            try set.scholarships.list(ScholarshipFilter(query: text), now: now, page: PageRequest(limit: 10)).items.map(\.title)
        }
        func events(_ text: String) throws -> [String] { try set.events.list(EventFilter(query: text)).items.map(\.title) }
        func communities(_ text: String) throws -> [String] { try set.communities.list(CommunityFilter(query: text)).items.map(\.name) }

        for text in ["sante publique", "SANTÉ PUBLIQUE", "Santé", "etudes", "ÉTUDES"] {
            #expect(try scholarships(text) == ["Bourse d'Études en Santé Publique"], "\(text)")
        }
        #expect(try scholarships("fondation education").count == 2)  // the provider
        #expect(try scholarships("FRANCOPHONES") == ["Bourse d'Études en Santé Publique"])  // the description
        #expect(try scholarships("engineering") == ["Engineering Grant"])
        for text in ["genie civil", "GÉNIE", "Génie Civil", "atelier genie"] {
            #expect(try events(text) == ["Atelier Génie Civil"], "\(text)")
        }
        #expect(try events("presentation et echanges").count == 2)  // the description
        for text in ["reseau des etudiantes", "RÉSEAU", "étudiantes", "ETUDIANTE"] {
            #expect(try communities(text) == ["Réseau des Étudiantes"], "\(text)")
        }
        #expect(try communities("abidjan") == ["Réseau des Étudiantes"])
        #expect(try communities("é%") == [])  // still a plain substring, `%` taken literally
        #expect(try communities("safe space") == ["Women in Tech"])
    }
}
