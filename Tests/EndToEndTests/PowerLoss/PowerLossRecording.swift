import Foundation
import TestSupport

/// A workload recorded for the power-loss tests: a data directory watched by the LD_PRELOAD
/// recorder, its trace, and the acknowledgements the driver adds to that trace as answers arrive.
struct PowerLossRecording: Sendable {
    /// What the driver was told about one command: where its last event is, and what it must leave.
    struct Acknowledgement: Codable, Sendable, Equatable {
        /// `X-Log-Position` of the answer.
        var position: Int64
        /// The stream of the event at `position`.
        var stream: String
        /// The person the command concerned, when personal data must survive (or be gone).
        var person: String?
        /// A name only this person has, looked for in the read models.
        var name: String?
        /// The address a verification mail was promised to (registrations).
        var email: String?
        /// Whether the command erased the person.
        var erased = false
    }

    let root: TemporaryDirectory
    /// The watched data directory (its canonical path: the recorder compares resolved paths).
    let dataDirectory: String
    let tracePath: String
    /// The keys every process of the workload and of the checks shares.
    let keys: [String: String]

    init() throws {
        root = try TemporaryDirectory("protalent-powerloss")
        let canonical = URL(fileURLWithPath: root.path).resolvingSymlinksInPath().path
        dataDirectory = canonical + "/data"
        tracePath = canonical + "/trace"
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        func randomKey() -> String { Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() }
        keys = ["PROTALENT_SERVER_KEY": randomKey(), "PROTALENT_MASTER_KEY": randomKey()]
    }

    /// The environment of a recorded process: the recorder preloaded, watching the data directory.
    func recordedEnvironment(_ extra: [String: String] = [:]) throws -> [String: String] {
        keys.merging([
            "LD_PRELOAD": try Self.recorderLibrary(), "PROTALENT_CRASH_ROOT": dataDirectory, "PROTALENT_CRASH_TRACE": tracePath,
        ]) { $1 }.merging(extra) { $1 }
    }

    /// Runs `protalent ARGUMENTS` to completion under the recorder.
    func runRecorded(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let environment = try recordedEnvironment()
        return try await offPool { try ProtalentBinary.run(arguments, environment: environment) }
    }

    /// Notes in the trace that `acknowledgement`'s answer arrived.
    func acknowledge(_ acknowledgement: Acknowledgement) throws {
        let label = String(decoding: try JSONEncoder().encode(acknowledgement), as: UTF8.self)
        try CrashTrace.acknowledge(label, trace: tracePath)
    }

    /// The recording, parsed.
    func trace() throws -> CrashTrace {
        try CrashTrace(path: tracePath, root: dataDirectory)
    }

    /// The recorder library, compiled by `scripts/build-crash-recorder` when missing or stale.
    static func recorderLibrary() throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let build = try ChildProcess.run(repository.appendingPathComponent("scripts/build-crash-recorder").path, [])
        guard build.status == 0 else {
            throw TraceError(description: "scripts/build-crash-recorder failed (\(build.status)): \(build.stderr)")
        }
        return build.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
