import Foundation
import Testing
import TestSupport

/// Power loss, not process death: a workload runs under the LD_PRELOAD recorder, and the states a
/// disk could hold after a power cut at any of its sync points are rebuilt and checked with the real
/// binary (docs/testing.md, "Power-loss testing").
@Suite(.serialized) struct PowerLossTests {
    /// Crash states per run: 200 in CI; `PROTALENT_CRASH_STATES=long` (or `PROTALENT_LONG_TESTS=1`)
    /// 2,000; a number sets it.
    static let stateCount: Int = {
        let environment = ProcessInfo.processInfo.environment
        switch environment["PROTALENT_CRASH_STATES"] {
        case "long": return 2_000
        case let value?: return Int(value) ?? 200
        case nil: return environment["PROTALENT_LONG_TESTS"] == "1" ? 2_000 : 200
        }
    }()
    /// Every this many states (and the second: the power cut at the end with everything kept), the
    /// check also serves the state (recovery by the writer, the mail
    /// queue, the erasure job) and compares the read models with a rebuild.
    static let thoroughEvery = 20
    /// The sampling seed (`PROTALENT_CRASH_SEED` replays another draw).
    static let seed: UInt64 = ProcessInfo.processInfo.environment["PROTALENT_CRASH_SEED"].flatMap { UInt64($0) } ?? 20_261_208

    @Test(.timeLimit(.minutes(60))) func noCrashStateOfTheWorkloadLosesAnAcknowledgedCommand() async throws {
        let recording = try PowerLossRecording()
        defer { recording.root.remove() }
        try await PowerLossWorkload.run(recording)
        let trace = try recording.trace()
        // The recording covers what the workload meant to exercise.
        let touched = Set(trace.operations.compactMap { operation -> String? in
            if case .write(_, let path, _, _, _) = operation { return path.split(separator: "/").first.map(String.init) }
            return nil
        })
        #expect(touched.isSuperset(of: ["log", "keys", "readmodels", "mail", "snapshots"]), "written under: \(touched.sorted())")
        let segments = try FileManager.default.contentsOfDirectory(atPath: recording.dataDirectory + "/log").filter { $0.hasSuffix(".seg") }
        #expect(segments.count >= 3, "segments rolled: \(segments.sorted())")
        let acknowledgements = trace.operations.filter { if case .acknowledged = $0 { true } else { false } }.count
        #expect(acknowledgements == 19, "acknowledgements recorded: \(acknowledgements)")

        let started = Date()
        let result = try await Self.explore(recording, trace: trace, count: Self.stateCount)
        print("power loss: \(result.checked) crash states at \(result.cuts) sync points of \(trace.operations.count) recorded calls "
              + "(seed \(Self.seed)), \(Int(Date().timeIntervalSince(started))) s")
        #expect(result.failures.isEmpty, "\(result.failures.count) of \(result.checked) crash states failed:\n\(result.failures.prefix(8).joined(separator: "\n"))")
    }

    /// With the log's group-commit fdatasync left out (a debug-build switch), the tester must find
    /// an acknowledged command that a power loss takes away.
    @Test func aRemovedLogFsyncIsCaught() async throws {
        let recording = try PowerLossRecording()
        defer { recording.root.remove() }
        let server = ServerProcess(
            dataDirectory: recording.dataDirectory,
            environment: try recording.recordedEnvironment(["PROTALENT_TEST_OMIT_FSYNC": "append"])
        )
        try await server.start()
        for index in 0..<3 {
            let name = "Omitted" + String(Array("abc")[index])
            let email = uniqueEmail("omitted")
            let answer = try await server.register(email, firstName: name, lastName: "Crash")
            try #require(answer.status == 201, "register: \(answer)")
            let id = try #require(answer.object["userId"] as? String)
            try recording.acknowledge(.init(position: try #require(answer.logPosition), stream: "account-\(id)", person: id, name: name, email: email))
        }
        await server.kill()
        let trace = try recording.trace()
        var model = CrashStateModel(trace: trace)
        let checker = PowerLossChecker(reference: try await PowerLossChecker.entries(dataDirectory: recording.dataDirectory), keys: recording.keys)
        let directory = recording.root.path + "/state"
        let state = try model.materialize(cut: trace.operations.count, variant: .syncedOnly, into: directory)
        let problems = try await checker.check(directory, acknowledgements: state.acknowledgements, thorough: false)
        #expect(problems.contains { $0.hasPrefix("acknowledged command lost") }, "the tester missed the removed fsync: \(problems)")
    }

    /// Checks `count` crash states of `trace`: the power cut at the end with nothing unsynced kept
    /// and with everything kept, then seeded draws of a sync point and a variant.
    static func explore(
        _ recording: PowerLossRecording, trace: CrashTrace, count: Int
    ) async throws -> (checked: Int, cuts: Int, failures: [String]) {
        var model = CrashStateModel(trace: trace)
        let checker = PowerLossChecker(reference: try await PowerLossChecker.entries(dataDirectory: recording.dataDirectory), keys: recording.keys)
        let cuts = model.cutPoints
        var random = SplitMix64(seed: seed)
        var plan: [(cut: Int, variant: CrashStateModel.Variant, thorough: Bool)] = [
            (cuts[cuts.count - 1], .syncedOnly, true), (cuts[cuts.count - 1], .everything, true),
        ]
        while plan.count < count {
            let cut = cuts[Int(random.next() % UInt64(cuts.count))]
            let thorough = plan.count % thoroughEvery == 0
            switch plan.count % 3 {
            case 0: plan.append((cut, .syncedOnly, thorough))
            case 1: plan.append((cut, .everything, thorough))
            default: plan.append((cut, .sampled(seed: random.next()), thorough))
            }
        }
        // In cut order, so building the states takes one pass over the trace.
        plan.sort { $0.cut < $1.cut }
        // Three states are checked at a time: most of a check is waiting for a child process.
        var failures: [String] = []
        try await withThrowingTaskGroup(of: String?.self) { group in
            var inFlight = 0
            for (index, entry) in plan.enumerated() {
                let directory = recording.root.path + "/state-\(index)"
                let state = try model.materialize(cut: entry.cut, variant: entry.variant, into: directory)
                if inFlight == 3, let finished = try await group.next() {
                    if let failure = finished { failures.append(failure) }
                    inFlight -= 1
                }
                group.addTask {
                    let problems = try await checker.check(directory, acknowledgements: state.acknowledgements, thorough: entry.thorough)
                    try? FileManager.default.removeItem(atPath: directory)
                    return problems.isEmpty ? nil : "state \(index) (\(state.summary)): \(problems.joined(separator: "; "))"
                }
                inFlight += 1
            }
            for try await finished in group {
                if let failure = finished { failures.append(failure) }
            }
        }
        return (plan.count, cuts.count, failures)
    }
}
