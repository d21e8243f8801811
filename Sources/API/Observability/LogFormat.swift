public import Logging

/// How the server writes its logs: `PROTALENT_LOG_FORMAT=json|text` (text by default).
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's own lines, for a person at a terminal.
    case text
    /// One JSON object per line (``JSONLogHandler``), for log collectors.
    case json

    /// The environment variable naming the format.
    public static let variable = "PROTALENT_LOG_FORMAT"

    /// The format `environment` names, `.text` when it names none.
    ///
    /// - Throws: ``LogFormatError`` when the variable holds anything else.
    public init(environment: [String: String]) throws(LogFormatError) {
        guard let text = environment[Self.variable], !text.isEmpty else {
            self = .text
            return
        }
        guard let format = LogFormat(rawValue: text.lowercased()) else { throw LogFormatError(value: text) }
        self = format
    }

    /// Installs the format for the whole process (once, before the first logger is made), with
    /// `metadataProvider` adding task-local fields (the trace and span ids) to each line.
    public func bootstrap(metadataProvider: Logger.MetadataProvider? = nil) {
        switch self {
        case .text:
            LoggingSystem.bootstrap({ label, provider in StreamLogHandler.standardError(label: label, metadataProvider: provider) }, metadataProvider: metadataProvider)
        case .json:
            LoggingSystem.bootstrap({ label, provider in JSONLogHandler(label: label, metadataProvider: provider) }, metadataProvider: metadataProvider)
        }
    }
}

/// `PROTALENT_LOG_FORMAT` holds neither `json` nor `text`.
public struct LogFormatError: Error, CustomStringConvertible {
    /// What the variable held.
    public let value: String

    /// Names the variable, the value and the accepted ones.
    public var description: String { "\(LogFormat.variable) must be json or text, not '\(value)'" }
}
