import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An OpenID Connect provider on a free loopback port, as a real process: `oidc-provider-mock`
/// 0.3.4 (`scripts/oidc-provider-mock`, installed under `.build/test-tools/` by `scripts/setup`), or
/// `Tests/Tools/forged-oidc-provider.py` (run with that environment's python) whose id tokens a
/// test shapes (`POST /fault`).
final class OIDCProviderProcess: @unchecked Sendable {
    // @unchecked: the process handle is set once in `start()` before the instance is shared, then only read.
    static let venv = URL(fileURLWithPath: ServerProcess.projectionsDirectory).deletingLastPathComponent().path + "/.build/test-tools/oidc-venv"
    static let forgedScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Tools/forged-oidc-provider.py"
    /// Whether the tools are installed (the tests that need them are skipped otherwise).
    static var available: Bool { FileManager.default.isExecutableFile(atPath: venv + "/bin/oidc-provider-mock") }

    enum Kind { case mock, forged }

    let kind: Kind
    let directory: String
    private(set) var port = 0
    private var process: Process?

    /// The issuer URL.
    var issuer: String { "http://127.0.0.1:\(port)" }
    /// A client of the provider.
    var client: HTTPClient { HTTPClient(port: port) }

    init(_ kind: Kind, directory: String) {
        self.kind = kind
        self.directory = directory
    }

    /// Starts it and waits (inotify on its output file) for the line saying it listens.
    func start() async throws {
        port = try ServerProcess.freePort()
        let output = directory + "/oidc-\(kind)-\(port).txt"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        let ready: String
        switch kind {
        case .mock:
            process.executableURL = URL(fileURLWithPath: Self.venv + "/bin/oidc-provider-mock")
            process.arguments = ["-H", "127.0.0.1", "-p", String(port), "--require-nonce", "true"]
            ready = "running on http://127.0.0.1:\(port)"
        case .forged:
            process.executableURL = URL(fileURLWithPath: Self.venv + "/bin/python")
            process.arguments = [Self.forgedScript, String(port)]
            ready = "listening on \(port)"
        }
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: output)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        try await offPool {
            _ = try DirectoryWatch.wait(in: self.directory, timeout: .seconds(120)) { () -> Bool? in
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                if !process.isRunning { throw ServerFailure(description: "the OIDC provider exited: \(text.suffix(2_000))") }
                return text.lowercased().contains(ready) ? true : nil
            }
        }
    }

    /// Ends it.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
