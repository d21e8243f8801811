import Foundation

/// The last torn tail a writer's open cut off, kept in `<log>/last-torn-tail` so that `protalent
/// stats` (and an operator reading the file) can tell after the fact which positions recovery
/// discarded. Overwritten by the next cut; never removed by the log.
///
/// The file is a few `key=value` lines (UTF-8), written atomically (temporary file, fsync, rename,
/// fsync of the directory) before the writer takes its first append.
public struct TornTailCut: Sendable, Equatable, CustomStringConvertible {
    /// What was cut: file, offset, bytes, positions, reason.
    public var tornTail: RecoveryReport.TornTail
    /// When the cut was made, in microseconds since 1970.
    public var cutAtMicros: Int64

    static let fileName = "last-torn-tail"

    public init(_ tornTail: RecoveryReport.TornTail, cutAtMicros: Int64) {
        self.tornTail = tornTail
        self.cutAtMicros = cutAtMicros
    }

    static func path(inLog directory: String) -> String { directory + "/" + fileName }

    /// "positions 41…43, 880 bytes at …/00000000000000000001.seg offset 4096 (reason), cut at 2026-12-07T18:40:00Z"
    public var description: String {
        let date = Date(timeIntervalSince1970: Double(cutAtMicros) / 1_000_000)
        return "\(tornTail.summary), cut at \(date.ISO8601Format())"
    }

    /// The last cut recorded in the log `directory`, if any.
    public static func last(inLog directory: String) -> TornTailCut? {
        guard let data = FileManager.default.contents(atPath: path(inLog: directory)),
              let text = String(data: data, encoding: .utf8) else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let file = fields["file"], let offset = fields["offset"].flatMap({ Int($0) }),
              let bytes = fields["discarded-bytes"].flatMap({ Int($0) }), let first = fields["first-position"].flatMap({ Int64($0) }),
              let cutAt = fields["cut-at-micros"].flatMap({ Int64($0) }) else { return nil }
        return TornTailCut(
            RecoveryReport.TornTail(
                file: file, offset: offset, discardedBytes: bytes, reason: fields["reason"] ?? "",
                firstPosition: first, lastPosition: fields["last-position"].flatMap { Int64($0) }
            ),
            cutAtMicros: cutAt
        )
    }

    func encoded() -> [UInt8] {
        var lines = [
            "file=\(tornTail.file)", "offset=\(tornTail.offset)", "discarded-bytes=\(tornTail.discardedBytes)",
            "first-position=\(tornTail.firstPosition)",
        ]
        if let last = tornTail.lastPosition { lines.append("last-position=\(last)") }
        lines.append("cut-at-micros=\(cutAtMicros)")
        lines.append("reason=\(tornTail.reason.replacingOccurrences(of: "\n", with: " "))")
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    func write(to path: String) throws(LogError) {
        try FileDescriptor.writeAtomically(encoded(), to: path)
    }
}
