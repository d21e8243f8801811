/// Why a read model could not be used.
public struct ReadModelError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Sendable, Equatable {
        case notBuilt(String)
        case noBuild(String)
        case unknown(String)
        case io(String, String, Int32)
        case rebuilding(String)
        case unexpectedValue(String, String, String)
        case invalidCursor(String)
        case stale(String)
        case failedBuild(String)
        case projectionsDirectory(String, String)
    }

    private let reason: Reason

    /// The projection has no live model yet: wait for its first build (see `ProjectionRunner.status`).
    public static func notBuilt(_ name: String) -> Self { Self(reason: .notBuilt(name)) }
    /// `promoteBuild` was called with no build under way.
    public static func noBuild(_ name: String) -> Self { Self(reason: .noBuild(name)) }
    /// No projection has that name.
    public static func unknown(_ name: String) -> Self { Self(reason: .unknown(name)) }
    /// A rebuild of that projection is already under way.
    public static func rebuilding(_ name: String) -> Self { Self(reason: .rebuilding(name)) }
    /// The cursor decodes but belongs to another list (the HTTP layer answers 400 naming `cursor`).
    public static func invalidCursor(_ list: String) -> Self { Self(reason: .invalidCursor(list)) }
    /// A read model holds a value its query does not know (a projection and its query disagree).
    public static func unexpectedValue(_ projection: String, _ column: String, _ value: String) -> Self {
        Self(reason: .unexpectedValue(projection, column, value))
    }
    /// The live model was built by a version of the file this process does not have: rebuild it.
    public static func stale(_ name: String) -> Self { Self(reason: .stale(name)) }
    /// The build stopped at an event (see the runner's status): it cannot go live.
    public static func failedBuild(_ name: String) -> Self { Self(reason: .failedBuild(name)) }
    /// The directory of projection files cannot be listed (missing, not a directory, not readable).
    static func projectionsDirectory(_ path: String, _ why: String) -> Self { Self(reason: .projectionsDirectory(path, why)) }
    /// A file operation failed.
    static func io(_ operation: String, _ path: String, _ code: Int32) -> Self { Self(reason: .io(operation, path, code)) }

    public var description: String {
        switch reason {
        case .notBuilt(let name): "the read model '\(name)' is not built yet: wait for its first build to finish"
        case .noBuild(let name): "the projection '\(name)' has no build to promote: call beginBuild first"
        case .unknown(let name): "no projection is named '\(name)': check the .sql files in projections/"
        case .rebuilding(let name): "the projection '\(name)' is already being rebuilt: wait for that rebuild to finish"
        case .unexpectedValue(let projection, let column, let value):
            "the read model '\(projection)' holds '\(value)' in \(column), which its query does not know: rebuild it with the current projection file"
        case .invalidCursor(let list):
            "the cursor does not belong to the \(list) list: pass the nextCursor of the previous page of this list"
        case .stale(let name): "the read model '\(name)' was built by another version of its file: rebuild it before it follows the log"
        case .failedBuild(let name): "the build of '\(name)' stopped at an event and cannot go live: fix the projection file, which starts a new build"
        case .projectionsDirectory(let path, let why):
            "cannot read the projections directory \(path): \(why) (pass the directory of the .sql files with --projections)"
        case .io(let operation, let path, let code): "\(operation) failed on \(path): errno \(code)"
        }
    }
}

extension ReadModelError {
    /// The caller sent something wrong (a cursor of another list): a 400 at the HTTP edge.
    public var isCallerError: Bool {
        if case .invalidCursor = reason { return true }
        return false
    }

    /// The model is not ready yet (first build or rebuild under way): a 503 with `Retry-After`.
    public var isTemporary: Bool {
        switch reason {
        case .notBuilt, .rebuilding: true
        default: false
        }
    }
}
