import Domain
import Foundation
import ReadModels
import Testing

/// Ranking a counsellor would sign, tried on a dozen hand-made profiles across fields (health,
/// economics, law, agriculture, computing, engineering, arts), French and English: topical
/// closeness through ISCED-F dominates rating, availability and deadlines; an open item with
/// nothing in common ranks below one that targets the student's language; hard eligibility
/// (compared as ISCED-F codes, in either language) is never broken. The expected orders were
/// written down before the scoring code.
@Suite struct BilingualRankingTests {
    /// The scholarships of the world, by a short name.
    enum S: String, CaseIterable {
        case computing, publicHealth, law, agronomy, civil, architecture, arts, francophone, economics
    }

    /// The mentors of the world, by a short name.
    enum M: String, CaseIterable {
        case finance, software, health, law, agronomy
    }

    /// One hand-made profile and what it must be offered.
    struct Case: Sendable {
        var name: String
        var profile: Profiles.ProfileUpdate
        var language: PreferredLanguage?
        /// The first scholarships, in this order.
        var scholarshipsFirst: [S]
        /// Scholarships that must not appear (a hard restriction the profile does not meet).
        var ineligible: Set<S>
        /// The first mentor, when one is clearly the right one.
        var mentorFirst: M?
        /// Pairs (a, b): a ranks above b.
        var mentorsBefore: [(M, M)] = []
    }

    static func profile(_ field: String, goals: [String] = [], interests: [String] = [], languages: [String] = ["fr"],
                        country: String = "SN", level: EducationLevel = .master) -> Profiles.ProfileUpdate {
        Profiles.ProfileUpdate(currentEducationLevel: level, fieldOfStudy: field, careerGoals: goals, interests: interests,
                               languages: languages.map { .init(code: $0, level: .native) }, countryCode: country)
    }

    /// The expected outcomes, one per profile.
    static let cases: [Case] = [
        Case(name: "santé publique (fr)", profile: profile("Santé publique", goals: ["Épidémiologiste"], interests: ["santé"]),
             scholarshipsFirst: [.publicHealth, .francophone], ineligible: [.computing, .law, .civil, .economics],
             mentorFirst: .health),
        Case(name: "medicine (en)", profile: profile("Medicine", interests: ["global health"], languages: ["en"]), language: .en,
             scholarshipsFirst: [.publicHealth], ineligible: [.computing, .law, .civil, .economics], mentorFirst: .health),
        Case(name: "économie (fr)", profile: profile("Économie", goals: ["Analyste financier"]),
             scholarshipsFirst: [.economics, .francophone], ineligible: [.computing, .law, .civil],
             mentorFirst: .finance, mentorsBefore: [(.finance, .software)]),
        Case(name: "droit (fr)", profile: profile("Droit", goals: ["Avocate"]),
             scholarshipsFirst: [.law, .francophone], ineligible: [.computing, .civil, .economics], mentorFirst: .law),
        Case(name: "law (en)", profile: profile("Law", goals: ["Lawyer"], languages: ["en"], country: "GH"), language: .en,
             scholarshipsFirst: [.law], ineligible: [.computing, .civil, .economics], mentorFirst: .law),
        Case(name: "agronomie (fr)", profile: profile("Agronomie", interests: ["sécurité alimentaire"], country: "CI"),
             scholarshipsFirst: [.agronomy, .francophone], ineligible: [.computing, .law, .civil, .economics], mentorFirst: .agronomy),
        Case(name: "informatique (fr)", profile: profile("Informatique", goals: ["Développeuse"]),
             scholarshipsFirst: [.computing, .francophone], ineligible: [.law, .civil, .economics],
             mentorFirst: .software, mentorsBefore: [(.software, .finance)]),
        Case(name: "software engineering (en)", profile: profile("Software engineering", languages: ["en"], country: "NG"), language: .en,
             scholarshipsFirst: [.computing], ineligible: [.law, .civil, .economics], mentorFirst: .software),
        Case(name: "génie civil (fr)", profile: profile("Génie civil"),
             scholarshipsFirst: [.civil, .architecture, .francophone], ineligible: [.computing, .law, .economics]),
        Case(name: "beaux-arts (fr)", profile: profile("Beaux-arts", interests: ["musique"], level: .bachelor),
             scholarshipsFirst: [.arts, .francophone], ineligible: [.computing, .law, .civil, .economics]),
        Case(name: "architecture (fr)", profile: profile("Architecture"),
             scholarshipsFirst: [.architecture, .francophone], ineligible: [.computing, .law, .civil, .economics]),
        Case(name: "mathématiques (fr)", profile: profile("Mathématiques"),
             scholarshipsFirst: [.francophone], ineligible: [.computing, .law, .civil, .economics]),
    ]

