/// Why a projection file was refused: the file, the line and what to change.
public struct ProjectionFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path (or name).
    public let file: String
    /// The 1-based line of the problem.
    public let line: Int
    /// What is wrong and how to fix it.
    public let message: String

    /// Creates an error.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
