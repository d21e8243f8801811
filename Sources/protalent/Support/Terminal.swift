import Foundation

/// Progress lines for long commands: shown on a terminal (stderr), silent when piped.
struct Progress {
    let enabled = isatty(STDERR_FILENO) == 1
    private var lastDraw = ContinuousClock.now

    /// Redraws the progress line at most ten times a second (and always when `force` is set).
    mutating func update(_ line: @autoclosure () -> String, force: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard force || now - lastDraw > .milliseconds(100) else { return }
        lastDraw = now
        Self.draw(line())
    }

    /// Replaces the current terminal line with `line` (callers check `enabled`).
    static func draw(_ line: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    /// Clears the progress line, for output that follows on the same terminal.
    static func clear() { draw("") }

    /// Ends the progress line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension [UInt8] {
    /// Lowercase hexadecimal.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
