import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import GRDB
import Logging
import Projections
import ReadModels

/// `protalent bench search`: search and recommendation latency over a generated platform of N
/// documents, indexed by the repository's `search.sql` and `matching.sql`.
struct BenchSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Index N realistic documents through the projections, then time a search query mix and recommendation requests."
    )

    @Option(help: "Documents to generate (people, mentors, communities, posts, events, scholarships).") var documents: Int = 100_000
    @Option(help: "Rounds over the query mix.") var rounds: Int = 5
    @Option(help: "Students whose recommendations are timed.") var students: Int = 50
    @Option(help: "The directory of projection .sql files.") var projections: String = "./projections"
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Also write the search model and the query mix to this directory, for scripts/load/search-peers.") var export: String?

    func validate() throws {
        guard documents >= 100, rounds >= 1, students >= 1 else { throw ValidationError("--documents must be at least 100, --rounds and --students at least 1") }
    }

    /// Latency percentiles of one kind of request, in milliseconds: wall time, and the process's
    /// CPU time (steadier on a shared machine, where wall time also counts waiting for a core).
    struct Latency: Codable {
        var requests: Int
        var p50Millis: Double
        var p99Millis: Double
        var maxMillis: Double
        var cpuP50Millis: Double
        var cpuP99Millis: Double

        init(_ samples: [Sample]) {
            let wall = samples.map(\.wall).sorted(), cpu = samples.map(\.cpu).sorted()
            func percentile(_ values: [Double], _ p: Int) -> Double { values.isEmpty ? 0 : values[min(values.count - 1, values.count * p / 100)] }
            requests = samples.count
            p50Millis = percentile(wall, 50)
            p99Millis = percentile(wall, 99)
            maxMillis = wall.last ?? 0
            cpuP50Millis = percentile(cpu, 50)
            cpuP99Millis = percentile(cpu, 99)
        }

        func line(_ name: String) -> String {
            "\(name): p50 \(formatted(p50Millis, digits: 2)) ms, p99 \(formatted(p99Millis, digits: 2)) ms (CPU p50 "
                + "\(formatted(cpuP50Millis, digits: 2)) ms, p99 \(formatted(cpuP99Millis, digits: 2)) ms) over \(requests) requests"
        }
    }

    /// One request's wall and CPU time, in milliseconds.
    struct Sample {
        var wall: Double
        var cpu: Double

        /// Times `body`.
        static func of(_ body: () throws -> Void) rethrows -> Sample {
            func cpuNow() -> Double {
                var time = timespec()
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
                return Double(time.tv_sec) * 1_000 + Double(time.tv_nsec) / 1_000_000
            }
            let cpu = cpuNow()
            let start = ContinuousClock.now
            try body()
            return Sample(wall: (ContinuousClock.now - start).seconds * 1_000, cpu: cpuNow() - cpu)
        }
    }

    struct Report: Codable {
        var documents: Int
        var events: Int64
        var indexSeconds: Double
        var search: Latency
        var searchByClass: [String: Latency]
        var recommendations: [String: Latency]
        var cores: Int
        var loadAverage: Double
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-bench-search-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let progress = !json && isatty(STDERR_FILENO) == 1
        var options = EventLogOptions()
        options.durability = .unsafeNoSync // generating the log is set-up, not what is measured
        let log = try EventLog.open(directory: scratch.path + "/log", options: options)
        defer { log.close() }
        let keys = try KeyStore(dataDirectory: scratch, environment: [:])
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        var corpus = PlatformCorpus(seed: 2026, codec: EventCodec(cipher: KeyStoreCipher(keyStore: keys)), now: now)
        try await corpus.generate(documents: documents, into: log, progress: progress)

        var logger = Logger(label: "protalent.bench")
        logger.logLevel = .warning
        let set = try ProjectionSet(projectionsDirectory: URL(fileURLWithPath: projections), dataDirectory: scratch, log: log, keyStore: keys, logger: logger)
        let begin = ContinuousClock.now
        try await set.rebuild(["search", "matching"])
        let indexSeconds = (ContinuousClock.now - begin).seconds
        guard let search = set.databases["search"], let matching = set.databases["matching"] else { throw ReadModelError.unknown("search") }
        let discovery = Discovery(search: search, matching: matching)

        // The query mix: text of every shape (words, prefixes, accents, phrases, hostile input), per kind
        // and across kinds, with and without filters, as an anonymous visitor and as a member.
        let texts = ["bourse", "boursé", "informatique", "énergie solaire", "sante publique", "inf", "data", "master bourse", "Diallo",
                     "\"génie civil\"", "((NEAR* \"bourse", "leadership -stage", "mentorat carrière", "développement web", "climat"]
        var requests: [(String, SearchRequest)] = []
        for text in texts {
            requests.append(("text, all kinds", SearchRequest(text: text)))
            requests.append(("text, one kind", SearchRequest(text: text, kinds: [.scholarship], filters: .init(open: true))))
            requests.append(("text, one kind", SearchRequest(text: text, kinds: [.person])))
            requests.append(("text + filters", SearchRequest(text: text, kinds: [.event], filters: .init(from: now, online: true))))
        }
        requests += [
            ("filtered list", SearchRequest(kinds: [.scholarship], filters: .init(country: "SN", level: "master", open: true))),
            ("filtered list", SearchRequest(kinds: [.event], filters: .init(from: now, to: now.addingTimeInterval(30 * 86_400)))),
            ("filtered list", SearchRequest(kinds: [.person], filters: .init(country: "CI", field: "Informatique", role: "student"))),
            ("filtered list", SearchRequest(kinds: [.community], filters: .init(category: "academic"))),
            ("filtered list", SearchRequest(kinds: [.mentor], filters: .init(language: "en"))),
            ("filtered list", SearchRequest(kinds: [.post])),
        ]
        if let export { try Self.export(search, requests: requests, now: now, to: export) }
        let member = SearchViewer(userID: corpus.students.first)
        var samples: [Sample] = []
        var byClass: [String: [Sample]] = [:]
        for round in 0..<rounds {
            for (index, (name, request)) in requests.enumerated() {
                let viewer = (round + index) % 2 == 0 ? SearchViewer.anonymous : member
                let sample = try Sample.of { _ = try discovery.search(request, viewer: viewer, now: now) }
                samples.append(sample)
                byClass[name, default: []].append(sample)
            }
        }

        var recommendations: [String: [Sample]] = [:]
        let messages = ["Je cherche un mentor en data science", "Quelles bourses pour un master en informatique ?", "events about climate"]
        for (index, student) in corpus.students.prefix(students).enumerated() {
            let timed: [(String, () throws -> Void)] = [
                ("scholarships", { _ = try discovery.scholarships(for: student, now: now) }),
                ("mentors", { _ = try discovery.mentors(for: student, now: now) }),
                ("careers", { _ = try discovery.careers(for: student, now: now) }),
                ("insights", { _ = try discovery.insights(for: student, now: now) }),
                ("chat", { _ = try discovery.answer(message: messages[index % messages.count], for: SearchViewer(userID: student), now: now) }),
            ]
            for (name, body) in timed {
                recommendations[name, default: []].append(try Sample.of(body))
            }
        }

        let report = Report(
            documents: documents, events: log.head, indexSeconds: indexSeconds, search: Latency(samples),
            searchByClass: byClass.mapValues(Latency.init), recommendations: recommendations.mapValues(Latency.init),
            cores: ProcessInfo.processInfo.activeProcessorCount, loadAverage: Self.loadAverage()
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("conditions: \(documents) documents (\(log.head) events through the real deciders and codec), search.sql + matching.sql, "
              + "\(report.cores) cores (load average \(formatted(report.loadAverage, digits: 2))), \(rounds) rounds of \(requests.count) searches (facets on), \(min(students, corpus.students.count)) students")
        print("index (rebuild of search and matching): \(formatted(indexSeconds, digits: 2)) s, \(formatted(Double(log.head) / indexSeconds, digits: 0)) events/s")
        print(report.search.line("search, all queries"))
        for name in byClass.keys.sorted() { print(report.searchByClass[name]!.line("  \(name)")) }
        for name in recommendations.keys.sorted() { print(report.recommendations[name]!.line("recommendation \(name)")) }
    }

    /// What `scripts/load/search-peers` needs to run the same searches on the same documents:
    /// `search.sqlite` (a copy of the live model) and `queries.json` (each search of the mix as
    /// `PortableSearch`, with its class).
    static func export(_ search: SQLiteProjectionStorage, requests: [(String, SearchRequest)], now: Date, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let reader = search.reader else { throw ReadModelError.notBuilt("search") }
        try reader.backup(to: DatabaseQueue(path: directory + "/search.sqlite"))
        var list: [[String: Any]] = []
        for (name, request) in requests {
            guard var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(PortableSearch(request))) as? [String: Any] else { continue }
            object["class"] = name
            list.append(object)
        }
        let mix: [String: Any] = ["now": PortableSearch.stored(now), "requests": list]
        try JSONSerialization.data(withJSONObject: mix, options: [.sortedKeys]).write(to: URL(fileURLWithPath: directory + "/queries.json"))
    }

    /// The one-minute load average: how shared the machine was while measuring.
    static func loadAverage() -> Double {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : 0
    }
}