    /// Nine open scholarships, written in French or English. Architecture and arts are the
    /// richest and the most urgent: on generic merits alone they would lead every list.
    static func scholarships(_ world: DiscoveryWorld) async throws -> [S: UUID] {
        var ids: [S: UUID] = [:]
        ids[.computing] = try await world.scholarship("Computer Science Scholarship", description: "For students in software and computing.",
                                                      deadlineInDays: 60, amount: "5000.00", eligibility: .init(fieldsOfStudy: ["Computer Science"]))
        ids[.publicHealth] = try await world.scholarship("Public Health Fellowship", description: "Supports students in public health and epidemiology.",
                                                         deadlineInDays: 90, amount: "8000.00")
        ids[.law] = try await world.scholarship("Bourse de droit", description: "Pour les étudiants en droit des affaires.",
                                                deadlineInDays: 60, amount: "3000.00", eligibility: .init(fieldsOfStudy: ["Droit"]))
        ids[.agronomy] = try await world.scholarship("Bourse agronomie", description: "Pour les étudiants en agronomie et sécurité alimentaire.",
                                                     deadlineInDays: 60, amount: "3000.00")
        ids[.civil] = try await world.scholarship("Civil Engineering Award", description: "For future builders.", deadlineInDays: 60,
                                                  amount: "4000.00", eligibility: .init(fieldsOfStudy: ["Civil engineering"]))
        ids[.architecture] = try await world.scholarship("Open Architecture Scholarship", description: "For architecture and town planning students.",
                                                         deadlineInDays: 5, amount: "40000.00")
        ids[.arts] = try await world.scholarship("Arts Grant", description: "For fine arts and music students.", deadlineInDays: 5, amount: "40000.00")
        ids[.francophone] = try await world.scholarship("Bourse d'excellence francophone", description: "Bourse d'excellence pour les étudiants francophones.",
                                                        deadlineInDays: 150, amount: "1000.00")
        ids[.economics] = try await world.scholarship("Economics Research Grant", description: "For students of economics.",
                                                      deadlineInDays: 60, amount: "6000.00", eligibility: .init(fieldsOfStudy: ["Economics"]))
        return ids
    }

    /// Five verified mentors; the software engineer is the best rated, with free time.
    static func mentors(_ world: DiscoveryWorld) async throws -> [M: UUID] {
        var ids: [M: UUID] = [:]
        ids[.finance] = try await world.mentor("Fatou", "Ndiaye", expertise: ["Finance", "Banque"], ratings: [3, 3])
        ids[.software] = try await world.mentor("Moussa", "Sow", expertise: ["Génie logiciel", "Développement web"], ratings: [5, 5, 5, 5, 5])
        ids[.health] = try await world.mentor("Kwame", "Asante", country: "GH", expertise: ["Public health", "Epidemiology"], languages: ["en"],
                                              timeZone: "Africa/Accra", ratings: [4])
        ids[.law] = try await world.mentor("Aminata", "Ba", expertise: ["Droit des affaires"], ratings: [4, 4])
        ids[.agronomy] = try await world.mentor("Yao", "Kouassi", country: "CI", expertise: ["Agronomy", "Irrigation"], languages: ["fr", "en"],
                                                timeZone: "Africa/Abidjan", ratings: [4])
        return ids
    }

