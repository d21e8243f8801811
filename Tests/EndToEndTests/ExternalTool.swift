import Foundation

/// A checker the suite runs on the repository's files (promtool, hadolint, kubernetes-validate),
/// installed by `scripts/setup`: Debian's under /usr/bin, PyPI's in `.build/test-tools/observe-venv`.
struct ExternalTool {
    /// The repository's root.
    static let repository = URL(fileURLWithPath: ServerProcess.projectionsDirectory).deletingLastPathComponent().path

    /// A tool from the observability virtual environment (`scripts/observe-tools`).
    static func venv(_ name: String) -> ExternalTool {
        ExternalTool(path: repository + "/.build/test-tools/observe-venv/bin/" + name)
    }

    /// Debian's promtool (package `prometheus`).
    static let promtool = ExternalTool(path: "/usr/bin/promtool")

    /// The executable.
    let path: String

    /// Whether `scripts/setup` installed it.
    var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs it in the repository's root with `arguments` and `input` on its standard input; returns its
    /// exit status and its standard output and error together.
    func run(_ arguments: [String], input: String? = nil) async throws -> (status: Int32, output: String) {
        let path = self.path
        return try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: Self.repository)
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            let stdin = Pipe()
            process.standardInput = input == nil ? FileHandle.nullDevice : stdin
            try process.run()
            if let input {
                // Written from another thread: a large input fills the pipe while the tool writes its report.
                let writer = Thread {
                    stdin.fileHandleForWriting.write(Data(input.utf8))
                    try? stdin.fileHandleForWriting.close()
                }
                writer.start()
            }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }
}

/// Runs `body`, then stops `servers` (SIGTERM) whether it threw or not: a test's servers never
/// outlive it.
func stopping(_ servers: [ServerProcess], _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        for server in servers { await server.stop() }
        throw error
    }
    for server in servers { await server.stop() }
}
