public import EventLog
import Tracing

/// The spans of the read side, for modules that do not import the tracer: a projection applying a
/// batch that holds traced commands' events (`projection.apply <name>`, linked to those commands),
/// and a query on a read model (`query <read model>.<query>`, a child of the request's span).
public enum ReadSideSpans {
    /// The most links one span carries (OpenTelemetry's default span link limit): a batch catching
    /// up after a pause may hold thousands of traced commands.
    static let maxLinks = 128

    /// Runs `apply` inside a `projection.apply <projection>` span linked to the command span that
    /// wrote each traced event of `events`, or without a span when none is traced (replays, rebuilds
    /// of old history, tracing off: one nil check per event).
    ///
    /// The span starts a trace of its own: the projection applies the events later than the command
    /// and often in one transaction with other commands' events, so it cannot be a child of any one
    /// of them. The same holds on a replica, whose log carries the same context byte for byte.
    public static func applying<T>(
        _ events: some BidirectionalCollection<RecordedEvent>, projection: String, _ apply: () throws -> T
    ) rethrows -> T {
        var traces: [TraceParent] = []
        var seen = Set<TraceParent>()
        var traced = 0
        for event in events {
            guard let trace = event.metadata.trace else { continue }
            traced += 1
            if seen.count < maxLinks, seen.insert(trace).inserted { traces.append(trace) }
        }
        guard !traces.isEmpty, let first = events.first, let last = events.last else { return try apply() }
        let span = InstrumentationSystem.tracer.startSpan("projection.apply \(projection)", context: .topLevel, ofKind: .consumer)
        defer { span.end() }
        for trace in traces { span.addLink(SpanLink(context: trace.serviceContext, attributes: [:])) }
        span.attributes["protalent.projection"] = projection
        span.attributes["protalent.projection.events"] = events.count
        span.attributes["protalent.projection.traced_events"] = traced
        span.attributes["protalent.log.first_position"] = Int(first.position)
        span.attributes["protalent.log.last_position"] = Int(last.position)
        do {
            return try apply()
        } catch {
            span.recordError(error)
            throw error
        }
    }

    /// Runs `read` inside a `query <readModel>.<query>` span, a child of the current span; without a
    /// current context (a background service's read) it only runs `read`, so as not to start a trace
    /// per poll. `query` is the calling function's name (`publicProfile(of:viewer:)`): its labels go.
    public static func query<T>(_ query: String, readModel: String, _ read: () throws -> T) rethrows -> T {
        guard let context = ServiceContext.current else { return try read() }
        let name = query.prefix { $0 != "(" }
        let span = InstrumentationSystem.tracer.startSpan("query \(readModel).\(name)", context: context, ofKind: .internal)
        defer { span.end() }
        span.attributes["db.system"] = "sqlite"
        span.attributes["protalent.read_model"] = readModel
        do {
            return try ServiceContext.$current.withValue(span.context) { try read() }
        } catch {
            span.recordError(error)
            throw error
        }
    }
}