    @Test(.timeLimit(.minutes(5))) func everyProfileGetsTheOrderACounsellorWouldSign() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let scholarships = try await Self.scholarships(world)
        let mentors = try await Self.mentors(world)
        var students: [(Case, UUID)] = []
        for (index, test) in Self.cases.enumerated() {
            let id = try await world.user("Student\(index)", "Test", country: test.profile.countryCode, test.profile)
            if let language = test.language { try await world.language(id, language) }
            students.append((test, id))
        }
        let discovery = try await world.discovery()
        let scholarshipName = Dictionary(uniqueKeysWithValues: scholarships.map { ($0.value.uuidString.lowercased(), $0.key) })
        let mentorName = Dictionary(uniqueKeysWithValues: mentors.map { ($0.value.uuidString.lowercased(), $0.key) })
        for (test, id) in students {
            let offered = try discovery.scholarships(for: id, now: world.now, limit: 20).items.compactMap { scholarshipName[$0.id] }
            #expect(Array(offered.prefix(test.scholarshipsFirst.count)) == test.scholarshipsFirst, "\(test.name): \(offered)")
            #expect(Set(offered).isDisjoint(with: test.ineligible), "\(test.name): \(offered)")
            // Every open item that targets nothing of the student's stays below those that do or are close.
            for unrelated in [S.architecture, .arts] where !test.scholarshipsFirst.contains(unrelated) {
                if let position = offered.firstIndex(of: unrelated) { #expect(position >= test.scholarshipsFirst.count, "\(test.name): \(offered)") }
            }
            let ranked = try discovery.mentors(for: id, now: world.now, limit: 20).items.compactMap { mentorName[$0.id] }
            if let first = test.mentorFirst { #expect(ranked.first == first, "\(test.name): \(ranked)") }
            for (above, below) in test.mentorsBefore {
                #expect((ranked.firstIndex(of: above) ?? .max) < (ranked.firstIndex(of: below) ?? .max), "\(test.name): \(ranked)")
            }
        }
    }

    @Test(.timeLimit(.minutes(5))) func reasonsAreInThePreferredLanguageElseTheAcceptedOne() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        _ = try await world.scholarship("Public Health Fellowship", description: "Supports students in public health.", deadlineInDays: 20,
                                        amount: "8000.00", eligibility: .init(educationLevels: [.master]))
        _ = try await world.mentor("Kwame", "Asante", country: "GH", expertise: ["Public health"], languages: ["fr"], timeZone: "Africa/Accra", ratings: [4])
        let profile = Self.profile("Santé publique")
        // A new account's French is a default, not a choice: choosing it is recorded, so this one's
        // reasons are French whatever the request accepts.
        let chosenFrench = try await world.user("Awa", "Diallo", profile)
        try await world.language(chosenFrench, .fr)
        let chosenEnglish = try await world.user("Binta", "Diallo", profile)
        try await world.language(chosenEnglish, .en)
        let unset = try await world.user("Coumba", "Diallo", profile)
        let discovery = try await world.discovery()

        let french = try #require(try discovery.scholarships(for: chosenFrench, now: world.now, language: .en).items.first)
        #expect(french.reasons.contains("Ouverte à votre niveau d'études (master)"))
        #expect(french.reasons.contains("Proche de votre domaine : Santé"))
        #expect(french.reasons.contains("Date limite dans 20 jours (\(DiscoveryTestDates.day(world.now.addingTimeInterval(20 * 86_400))))"))
        let english = try #require(try discovery.scholarships(for: chosenEnglish, now: world.now, language: .fr).items.first)
        #expect(english.reasons.contains("Open to your education level (master)"))
        #expect(english.reasons.contains("Close to your field: Health"))
        // No choice in the profile: the request's language, else English.
        let accepted = try #require(try discovery.scholarships(for: unset, now: world.now, language: .fr).items.first)
        #expect(accepted.reasons.contains("Ouverte à votre niveau d'études (master)"))
        let fallback = try #require(try discovery.scholarships(for: unset, now: world.now).items.first)
        #expect(fallback.reasons.contains("Open to your education level (master)"))

        let mentor = try #require(try discovery.mentors(for: chosenFrench, now: world.now).items.first)
        #expect(mentor.reasons.contains("Parle fr comme vous"))
        #expect(mentor.reasons.contains { $0.hasPrefix("Noté·e ") && $0.hasSuffix("/5 sur 1 avis") })
        let career = try #require(try discovery.careers(for: chosenFrench, now: world.now, limit: 1).items.first)
        #expect(career.reasons.contains("S'appuie sur votre domaine d'études (Santé publique)"))
        let insights = try discovery.insights(for: chosenFrench, now: world.now)
        #expect(insights.suggestions.contains("Réservez une session avec un mentor recommandé"))
        let chat = try discovery.answer(message: "scholarships in public health", for: SearchViewer(userID: chosenFrench), now: world.now)
        #expect(chat.reply.hasPrefix("Bourses ouvertes pour vous"))
        let chatAccepted = try discovery.answer(message: "bourses santé publique", for: SearchViewer(userID: unset), now: world.now, language: .en)
        #expect(chatAccepted.reply.hasPrefix("Open scholarships for you"))
    }
}
