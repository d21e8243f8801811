import Cryptography
public import Foundation

/// A projection: a named `.sql` file (schema plus per-event-type statements) and its version, the
/// SHA-256 of the file's bytes. A changed file is a new version, rebuilt from position 0.
public struct Projection: Sendable, Equatable {
    /// The file name without `.sql`; also the name of its read-model files.
    public let name: String
    /// The lowercase hex SHA-256 of the file's bytes.
    public let version: String
    /// The parsed file.
    public let definition: ProjectionDefinition
    /// Where it was read from (for error messages).
    public let file: String

    /// What the projection does with an event of one type.
    public struct EventUse: Sendable, Equatable {
        /// Some statement runs for it.
        public var handled: Bool
        /// Some statement that runs for it reads the payload (so it must be revealed).
        public var readsPayload: Bool
    }

    /// The use of each type the file names, and of every other type, worked out once: the runners
    /// ask for each event of every batch (through this value alone, which is cheaper to hold than
    /// the whole projection).
    public struct EventUses: Sendable, Equatable {
        fileprivate let byType: [String: EventUse]
        fileprivate let other: EventUse

        /// What the projection does with events of `type`.
        public func use(of type: String) -> EventUse {
            byType[type] ?? other
        }

        /// Every event handled with its payload: what a runner assumes without a projection.
        static let everything = EventUses(byType: [:], other: EventUse(handled: true, readsPayload: true))
    }

    /// What the projection does with each event type.
    public let eventUses: EventUses

    /// What the projection does with events of `type`.
    public func use(of type: String) -> EventUse {
        eventUses.use(of: type)
    }

    /// Parses `source`, the contents of the projection file `file` named `name`.
    public init(name: String, source: [UInt8], file: String) throws(ProjectionFileError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ProjectionFileError(file: file, line: 1, message: "'\(name)' is not a projection name: use letters, digits, '-' and '_'")
        }
        self.name = name
        self.file = file
        version = Self.version(of: source)
        let definition = try ProjectionFileParser.parse(String(decoding: source, as: UTF8.self), file: file)
        self.definition = definition
        var uses: [String: EventUse] = [:]
        for type in definition.handlers.keys {
            uses[type] = EventUse(handled: true, readsPayload: definition.needsPayload(type))
        }
        eventUses = EventUses(byType: uses, other: EventUse(handled: !definition.everyEvent.isEmpty,
                                                            readsPayload: definition.everyEvent.contains(where: \.usesPayload)))
    }

    /// The version of a projection file: the lowercase hex SHA-256 of its bytes.
    public static func version(of source: [UInt8]) -> String {
        SHA256.hash(source).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads and parses the projection file at `url` (its name without `.sql` is the projection's).
    public static func load(contentsOf url: URL) throws -> Projection {
        let bytes = try [UInt8](Data(contentsOf: url))
        return try Projection(name: url.deletingPathExtension().lastPathComponent, source: bytes, file: url.path)
    }

    /// Every `*.sql` file of `directory`, sorted by name.
    public static func loadAll(in directory: URL) throws -> [Projection] {
        try files(in: directory).map { name in try load(contentsOf: directory.appendingPathComponent(name)) }
    }

    /// The names of the `*.sql` files of `directory`, sorted.
    ///
    /// - Throws: `ReadModelError` naming the directory when it cannot be listed.
    static func files(in directory: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw ReadModelError.projectionsDirectory(directory.path, "no such directory")
        }
        guard isDirectory.boolValue else { throw ReadModelError.projectionsDirectory(directory.path, "not a directory") }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw ReadModelError.projectionsDirectory(directory.path, "not readable")
        }
    }
}
