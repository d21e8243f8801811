import Foundation
import Testing
import TestSupport

/// `protalent bench search` end to end on a small platform: it indexes through the repository's
/// projections and reports every figure (the figures themselves are not asserted: no timing in tests).
@Suite struct BenchSearchCommandTests {
    static let projections = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("projections").path

    @Test func reportsSearchAndEveryRecommendationAsJSON() throws {
        let result = try ProtalentBinary.run([
            "bench", "search", "--documents", "300", "--rounds", "1", "--students", "3", "--projections", Self.projections, "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["documents"] as? Int == 300)
        #expect((report["events"] as? Int ?? 0) > 300)
        let search = try #require(report["search"] as? [String: Any])
        #expect(search["requests"] as? Int == 66)
        let recommendations = try #require(report["recommendations"] as? [String: Any])
        #expect(Set(recommendations.keys) == ["scholarships", "mentors", "careers", "insights", "chat"])
        let byClass = try #require(report["searchByClass"] as? [String: Any])
        #expect(Set(byClass.keys) == ["text, all kinds", "text, one kind", "text + filters", "filtered list"])
    }

    @Test func refusesATooSmallPlatform() throws {
        let result = try ProtalentBinary.run(["bench", "search", "--documents", "10"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--documents must be at least 100"))
    }
}
