import EventLog
import Tracing

extension EventStore {
    /// `log.append`, in a `log.append` span (a child of the command's `decide` span): how long the
    /// append waited for its group commit (event `log.write`: the writer took it), its fsync (events
    /// `log.fsync.start` and `log.fsync.end`, at the times the writer reports), with the positions it got.
    ///
    /// When the trace is sampled, every event carries this span's context in its metadata, so the
    /// projections that apply them later, here or on a replica, link back to it.
    func tracedAppend(_ appends: [StreamAppend]) async throws(LogError) -> AppendResult {
        let span = InstrumentationSystem.tracer.startSpan("log.append", context: ServiceContext.current ?? .topLevel, ofKind: .internal)
        defer { span.end() }
        span.attributes["protalent.log.streams"] = appends.count
        span.attributes["protalent.log.events"] = appends.reduce(0) { $0 + $1.events.count }
        var appends = appends
        if let trace = TraceParent(span.context) {
            for stream in appends.indices {
                for event in appends[stream].events.indices { appends[stream].events[event].metadata.trace = trace }
            }
        }
        do {
            let result = try await log.append(appends)
            span.attributes["protalent.log.first_position"] = Int(result.firstPosition)
            span.attributes["protalent.log.last_position"] = Int(result.lastPosition)
            span.attributes["protalent.log.duplicate"] = result.wasDuplicate
            if let timing = result.timing {
                span.addEvent(SpanEvent(name: "log.write", at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: timing.taken)))
                span.addEvent(SpanEvent(name: "log.fsync.start", at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: timing.syncStarted)))
                span.addEvent(SpanEvent(name: "log.fsync.end", at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: timing.syncFinished)))
            }
            span.addEvent("durable")
            return result
        } catch {
            span.recordError(error)
            throw error
        }
    }
}
