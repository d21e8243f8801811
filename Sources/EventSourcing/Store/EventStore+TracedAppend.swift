import EventLog
import Tracing

extension EventStore {
    /// `log.append`, in a `log.append` span (a child of the command's `decide` span): how long the
    /// append waited for its group commit, its write and fsync, with the positions it got.
    func tracedAppend(_ appends: [StreamAppend]) async throws(LogError) -> AppendResult {
        let span = InstrumentationSystem.tracer.startSpan("log.append", context: ServiceContext.current ?? .topLevel, ofKind: .internal)
        defer { span.end() }
        span.attributes["protalent.log.streams"] = appends.count
        span.attributes["protalent.log.events"] = appends.reduce(0) { $0 + $1.events.count }
        do {
            let result = try await log.append(appends)
            span.attributes["protalent.log.first_position"] = Int(result.firstPosition)
            span.attributes["protalent.log.last_position"] = Int(result.lastPosition)
            span.attributes["protalent.log.duplicate"] = result.wasDuplicate
            span.addEvent("durable")
            return result
        } catch {
            span.recordError(error)
            throw error
        }
    }
}
