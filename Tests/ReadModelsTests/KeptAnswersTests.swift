import Domain
import Foundation
import ReadModels
import Testing

/// What recommendations keep between requests (a career's next steps, the items a phrase
/// mentions: `GenerationCache`) never outlives a change of the read model: a mentor, an event or a
/// scholarship added, changed or closed after a first answer is in, or out of, the next one.
@Suite struct KeptAnswersTests {
    static let student = Profiles.ProfileUpdate(currentEducationLevel: .master, fieldOfStudy: "Énergie", interests: ["Énergie solaire"])

    @Test(.timeLimit(.minutes(5))) func careersAndMentionsFollowTheModelAfterTheFirstAnswer() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let me = try await world.user("Awa", "Diallo", Self.student)
        let first = try await world.mentor("Kofi", "Mensah", expertise: ["Énergie solaire"])
        var discovery = try await world.discovery()
        func steps() throws -> Set<String> {
            let career = try #require(try discovery.careers(for: me, now: world.now, limit: 1).items.first)
            #expect(career.id == "renewable-energy-engineer")
            return Set(try #require(career.nextSteps).map(\.id))
        }
        func id(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }
        #expect(try steps() == [id(first)])
        #expect(try steps() == [id(first)])  // the kept answer

        // New items in that direction: the next answer has them.
        let event = try await world.event("Atelier énergie solaire", inDays: 3)
        let scholarship = try await world.scholarship("Bourse énergie", description: "Pour l'énergie solaire.")
        discovery = try await world.discovery()
        #expect(try steps() == [id(first), id(event), id(scholarship)])
        let recommended = try discovery.scholarships(for: me, now: world.now).items
        #expect(recommended.first?.id == id(scholarship))
        #expect(recommended.first?.reasons.contains { $0.contains("Énergie solaire") } == true)  // the phrase it mentions

        // Changed: the scholarship closed, a second mentor in the field; the kept answers are not reused.
        _ = try await world.decide(Scholarships.self, "scholarship-\(scholarship)", .close(by: .user(world.admin, .admin), now: world.now))
        let second = try await world.mentor("Ama", "Owusu", expertise: ["Énergie solaire", "Climat"])
        discovery = try await world.discovery()
        #expect(try steps() == [id(first), id(second), id(event)])
        #expect(try discovery.scholarships(for: me, now: world.now).items.isEmpty)
    }
}
