import Domain
import Foundation
import ReadModels
import Testing

/// Recommendations, insights and chat over the `matching` and `search` read models built from
/// real events, on small hand-made profiles.
@Suite struct RecommendationTests {
    static let student = Profiles.ProfileUpdate(
        bio: "Étudiante passionnée.", currentEducationLevel: .master, fieldOfStudy: "Énergie", careerGoals: ["Ingénieure en énergies renouvelables"],
        interests: ["climat", "énergie solaire"], languages: [.init(code: "fr", level: .native), .init(code: "en", level: .b2)],
        skills: [.init(name: "Python")], countryCode: "SN"
    )

    @Test func anIneligibleScholarshipNeverAppearsWhateverItsScore() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let me = try await world.user("Awa", "Diallo", Self.student)
        // Each of these would score high (perfect text match, big amount, close deadline) but breaks one hard rule.
        let perfect = "Bourse énergie solaire climat pour ingénieure en énergies renouvelables, Python."
        let closed = try await world.scholarship("Fermée", description: perfect, deadlineInDays: 5, amount: "40000.00", closed: true)
        let past = try await world.scholarship("Expirée", description: perfect, deadlineInDays: -1, amount: "40000.00")
        let level = try await world.scholarship("Doctorat", description: perfect, amount: "40000.00", eligibility: .init(educationLevels: [.phd]))
        let field = try await world.scholarship("Médecine", description: perfect, amount: "40000.00", eligibility: .init(fieldsOfStudy: ["Médecine"]))
        let country = try await world.scholarship("Ghana", description: perfect, amount: "40000.00", eligibility: .init(countries: ["GH"]))
        // Eligible ones, one modest and one restricted to exactly this profile (field spelled without accent).
        let modest = try await world.scholarship("Bourse générale", description: "Pour tous.", deadlineInDays: 150, amount: "200.00")
        let fit = try await world.scholarship("Bourse énergie Sénégal", description: perfect, deadlineInDays: 20, amount: "5000.00",
                                              eligibility: .init(educationLevels: [.master], fieldsOfStudy: ["energie"], countries: ["SN"], preferences: ["climat"]))
        let discovery = try await world.discovery()
        let items = try discovery.scholarships(for: me, now: world.now, limit: 50).items
        let ids = items.map(\.id)
        for excluded in [closed, past, level, field, country] { #expect(!ids.contains(excluded.uuidString.lowercased())) }
        #expect(ids == [fit, modest].map { $0.uuidString.lowercased() })
        for item in items {
            #expect((0...1).contains(item.score))
            #expect(!item.reasons.isEmpty)
            #expect(item.kind == "scholarship")
        }
        let best = try #require(items.first)
        #expect(best.reasons.contains("Open to your education level (master)"))
        #expect(best.reasons.contains { $0.hasPrefix("Matches your profile:") })
        #expect(best.reasons.contains("You meet its preferences: climat"))
        #expect(best.reasons.contains("Deadline in 20 days (\(String(DiscoveryTestDates.day(world.now.addingTimeInterval(20 * 86_400)))))"))
        // A student without a level never gets a level-restricted scholarship.
        let unknown = try await world.user("Sans", "Niveau", .init(fieldOfStudy: "Énergie"))
        let theirs = try await world.discovery().scholarships(for: unknown, now: world.now).items.map(\.id)
        #expect(theirs == [modest.uuidString.lowercased()])
    }

