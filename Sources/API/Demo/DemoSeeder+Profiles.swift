import Domain
import EventSourcing
import Foundation

/// Demo profiles: every demo person has a full one — level, field, goals, interests, languages,
/// skills, experience, city — varied by their place in the list, so every console page and every
/// recommendation (awa.diop's scholarships among them) shows something real on the first run.
///
/// The variety comes from the index, not from the seeded generator, so the rest of the demo (drawn
/// from that generator) stays what it was.
extension DemoSeeder {
    static let cities: [String: String] = [
        "SN": "Dakar", "CI": "Abidjan", "ML": "Bamako", "BF": "Ouagadougou", "CM": "Douala", "BJ": "Cotonou", "TG": "Lomé",
        "GN": "Conakry", "MA": "Casablanca", "TN": "Tunis", "CD": "Kinshasa", "GA": "Libreville", "FR": "Lyon", "BE": "Bruxelles",
        "CA": "Montréal", "GH": "Accra", "NG": "Lagos",
    ]

    static let skillsByField: [String: [String]] = [
        "Computer Science": ["Swift", "Python", "SQL", "Algorithmique"], "Medicine": ["Diagnostic clinique", "Épidémiologie", "Premiers secours"],
        "Economics": ["Économétrie", "Stata", "Analyse de politiques"], "Civil Engineering": ["AutoCAD", "Béton armé", "Gestion de chantier"],
        "Law": ["Droit OHADA", "Rédaction juridique", "Droit des contrats"], "Agronomy": ["Agroécologie", "Irrigation", "SIG"],
        "Data Science": ["Python", "Machine learning", "Statistiques", "SQL"], "Finance": ["Modélisation financière", "Excel", "Microfinance"],
        "Public Health": ["Santé communautaire", "R", "Épidémiologie"], "Renewable Energy": ["Solaire photovoltaïque", "Mini-réseaux", "Efficacité énergétique"],
    ]

    static let organizations = ["Orange Digital Center", "Sonatel", "Ecobank", "Institut Pasteur de Dakar", "Wave", "Jumia", "ONG Tostan",
                                "Banque mondiale", "MTN", "Africa Rice"]

    /// The full profile of the `index`-th generated person.
    static func demoProfile(index: Int, first: String, field: String, role: Role, country: String, level: EducationLevel) -> Profiles.ProfileUpdate {
        let skills = skillsByField[field] ?? ["Gestion de projet"]
        let levels: [SkillLevel] = [.intermediate, .advanced, .beginner, .expert]
        let organization = organizations[index % organizations.count]
        let languages: [Profiles.Language] = [
            Profiles.Language(code: "fr", level: .native),
            Profiles.Language(code: "en", level: [.b1, .b2, .c1, .intermediate][index % 4]),
        ] + (index % 3 == 0 ? [Profiles.Language(code: "wo", level: .fluent)] : [])
        let year = 2018 + index % 6
        let experience = role == .mentor
            ? [Profiles.Experience(title: "Responsable \(field)", organization: organization, startDate: "\(year)-01",
                                   description: "Encadre une équipe et accompagne de jeunes diplômés.")]
            : [Profiles.Experience(title: "Stage — \(field)", organization: organization, startDate: "\(year + 2)-06", endDate: "\(year + 2)-09",
                                   description: "Stage d'été en \(field.lowercased()).")]
        return Profiles.ProfileUpdate(
            bio: role == .mentor
                ? "\(first), professionnel·le en \(field) chez \(organization) ; j'aide les étudiants à préparer leur carrière."
                : "\(first), étudiant·e en \(field) ; je cherche une bourse et un mentor pour la suite.",
            currentEducationLevel: level, fieldOfStudy: field,
            careerGoals: ["Carrière en \(field)", index % 2 == 0 ? "Master à l'étranger" : "Créer une entreprise"],
            interests: [field, ["Entrepreneuriat", "Bénévolat", "Numérique", "Recherche"][index % 4]],
            languages: languages,
            skills: skills.enumerated().map { Profiles.Skill(name: $1, level: levels[(index + $0) % levels.count]) },
            experience: experience, countryCode: country, city: cities[country]
        )
    }

    /// The profiles of the three demo logins: the student with what her scholarship
    /// recommendations match on (a bachelor's in computer science in Senegal).
    mutating func seedNamedProfiles(logins: DemoData.Logins, now: Date) async throws {
        let named: [(email: String, role: Role, update: Profiles.ProfileUpdate)] = [
            (logins.student, .student, Profiles.ProfileUpdate(
                bio: "Étudiante en licence d'informatique à l'UCAD, passionnée de données et de développement mobile.",
                currentEducationLevel: .bachelor, fieldOfStudy: "Computer Science",
                careerGoals: ["Data scientist", "Master en intelligence artificielle"], interests: ["Computer Science", "Data Science", "Numérique"],
                languages: [Profiles.Language(code: "fr", level: .native), Profiles.Language(code: "wo", level: .native), Profiles.Language(code: "en", level: .b2)],
                skills: [Profiles.Skill(name: "Python", level: .advanced), Profiles.Skill(name: "SQL", level: .intermediate),
                         Profiles.Skill(name: "Swift", level: .beginner)],
                experience: [Profiles.Experience(title: "Stage développeuse", organization: "Orange Digital Center", startDate: "2026-06",
                                                 endDate: "2026-09", description: "Application mobile de suivi des cultures.")],
                countryCode: "SN", city: "Dakar"
            )),
            (logins.mentor, .mentor, Profiles.ProfileUpdate(
                bio: "Ingénieur logiciel depuis douze ans ; j'accompagne les étudiants vers les métiers du numérique.",
                currentEducationLevel: .master, fieldOfStudy: "Computer Science",
                careerGoals: ["Transmettre", "Créer une école de code"], interests: ["Computer Science", "Entrepreneuriat"],
                languages: [Profiles.Language(code: "fr", level: .native), Profiles.Language(code: "en", level: .c1)],
                skills: [Profiles.Skill(name: "Architecture logicielle", level: .expert), Profiles.Skill(name: "Swift", level: .expert)],
                experience: [Profiles.Experience(title: "Directeur technique", organization: "Wave", startDate: "2019-03")],
                countryCode: "SN", city: "Dakar"
            )),
            (logins.admin, .admin, Profiles.ProfileUpdate(
                bio: "Équipe ProTalent : modération, bourses et accompagnement des utilisateurs.", fieldOfStudy: "Public Health",
                languages: [Profiles.Language(code: "fr", level: .native), Profiles.Language(code: "en", level: .fluent)],
                countryCode: "SN", city: "Dakar"
            )),
        ]
        for person in named {
            guard let id = try platform.accounts.userID(forEmail: person.email) else { continue }
            _ = try await platform.commands.execute(
                .update(userID: id, person.update, by: .user(id, person.role), now: now),
                on: Profiles.self, stream: StreamName.profile(id), by: .user(id, person.role)
            )
        }
    }
}
