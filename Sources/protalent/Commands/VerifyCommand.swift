import ArgumentParser
import EventLog
import Foundation

/// `protalent verify`: every checksum and the whole hash chain.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and the hash chain of the log.",
        discussion: "Exit 0 when intact (a torn final batch is a recoverable warning), 1 on corruption or a broken chain."
    )

    @OptionGroup var data: DataDirectoryOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: data.logDirectory) else {
            throw ValidationError("no log at \(data.logDirectory)")
        }
        var progress = Progress()
        let report: VerificationReport
        do {
            report = try LogVerifier.verify(directory: data.logDirectory) { events in
                progress.update("verified \(events) events")
            }
        } catch {
            progress.finish()
            printError("error: \(error)")
            throw ExitCode(2)
        }
        progress.finish()
        print("segments: \(report.segments)")
        print("batches: \(report.batches)")
        print("events checked: \(report.events)")
        print("head chain hash: \(report.headChainHash.hexString)")
        if let torn = report.tornTail {
            print("warning: torn final batch (recoverable; the writer cuts it off on open): \(torn)")
        }
        if let fault = report.fault {
            print("CORRUPT: \(fault)")
            throw ExitCode(1)
        }
        print("intact")
    }
}
