import API
import ArgumentParser
import EventLog
import Foundation

/// `protalent demo`: fills an empty data directory with the demo data set, without serving.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Fill an empty log with a realistic demo data set."
    )

    @OptionGroup var data: DataDirectoryOptions

    @Option(help: "How many users to create.")
    var users = 300

    @Option(name: .customLong("projections"), help: "The directory of .sql projections.")
    var projectionsDirectory = "./projections"

    func run() async throws {
        let platform = try Platform(Platform.Configuration(
            dataDirectory: URL(fileURLWithPath: data.dataDirectory), projectionsDirectory: URL(fileURLWithPath: projectionsDirectory)
        ))
        defer { platform.close() }
        guard platform.log.head == 0 else {
            throw ValidationError("\(data.dataDirectory) already holds \(platform.log.head) events; the demo only fills an empty log")
        }
        let report: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let logins = try await DemoData.seedIfEmpty(platform, users: users, progress: isatty(STDERR_FILENO) == 1 ? report : nil)
        print("demo data written: \(platform.log.head) events in \(data.dataDirectory)")
        print("student: \(logins.student)  mentor: \(logins.mentor)  admin: \(logins.admin)  password: \(DemoData.password)")
    }
}
