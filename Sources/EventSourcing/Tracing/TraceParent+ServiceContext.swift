public import EventLog
public import Tracing

/// The trace context stored with events, to and from the tracer's `ServiceContext`, through the
/// bootstrapped instrument's own W3C propagation (so this module needs no OpenTelemetry types).
extension TraceParent {
    /// The span of `context`, when the tracer propagates one and it is sampled (an unsampled trace
    /// never reaches a collector: nothing could follow a link to it). `nil` with tracing off.
    public init?(_ context: ServiceContext) {
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: TraceHeaders())
        guard let header = carrier["traceparent"], let parent = TraceParent(header), parent.isSampled else { return nil }
        self = parent
    }

    /// A context holding this span, for a `SpanLink` to it.
    public var serviceContext: ServiceContext {
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(["traceparent": description], into: &context, using: TraceHeaders())
        return context
    }
}

/// Propagation headers in a dictionary.
private struct TraceHeaders: Injector, Extractor {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }

    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