    @Test func applicationFeesAreFlaggedAndCostScore() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let me = try await world.user("Awa", "Diallo", Self.student)
        let free = try await world.scholarship("Sans frais", description: "Énergie solaire.")
        let paying = try await world.scholarship("Avec frais", description: "Énergie solaire.", fee: "25.00")
        let items = try await world.discovery().scholarships(for: me, now: world.now).items
        #expect(items.map(\.id) == [free, paying].map { $0.uuidString.lowercased() })
        #expect(items[1].reasons.contains("Charges an application fee: 25.00 EUR"))
        #expect(!items[0].reasons.contains { $0.contains("fee") })
    }

    @Test func mentorsRankByExpertiseLanguageAndRatingAndOnlyBookableOnesAppear() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let me = try await world.user("Awa", "Diallo", Self.student)
        let solar = try await world.mentor("Kofi", "Mensah", expertise: ["Énergie solaire", "Climat"], languages: ["fr"], ratings: [5, 5, 4])
        let data = try await world.mentor("Lina", "Haddad", country: "FR", expertise: ["Python", "Data science"], languages: ["fr"],
                                          timeZone: "Europe/Paris", ratings: [4])
        let unrelated = try await world.mentor("John", "Smith", country: "US", expertise: ["Droit des affaires"], languages: ["de"],
                                               timeZone: "America/Los_Angeles", ratings: [3, 3])
        let unverified = try await world.mentor("Pas", "Vérifié", expertise: ["Énergie solaire"], verified: false)
        let hidden = try await world.mentor("Profil", "Privé", expertise: ["Énergie solaire"], ratings: [5, 5, 5])
        try await world.visibility(hidden, .private)
        let discovery = try await world.discovery()
        let items = try discovery.mentors(for: me, now: world.now).items
        #expect(items.map(\.id) == [solar, data, unrelated].map { $0.uuidString.lowercased() })
        #expect(!items.map(\.id).contains(unverified.uuidString.lowercased()))
        #expect(!items.map(\.id).contains(hidden.uuidString.lowercased()))
        #expect(items[0].reasons.first?.hasPrefix("Expertise in Énergie solaire, Climat meets your") == true)
        #expect(items[0].reasons.contains("Speaks fr like you"))
        #expect(items[0].reasons.contains("Same time zone as you"))
        #expect(items[0].reasons.contains("Rated 4.2/5 over 3 ratings"))
        #expect(items.allSatisfy { (0...1).contains($0.score) && !$0.reasons.isEmpty })
        // A mentor is never recommended to themselves.
        #expect(!(try discovery.mentors(for: solar, now: world.now).items.map(\.id)).contains(solar.uuidString.lowercased()))
    }

    @Test func coldStartFallsBackToWellRatedMentorsOfTheCountry() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let newcomer = try await world.user("Nouveau", "Venu", country: "CI")
        let local = try await world.mentor("Yao", "Kouassi", country: "CI", expertise: ["Finance"], ratings: [4, 4])
        let star = try await world.mentor("Star", "Lointaine", country: "CA", expertise: ["Finance"], timeZone: "America/Toronto", ratings: [5, 5, 5, 5, 5, 5])
        let weak = try await world.mentor("Peu", "Noté", country: "CA", expertise: ["Finance"], ratings: [1, 1, 2])
        let items = try await world.discovery().mentors(for: newcomer, now: world.now).items
        #expect(items.map(\.id) == [local, star, weak].map { $0.uuidString.lowercased() })
        #expect(items[0].reasons.first == "Based in your country (CI)")
        #expect(items.allSatisfy { $0.reasons.contains { $0.hasPrefix("Suggested from ratings") } })
    }

    @Test func careersRankAgainstTheProfileWithNextSteps() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let me = try await world.user("Awa", "Diallo", Self.student)
        let mentor = try await world.mentor("Kofi", "Mensah", expertise: ["Énergie solaire"])
        let community = try await world.community("Énergies renouvelables Afrique", owner: mentor, description: "Climat et solaire")
        let event = try await world.event("Atelier énergie solaire", inDays: 3)
        let scholarship = try await world.scholarship("Bourse énergie", description: "Pour l'énergie solaire.")
        let discovery = try await world.discovery()
        let items = try discovery.careers(for: me, now: world.now, limit: 3).items
        let first = try #require(items.first)
        #expect(first.id == "renewable-energy-engineer")
        #expect(first.title == "Ingénieur·e en énergies renouvelables")
        #expect(first.reasons.contains("Builds on your field of study (Énergie)"))
        let steps = Set(try #require(first.nextSteps).map(\.id))
        #expect(steps.isSuperset(of: [mentor, community, event, scholarship].map { $0.uuidString.lowercased() }))
        #expect(items.map(\.score) == items.map(\.score).sorted(by: >))
    }

    @Test func insightsSayWhatIsMissingAndWhatComesNext() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let me = try await world.user("Awa", "Diallo", Self.student)
        let community = try await world.community("Énergie", owner: me)
        try await world.post(community, by: me, title: nil, body: "Bonjour à tous")
        let soon = try await world.scholarship("Bourse énergie", deadlineInDays: 12)
        _ = try await world.scholarship("Bourse lointaine", deadlineInDays: 200)
        _ = try await world.scholarship("Bourse doctorale", deadlineInDays: 5, eligibility: .init(educationLevels: [.phd]))
        let discovery = try await world.discovery()
        let insights = try discovery.insights(for: me, now: world.now)
        #expect(insights.completeness.missing == ["experience", "city", "avatar"])
        #expect(insights.completeness.percent == 77)
        let activity: [Int] = [insights.communities.memberships, insights.communities.posts, insights.communities.recentPosts]
        #expect(activity == [1, 1, 1])
        let sessions: [Int] = [insights.sessions.completed, insights.sessions.upcoming]
        #expect(sessions == [0, 0])
        #expect(insights.deadlines.map(\.id) == [soon.uuidString.lowercased()])
        #expect(insights.suggestions.contains("Book a session with a recommended mentor"))
        #expect(insights.suggestions.contains { $0.hasPrefix("Apply to Bourse énergie before") })
        #expect(throws: DiscoveryError.unknownUser(UUID(uuidString: "00000000-0000-0000-0000-000000000001")!.uuidString.lowercased())) {
            try discovery.insights(for: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, now: world.now)
        }
    }

    @Test func chatMatchesTheIntentAndCitesTheItemsItUses() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let me = try await world.user("Awa", "Diallo", Self.student)
        let mentor = try await world.mentor("Kofi", "Mensah", expertise: ["Énergie solaire"])
        let scholarship = try await world.scholarship("Bourse énergie solaire", description: "Pour les étudiants.")
        let event = try await world.event("Webinaire climat", inDays: 4)
        let community = try await world.community("Club solaire", owner: mentor)
        let discovery = try await world.discovery()
        let viewer = SearchViewer(userID: me)

        let mentors = try discovery.answer(message: "Je cherche un mentor en énergie solaire", for: viewer, now: world.now)
        #expect(mentors.intent == .findMentor)
        #expect(mentors.citations.map(\.id) == [mentor.uuidString.lowercased()])
        #expect(mentors.reply.contains("Kofi Mensah"))

        let scholarships = try discovery.answer(message: "Which scholarships are open for me?", for: viewer, now: world.now)
        #expect(scholarships.intent == .scholarships)
        #expect(scholarships.citations.map(\.id) == [scholarship.uuidString.lowercased()])
        #expect(scholarships.reply.contains("[1] Bourse énergie solaire"))

        let events = try discovery.answer(message: "Quels événements sur le climat ?", for: viewer, now: world.now)
        #expect(events.intent == .events)
        #expect(events.citations.map(\.id) == [event.uuidString.lowercased()])

        let communities = try discovery.answer(message: "communities about solar? (solaire)", for: .anonymous, now: world.now)
        #expect(communities.intent == .communities)
        #expect(communities.citations.map(\.id) == [community.uuidString.lowercased()])

        let howTo = try discovery.answer(message: "Comment réserver une session avec un mentor ?", for: viewer, now: world.now)
        #expect(howTo.intent == .howTo)
        #expect(howTo.reply.hasPrefix("Pour réserver une session"))

        for message in ["", "\"((NEAR*", String(repeating: "bourse ", count: 3_000)] {
            let answer = try discovery.answer(message: message, for: .anonymous, now: world.now)
            for citation in answer.citations { #expect(answer.reply.contains(citation.title)) }
        }
    }
}

/// Day strings as the reasons print them.
enum DiscoveryTestDates {
    static func day(_ date: Date) -> Substring {
        date.formatted(Date.ISO8601FormatStyle()).prefix(10)
    }
}
