import EventLog
import EventSourcing
import Foundation

/// A deterministic generator of realistic ProTalent events: registrations, mentoring sessions,
/// community posts and scholarships as JSON of roughly 300–800 bytes, with UUIDs, names in several
/// languages and free text — the shape the log will really hold, so compression figures mean something.
struct Workload {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Reproducible across runs.
    mutating func next() -> UInt64 { generator.next() }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    mutating func uuid() -> String {
        let a = next(), b = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i))); bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])).uuidString.lowercased()
    }

    private static let firstNames = ["Aminata", "Moussa", "Fatou", "Ibrahima", "Awa", "Koffi", "Aïcha", "Jean-Baptiste", "Mariam", "Ousmane",
                                     "Chloé", "Yacouba", "Nadia", "Serge", "Adjoa", "Kwame", "Léa", "Mamadou", "Grace", "Hélène"]
    private static let lastNames = ["Diallo", "Traoré", "Ndiaye", "Kouassi", "Mensah", "Camara", "Sow", "Ouédraogo", "Mbemba", "Nkurunziza",
                                    "Okafor", "Dupont", "Keïta", "Touré", "Sané", "Baldé", "Abena", "Fofana", "Coulibaly", "Yao"]
    private static let cities = [("SN", "Dakar"), ("CI", "Abidjan"), ("CM", "Douala"), ("ML", "Bamako"), ("BF", "Ouagadougou"),
                                 ("BJ", "Cotonou"), ("TG", "Lomé"), ("CD", "Kinshasa"), ("MA", "Casablanca"), ("FR", "Lyon"), ("GH", "Accra")]
    private static let fields = ["informatique", "génie civil", "médecine", "data science", "économie", "droit des affaires",
                                 "agronomie", "finance", "énergies renouvelables", "marketing digital", "santé publique"]
    private static let words = ["bourse", "mentorat", "étudiant", "carrière", "stage", "entretien", "master", "projet", "réseau", "formation",
                                "candidature", "université", "opportunité", "compétences", "leadership", "entrepreneuriat", "scholarship",
                                "mentor", "internship", "application", "deadline", "community", "workshop", "conseil", "avenir", "Afrique",
                                "innovation", "recherche", "doctorat", "emploi", "orientation", "développement", "numérique", "expérience"]

    mutating func sentence(_ words: Int) -> String {
        var parts: [String] = []
        for _ in 0..<words { parts.append(pick(Self.words)) }
        var text = parts.joined(separator: " ")
        text = text.prefix(1).uppercased() + text.dropFirst() + "."
        return text
    }

    private func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }

    /// One event: its type name and JSON payload.
    mutating func event() -> (type: String, payload: [UInt8]) {
        let (country, city) = pick(Self.cities)
        switch next() % 4 {
        case 0:
            let first = pick(Self.firstNames), last = pick(Self.lastNames)
            return ("bench.account-registered", json([
                "userId": uuid(), "email": "\(first.lowercased()).\(last.lowercased())\(next() % 1000)@exemple.org",
                "firstName": first, "lastName": last, "role": pick(["student", "student", "student", "mentor"]),
                "countryCode": country, "city": city, "passwordHash": "$scrypt$ln=15,r=8,p=1$" + uuid() + "$" + uuid() + uuid(),
                "registeredAt": "2026-11-\(10 + next() % 18)T\(10 + next() % 12):\(10 + next() % 50):00Z",
            ]))
        case 1:
            return ("bench.session-requested", json([
                "sessionId": uuid(), "mentorId": uuid(), "menteeId": uuid(),
                "title": "Session: " + sentence(4), "description": sentence(18 + Int(next() % 20)),
                "scheduledAt": "2026-12-\(10 + next() % 18)T\(8 + next() % 9):00:00Z", "durationMinutes": pick([30, 45, 60, 90]),
            ]))
        case 2:
            return ("bench.post-published", json([
                "communityId": uuid(), "postId": uuid(), "authorId": uuid(),
                "title": sentence(5), "body": sentence(30 + Int(next() % 50)), "publishedAt": "2026-11-\(10 + next() % 18)T12:00:00Z",
            ]))
        default:
            return ("bench.scholarship-created", json([
                "scholarshipId": uuid(), "title": "Bourse " + pick(Self.fields) + " " + city, "provider": "Fondation " + pick(Self.lastNames),
                "description": sentence(25 + Int(next() % 30)), "amount": ["amount": "\(1000 + next() % 9000).00", "currency": pick(["EUR", "XOF", "USD"])],
                "deadline": "2027-0\(1 + next() % 9)-15", "eligibility": [
                    "educationLevels": [pick(["bachelor", "master", "phd"])], "fieldsOfStudy": [pick(Self.fields)],
                    "countries": [country], "requirements": [sentence(6)], "preferences": [sentence(5)],
                ],
            ]))
        }
    }

    /// A log dictionary of this workload's schema: `count` events drawn from their own seed (not
    /// the benchmark's events), encoded as records, as a deployment would build one from its
    /// event types and typical payloads.
    static func dictionary(samples count: Int = 96) -> LogDictionary {
        var samples = Workload(seed: 0x5EED_D1C7)
        return LogDictionary(samples: (0..<count).map { number in
            let (type, payload) = samples.event()
            return LogDictionary.Sample(stream: "bench-0-w\(number % 64)-\(number % 32)", type: type, actor: "bench", payload: payload)
        })
    }
}
