import Domain
import EventLog
import EventSourcing
import Foundation
import GRDB
import ReadModels
import Testing
import TestSupport

/// Pins replay: the committed log in `snapshots/` must still verify and decode, today's writer must
/// produce it byte for byte from the same commands, and today's projections must turn it into the
/// committed rows. Regenerate on purpose with
/// `PROTALENT_REGENERATE_GOLDEN=1 swift test --filter GoldenReplayTests`.
@Suite(.serialized) struct GoldenReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let golden = root.appendingPathComponent("snapshots")
    static let goldenSegment = golden.appendingPathComponent("log/00000000000000000001.seg")
    static var regenerate: Bool { ProcessInfo.processInfo.environment["PROTALENT_REGENERATE_GOLDEN"] == "1" }

    /// The fixed history: an admin publishes three scholarships, updates one, closes another; plus
    /// an operator event with full metadata. Fixed clock and sequential ids make it deterministic.
    static func buildLog(in directory: String) async throws {
        var options = EventLogOptions()
        options.clock = { 1_790_000_000_000_000 }
        let log = try EventLog.open(directory: directory, options: options)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let store = EventStore(log: log, options: EventStore.Options(snapshotInterval: 0), clock: .fixed(now), ids: .sequential())
        let admin = IdGenerator.sequentialId(1_000)
        let metadata = EventMetadata(correlationId: IdGenerator.sequentialId(2_000), actor: admin.uuidString.lowercased())
        let titles = ["Bourse d'excellence Sénégal", "Master en énergies renouvelables", "Doctorat santé publique"]
        for (index, title) in titles.enumerated() {
            let details = Scholarships.Details(
                title: title, description: "Financement complet pour étudiants africains: \(title).", provider: "Fondation Avenir",
                amount: index == 1 ? nil : Money(amount: "\(1500 * (index + 1)).00", currency: "EUR"),
                applicationFee: index == 2 ? Money(amount: "25.00", currency: "EUR") : nil,
                deadline: now.addingTimeInterval(Double(30 + index * 30) * 86_400), applicationUrl: "https://example.org/apply/\(index)",
                eligibility: .init(educationLevels: index == 0 ? [] : [.master], fieldsOfStudy: index == 1 ? ["énergie"] : [],
                                   countries: index == 0 ? ["SN", "CI"] : [], requirements: ["Dossier complet"], preferences: ["Projet social"])
            )
            _ = try await store.handle(.create(scholarshipID: IdGenerator.sequentialId(UInt64(100 + index)), details, by: .user(admin, .admin), now: now),
                                       to: Scholarships.self, stream: "scholarship-\(index)", metadata: metadata)
        }
        let updated = Scholarships.Details(title: "Master en énergies renouvelables (2027)", description: "Mise à jour.", provider: "Fondation Avenir",
                                           deadline: now.addingTimeInterval(90 * 86_400))
        _ = try await store.handle(.update(updated, by: .user(admin, .admin), now: now), to: Scholarships.self, stream: "scholarship-1", metadata: metadata)
        _ = try await store.handle(.close(by: .user(admin, .admin), now: now), to: Scholarships.self, stream: "scholarship-2", metadata: metadata)
        _ = try await log.append(to: "operations", events: [ProposedEvent(
            eventId: IdGenerator.sequentialId(3_000), type: "operations.note",
            metadata: EventMetadata(correlationId: IdGenerator.sequentialId(3_001), causationId: IdGenerator.sequentialId(3_002), actor: "operator"),
            payload: Array(#"{"note":"golden log"}"#.utf8)
        )])
        log.close()
    }

    /// Every user table of every projection, rows sorted, as text.
    static func dumpProjections(logDirectory: String) async throws -> [String: String] {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let log = try EventLog.openReadOnly(directory: logDirectory)
        let set = try ProjectionSet(projectionsDirectory: root.appendingPathComponent("projections"), dataDirectory: data.url,
                                    log: log, keyStore: nil)
        try await set.rebuild()
        var dumps: [String: String] = [:]
        for (name, storage) in set.databases {
            dumps[name] = try storage.read { db -> String in
                // FTS5 tables are dumped through their virtual table; their shadow tables hold binary index pages.
                let tables = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
                var text = ""
                for table in tables {
                    let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
                    text += "## \(table)\n"
                    text += rows.map { row in row.columnNames.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: " | ") }.sorted().joined(separator: "\n")
                    text += "\n"
                }
                return text
            }
        }
        return dumps
    }

    @Test func theCommittedLogStillVerifiesDecodesAndIsWhatTodaysWriterProduces() async throws {
        let fresh = try TemporaryDirectory()
        defer { fresh.remove() }
        try await Self.buildLog(in: fresh.path)
        let produced = try Data(contentsOf: URL(fileURLWithPath: fresh.path + "/00000000000000000001.seg"))
        if Self.regenerate {
            try FileManager.default.createDirectory(at: Self.goldenSegment.deletingLastPathComponent(), withIntermediateDirectories: true)
            try produced.write(to: Self.goldenSegment)
        }
        let committed = try Data(contentsOf: Self.goldenSegment)
        #expect(produced == committed, "today's writer no longer produces the committed log: a format change? regenerate on purpose (see snapshots/README.md)")
        let directory = Self.goldenSegment.deletingLastPathComponent().path
        let report = try LogVerifier.verify(directory: directory)
        #expect(report.isIntact && report.events == 6 && report.tornTail == nil)
        let events = try EventLog.openReadOnly(directory: directory).read(from: 1)
        #expect(events.map(\.type) == ["scholarships.scholarship-created", "scholarships.scholarship-created", "scholarships.scholarship-created",
                                       "scholarships.scholarship-updated", "scholarships.scholarship-closed", "operations.note"])
        let codec = EventCodec()
        let first = try codec.decode(Scholarships.Event.self, from: events[0])
        guard case .created(let published) = first else { Issue.record("expected a creation"); return }
        #expect(published.title == "Bourse d'excellence Sénégal")
    }

    @Test func todaysProjectionsTurnTheCommittedLogIntoTheCommittedRows() async throws {
        let dumps = try await Self.dumpProjections(logDirectory: Self.goldenSegment.deletingLastPathComponent().path)
        #expect(Set(dumps.keys) == ["audit", "matching", "scholarships", "search"])
        for (name, dump) in dumps {
            let file = Self.golden.appendingPathComponent("\(name).rows.txt")
            if Self.regenerate { try Data(dump.utf8).write(to: file) }
            let committed = try String(contentsOf: file, encoding: .utf8)
            #expect(dump == committed, "projection \(name) no longer produces the committed rows; regenerate on purpose if intended")
        }
    }
}
