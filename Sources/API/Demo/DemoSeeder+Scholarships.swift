import Cryptography
import Domain
import EventSourcing
import Foundation

/// Demo scholarships: open ones (some with an application fee, some restricted by country, level
/// or field), one updated, closed ones and ones past their deadline.
extension DemoSeeder {
    /// A demo scholarship and what happens to it.
    struct DemoScholarship {
        enum Fate { case open, closed, pastDeadline }
        var title: String
        var provider: String
        var amount: Money?
        var fee: Money?
        /// Days from now (negative: already passed).
        var deadlineInDays: Double
        var levels: [EducationLevel] = []
        var fields: [String] = []
        var countries: [String] = []
        var requirements: [String] = []
        var preferences: [String] = []
        var fate: Fate = .open
    }

    static let demoScholarships: [DemoScholarship] = [
        DemoScholarship(title: "Mastercard Foundation Scholars Program", provider: "Mastercard Foundation", amount: Money(amount: "25000.00", currency: "USD"),
                        deadlineInDays: 75, levels: [.bachelor, .master], requirements: ["Résultats académiques excellents", "Revenus familiaux modestes"],
                        preferences: ["Engagement communautaire"]),
        DemoScholarship(title: "Bourse d'excellence Eiffel", provider: "Campus France", amount: Money(amount: "1181.00", currency: "EUR"),
                        deadlineInDays: 40, levels: [.master, .phd], fields: ["Law", "Economics", "Civil Engineering", "Computer Science"],
                        requirements: ["Dossier déposé par un établissement français"]),
        DemoScholarship(title: "DAAD In-Country/In-Region Scholarship", provider: "DAAD", amount: Money(amount: "750.00", currency: "EUR"),
                        deadlineInDays: 120, levels: [.master, .phd], countries: ["SN", "CI", "BF", "ML", "GH", "NG", "CM"],
                        requirements: ["Diplôme obtenu il y a moins de 6 ans"], preferences: ["Femmes et candidats de régions défavorisées"]),
        DemoScholarship(title: "Chevening Scholarship", provider: "UK Foreign Office", amount: Money(amount: "18000.00", currency: "GBP"),
                        fee: nil, deadlineInDays: 25, levels: [.master], countries: ["NG", "GH", "CM", "SN"],
                        requirements: ["Deux ans d'expérience professionnelle", "Retour au pays après les études"]),
        DemoScholarship(title: "Bourse de la Fondation Orange pour le numérique", provider: "Fondation Orange", amount: Money(amount: "1500000.00", currency: "XOF"),
                        fee: Money(amount: "5000.00", currency: "XOF"), deadlineInDays: 15, levels: [.bachelor], fields: ["Computer Science", "Data Science"],
                        countries: ["SN", "CI", "ML", "BF", "GN", "CM"]),
        DemoScholarship(title: "African Leadership Academy Scholarship", provider: "African Leadership Academy", amount: nil,
                        fee: Money(amount: "50.00", currency: "USD"), deadlineInDays: 60, levels: [.highSchool],
                        preferences: ["Projets d'entrepreneuriat social"]),
        DemoScholarship(title: "AfDB Japan Africa Dream Scholarship", provider: "Banque africaine de développement", amount: Money(amount: "20000.00", currency: "USD"),
                        deadlineInDays: 90, levels: [.master], fields: ["Renewable Energy", "Agronomy", "Public Health", "Civil Engineering"],
                        requirements: ["Moins de 35 ans", "Trois ans d'expérience"]),
        DemoScholarship(title: "Commonwealth Master's Scholarship", provider: "Commonwealth Scholarship Commission", amount: Money(amount: "15000.00", currency: "GBP"),
                        deadlineInDays: 30, levels: [.master], countries: ["GH", "NG", "CM"], fate: .closed),
        DemoScholarship(title: "Bourse AUF de mobilité doctorale", provider: "Agence universitaire de la Francophonie", amount: Money(amount: "900.00", currency: "EUR"),
                        fee: Money(amount: "10.00", currency: "EUR"), deadlineInDays: -12, levels: [.phd], fate: .pastDeadline),
        DemoScholarship(title: "Erasmus Mundus Joint Master", provider: "Union européenne", amount: Money(amount: "1400.00", currency: "EUR"),
                        deadlineInDays: -40, levels: [.master], fields: ["Data Science", "Economics"], fate: .pastDeadline),
    ]

    /// Publishes the demo scholarships as the demo admin; updates the first, closes and lets lapse
    /// the ones whose fate says so (a lapsed one was published before its deadline).
    mutating func seedScholarships(logins: DemoData.Logins, now: Date) async throws {
        guard let adminID = try platform.accounts.userID(forEmail: logins.admin) else { return }
        let admin = Principal.user(adminID, .admin)
        let day: TimeInterval = 86_400
        for (index, demo) in Self.demoScholarships.enumerated() {
            let id = SecureRandom.timeOrderedUUID()
            let deadline = (now + demo.deadlineInDays * day).addingTimeInterval(TimeInterval(random.next(below: 24)) * 3_600)
            let publishedAt = min(now, deadline - 60 * day)
            let details = Scholarships.Details(
                title: demo.title, description: "\(demo.title) — \(demo.provider). Financement des études pour des étudiants africains.",
                provider: demo.provider, amount: demo.amount, applicationFee: demo.fee, deadline: deadline,
                applicationUrl: "https://example.org/scholarships/\(index + 1)",
                eligibility: Scholarships.Eligibility(
                    educationLevels: demo.levels, fieldsOfStudy: demo.fields, countries: demo.countries,
                    requirements: demo.requirements, preferences: demo.preferences
                )
            )
            let stream = StreamName.scholarship(id)
            _ = try await platform.commands.execute(.create(scholarshipID: id, details, by: admin, now: publishedAt), on: Scholarships.self, stream: stream, by: admin)
            if index == 0 {
                var revised = details
                revised.description += " Mise à jour : 500 bourses supplémentaires cette année."
                _ = try await platform.commands.execute(.update(revised, by: admin, now: now), on: Scholarships.self, stream: stream, by: admin)
            }
            if demo.fate == .closed {
                _ = try await platform.commands.execute(.close(by: admin, now: now), on: Scholarships.self, stream: stream, by: admin)
            }
        }
    }
}
