import API
import ArgumentParser
import EventLog
import Foundation
import Projections
import ReadModels

/// `protalent stats`: sizes and counts of the log, and the status of every projection.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show events, streams, segments and compression, replication, and the status of every projection.",
        discussion: "Reads the log and the read models without locking or changing them: safe beside a running server."
    )

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The directory of projection .sql files.") var projections: String = "./projections"

    func run() throws {
        let log = try EventLog.openReadOnly(directory: data.logDirectory)
        let stats = log.statistics()
        print("events: \(stats.events)")
        print("streams: \(stats.streams)")
        print("segments: \(stats.segments)")
        print("batches: \(stats.batches)")
        print("bytes on disk: \(stats.bytesOnDisk)")
        print("bytes before compression: \(stats.rawBytes)")
        print("compression ratio: \(formatted(stats.compressionRatio, digits: 2))")
        print("head chain hash: \(stats.headChainHash.hexString)")
        if let torn = log.recovery.tornTail {
            print("warning: torn final batch at \(torn.file) offset \(torn.offset) (\(torn.discardedBytes) bytes, cut off on the next writer open)")
        }
        if let cut = log.lastTornTailCut {
            print("last open cut a torn tail: \(cut)")
        }
        if let archive = ArchiveMonitor.lastWritten(dataDirectory: URL(fileURLWithPath: data.dataDirectory)) {
            // Written by the serving process after each pass; the head may have moved since.
            let lag = max(0, stats.events - archive.archivedPosition)
            print("archive: \(archive.location) at position \(archive.archivedPosition), lag \(lag) events, \(formatted(archive.lagSeconds, digits: 1)) s"
                + (archive.lastError.map { ", last error: \($0)" } ?? ""))
        }
        printReplication(head: log.head)
        printProjections(head: log.head)
    }

    /// One line per projection: name, version, checkpoint, head, lag, state; then its failure.
    private func printProjections(head: Int64) {
        let directory = URL(fileURLWithPath: projections)
        let statuses: [ProjectionStatus]
        do {
            statuses = try ProjectionSet.inspect(projectionsDirectory: directory, dataDirectory: URL(fileURLWithPath: data.dataDirectory), head: head)
        } catch {
            print("projections: \(error)") // the log's figures above still hold
            return
        }
        print("projections: \(statuses.count)")
        let rows = statuses.map { status -> [String] in
            var state = status.state.rawValue
            if let rebuild = status.rebuild { state += " \(rebuild.done)/\(rebuild.total)" }
            if let live = status.liveVersion, live != status.version { state += " (live model of version \(live.prefix(12)))" }
            return [status.name, String(status.version.prefix(12)), "\(status.checkpoint)", "\(status.head)", "\(status.lag)", state]
        }
        let header = ["name", "version", "checkpoint", "head", "lag", "state"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: $0 == cells.count - 1 ? $1.count : widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        print("  " + line(header))
        for (status, row) in zip(statuses, rows) {
            print("  " + line(row))
            if let failure = status.failure {
                print("    last failure: position \(failure.position), event type \(failure.eventType): \(failure.message)")
            }
        }
    }
}

/// A number with a fixed count of decimals, without Foundation's locale-dependent formatting.
func formatted(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        if digits == 0 { text = String(text[..<dot]) }
    }
    return text
}
