import Foundation

/// The `protalent` executable built beside the test bundle, for tests that drive the real binary.
public enum ProtalentBinary {
    /// Its path: the test runner lives in the same build products directory.
    public static var path: String {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent("protalent").path
    }

    /// Runs the binary to completion and returns its exit status and output.
    public static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(arguments, environment: [:])
    }

    /// Runs the binary to completion with `environment` added to this process's, and returns its
    /// exit status and output.
    public static func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(path, arguments, environment: environment)
    }
}
