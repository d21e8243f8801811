import Cryptography
import Domain
import EventSourcing
import Foundation

extension DemoSeeder {
    /// A registered demo account: its id and the role it registered with.
    struct DemoAccount {
        var id: UUID
        var role: Role
        var principal: Principal { .user(id, role) }
    }

    static let demoCommunities: [(name: String, description: String, category: Communities.Category, country: String?, city: String?, isPrivate: Bool)] = [
        ("Étudiants sénégalais en France", "Entraide pour les démarches, le logement et les stages.", .country, "SN", "Dakar", false),
        ("Data Science Afrique", "Projets, datasets et offres autour de la science des données.", .skill, nil, nil, false),
        ("Ingénieurs BTP Côte d'Ivoire", "Chantiers, normes et carrières dans le génie civil.", .professional, "CI", "Abidjan", false),
        ("Prépa concours médecine", "Groupe de travail fermé pour les concours de médecine.", .academic, "ML", "Bamako", true),
        ("Entrepreneuriat & startups", "Lever des fonds, trouver un associé, tester une idée.", .interest, nil, nil, false),
        ("Énergies renouvelables Sahel", "Solaire, stockage et micro-réseaux dans la région.", .professional, "BF", "Ouagadougou", false),
        ("Boursiers Master 2026", "Dossiers de bourse, lettres de motivation, retours d'entretien.", .academic, "CM", "Yaoundé", true),
        ("Développeurs mobiles Dakar", "Meetups et code review pour iOS, Android et Flutter.", .skill, "SN", "Dakar", false),
    ]

    static let demoPosts = [
        ("Bienvenue !", "Présentez-vous : votre parcours, vos objectifs, ce que vous cherchez ici."),
        ("Ressources utiles", "Je partage une liste de cours gratuits qui m'ont beaucoup aidé cette année."),
        (nil, "Quelqu'un a déjà candidaté à ce programme ? Les délais de réponse sont-ils longs ?"),
        ("Retour d'expérience", "Mon entretien s'est bien passé : préparez des exemples concrets de projets."),
        (nil, "Merci pour les conseils, j'ai enfin trouvé un stage !"),
        ("Atelier samedi", "Session de travail en ligne samedi à 10 h, lien dans les événements."),
    ]

    /// Communities across categories and countries, with members, posts, moderators, a removed
    /// spam post and its author banned, and pending requests to the private ones.
    mutating func seedCommunities() async throws {
        guard accounts.count >= 10 else { return }
        let start = platform.clock.now().addingTimeInterval(-45 * 86_400)
        for (index, spec) in Self.demoCommunities.enumerated() {
            let communityID = SecureRandom.timeOrderedUUID()
            let stream = StreamName.community(communityID)
            let owner = accounts[random.next(below: accounts.count)]
            var clock = start.addingTimeInterval(Double(index) * 3_600)
            func run(_ command: Communities.Command, _ principal: Principal) async throws {
                _ = try await platform.commands.execute(command, on: Communities.self, stream: stream, by: principal)
            }
            try await run(.create(communityID: communityID, Communities.Details(
                name: spec.name, description: spec.description, category: spec.category, countryCode: spec.country,
                city: spec.city, isPrivate: spec.isPrivate
            ), by: owner.principal, now: clock), owner.principal)
            var members: [DemoAccount] = []
            for _ in 0..<(4 + random.next(below: 8)) {
                let member = accounts[random.next(below: accounts.count)]
                guard member.id != owner.id, !members.contains(where: { $0.id == member.id }) else { continue }
                clock += 1_800
                try await run(.join(by: member.principal, now: clock), member.principal)
                if spec.isPrivate { try await run(.approveJoin(userID: member.id, by: owner.principal, now: clock + 600), owner.principal) }
                members.append(member)
            }
            if let moderator = members.first {
                try await run(.appointModerator(userID: moderator.id, by: owner.principal, now: clock + 60), owner.principal)
            }
            // Posts come days after the joins, past the newcomer limit.
            clock += 3 * 86_400
            for (number, author) in ([owner] + members.prefix(4)).enumerated() {
                let post = Self.demoPosts[(index + number) % Self.demoPosts.count]
                clock += Double(1_800 + random.next(below: 7_200))
                try await run(.post(postID: SecureRandom.timeOrderedUUID(), title: post.0, body: post.1, by: author.principal, now: clock), author.principal)
            }
            if index == 1, let troll = members.last, members.count > 2 {
                let spam = SecureRandom.timeOrderedUUID()
                try await run(.post(postID: spam, title: "PROMO", body: "Gagnez de l'argent facilement, cliquez ici !!!",
                                    by: troll.principal, now: clock + 60), troll.principal)
                try await run(.removePost(postID: spam, by: owner.principal, now: clock + 90), owner.principal)
                try await run(.ban(userID: troll.id, by: owner.principal, now: clock + 120), owner.principal)
            }
            if spec.isPrivate {
                // Two requests the owner has not answered yet.
                let candidates = accounts.suffix(8).filter { candidate in candidate.id != owner.id && !members.contains { $0.id == candidate.id } }
                for candidate in candidates.prefix(2) {
                    try await run(.join(by: candidate.principal, now: clock + 3_600), candidate.principal)
                }
            }
        }
        progress?("demo: \(Self.demoCommunities.count) communities")
    }
}
