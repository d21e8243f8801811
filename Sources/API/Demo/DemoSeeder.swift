import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation

/// Writes the demo data set (see `DemoData`).
struct DemoSeeder {
    let platform: Platform
    let progress: (@Sendable (String) -> Void)?
    let passwordHash: String
    var random = SplitMix64(seed: 2026)
    /// Every account `register` created, in order: the areas seeded later draw members from it.
    var accounts: [DemoAccount] = []

    init(platform: Platform, progress: (@Sendable (String) -> Void)?) throws {
        self.platform = platform
        self.progress = progress
        self.passwordHash = try platform.configuration.passwordHasher.hash(DemoData.password)
    }

    static let firstNames = ["Awa", "Moussa", "Fatou", "Ibrahima", "Aminata", "Cheikh", "Mariam", "Kofi", "Amina", "Yao",
                             "Nadia", "Jean", "Chloé", "Koffi", "Aïcha", "Omar", "Léa", "Samuel", "Grace", "Hugo"]
    static let lastNames = ["Diop", "Ndiaye", "Traoré", "Koné", "Mensah", "Bamba", "Diallo", "Kouassi", "Sow", "Mbaye",
                            "Nkemelu", "Dupont", "Martin", "Okafor", "Haidara", "Benali", "Camara", "Touré", "Ouattara", "Faye"]
    static let countries = ["SN", "CI", "ML", "BF", "CM", "BJ", "TG", "GN", "MA", "TN", "CD", "GA", "FR", "BE", "CA", "GH", "NG"]
    static let fields = ["Computer Science", "Medicine", "Economics", "Civil Engineering", "Law", "Agronomy",
                         "Data Science", "Finance", "Public Health", "Renewable Energy"]

    mutating func seed(users: Int, logins: DemoData.Logins) async throws {
        let now = platform.clock.now()
        let admin = try await register(email: logins.admin, first: "Admin", last: "ProTalent", role: .student, country: "SN", now: now)
        _ = try await platform.commands.execute(.grantRole(.admin, by: .system, now: now), on: Identity.Account.self,
                                       stream: StreamName.account(admin), by: .system)
        _ = try await register(email: logins.student, first: "Awa", last: "Diop", role: .student, country: "SN", now: now)
        _ = try await register(email: logins.mentor, first: "Moussa", last: "Ndiaye", role: .mentor, country: "SN", now: now)
        for index in 0..<users {
            let first = Self.firstNames[index % Self.firstNames.count]
            let last = Self.lastNames[(index / Self.firstNames.count + index) % Self.lastNames.count]
            let role: Role = index % 5 == 0 ? .mentor : .student
            let country = Self.countries[random.next(below: Self.countries.count)]
            let email = "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(last.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(index)@demo.protalent.app"
            let id = try await register(email: email, first: first, last: last, role: role, country: country, now: now)
            let field = Self.fields[random.next(below: Self.fields.count)]
            let level = EducationLevel.allCases[random.next(below: EducationLevel.allCases.count)]
            _ = try await platform.commands.execute(
                .update(userID: id, Self.demoProfile(index: index, first: first, field: field, role: role, country: country, level: level),
                        by: .user(id, role), now: now),
                on: Profiles.self, stream: StreamName.profile(id), by: .user(id, role)
            )
            if index % 50 == 0 { progress?("demo: \(index)/\(users) users") }
        }
        try await seedNamedProfiles(logins: logins, now: now)
        try await seedMentoring(logins: logins, now: now)
        try await seedScholarships(logins: logins, now: now)
        try await seedCommunities()
        try await seedEvents()
    }

    mutating func register(email: String, first: String, last: String, role: Role, country: String, now: Date) async throws -> UUID {
        let id = SecureRandom.timeOrderedUUID()
        let token = platform.tokens.mailToken(userID: id, lifetime: TokenService.verificationLifetime, now: now)
        let registration = Identity.Account.Registration(
            userID: id, email: email, emailKey: platform.accounts.emailKey(email),
            password: NewPassword(plaintext: DemoData.password, hash: passwordHash),
            firstName: first, lastName: last, role: role, countryCode: country, verification: token.issued, now: now
        )
        _ = try await platform.commands.execute(by: nil) { (states: StreamStates) throws(Identity.Rejection) in
            let claim = StreamName.emailClaim(registration.emailKey)
            let decision = try Identity.register(registration, emailClaim: states.state(of: Identity.EmailClaim.self, stream: claim),
                                                 account: Identity.Account.initialState)
            return [StreamEvents(claim, decision.emailClaim), StreamEvents(StreamName.account(id), decision.account, expectedVersion: .noStream)]
        }
        _ = try await platform.commands.execute(.verifyEmail(tokenHash: token.issued.tokenHash, now: now), on: Identity.Account.self,
                                       stream: StreamName.account(id), by: nil)
        accounts.append(DemoAccount(id: id, role: role))
        return id
    }
}
