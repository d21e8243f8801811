import ArgumentParser
import EventLog

/// `protalent stats`: sizes and counts of the log.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Show events, streams, segments and compression.")

    @OptionGroup var data: DataDirectoryOptions

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
