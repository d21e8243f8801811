import Foundation

/// Python's `icalendar` package (PyPI) in a venv, to read our iCalendar feeds with a parser we did
/// not write. Set up once per test run under the temporary directory; `python` is `nil` when pip
/// cannot install it (no network), and the tests that need it are skipped with a message.
final class ICalendarPython: Sendable {
    /// One VEVENT as the parser read it.
    struct Event: Decodable, Sendable {
        var uid: String
        var sequence: Int
        var status: String
        var summary: String
        /// DTSTART parsed as a UTC date-time.
        var startUTC: Bool
    }

    static let shared = ICalendarPython()

    /// The venv's interpreter, or `nil`.
    let python: String?

    private init() {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("protalent-icalendar-venv").path
        let python = venv + "/bin/python"
        func run(_ arguments: [String]) -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        if run([python, "-c", "import icalendar"]) {
            self.python = python
        } else if run(["python3", "-m", "venv", venv]), run([python, "-m", "pip", "install", "--quiet", "icalendar"]),
                  run([python, "-c", "import icalendar"]) {
            self.python = python
        } else {
            self.python = nil
        }
    }

    static let script = """
        import datetime, json, sys
        from icalendar import Calendar
        calendar = Calendar.from_ical(sys.stdin.buffer.read())
        events = []
        for event in calendar.walk("VEVENT"):
            start = event.decoded("DTSTART")
            events.append({
                "uid": str(event["UID"]), "sequence": int(event["SEQUENCE"]), "status": str(event["STATUS"]),
                "summary": str(event["SUMMARY"]),
                "startUTC": isinstance(start, datetime.datetime) and start.utcoffset() == datetime.timedelta(0),
            })
        print(json.dumps(events))
        """

    /// The events of `ics`, read by `icalendar`.
    func parse(_ ics: String, python: String) throws -> [Event] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", Self.script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(ics.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ParseFailure(message: String(decoding: failure, as: UTF8.self))
        }
        return try JSONDecoder().decode([Event].self, from: data)
    }

    /// The parser refused the feed.
    struct ParseFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "icalendar could not parse the feed: \(message)" }
    }
}
