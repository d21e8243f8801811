public import Hummingbird
import HTTPTypes
import Tracing

/// One server span per request, named as the contract says (`POST /auth/register`: the method and
/// the route template, never the concrete path, which may carry ids and tokens). A W3C `traceparent`
/// from the client becomes the span's parent, and the answer carries the span's own `traceparent`, so
/// a client can find its request's trace. With tracing off (no `OTEL_EXPORTER_OTLP_ENDPOINT`), the
/// no-op tracer makes this nearly free and adds no header.
public struct RequestTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var parent = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &parent, using: HeaderExtractor())
        let span = InstrumentationSystem.tracer.startSpan("\(request.method.rawValue) unmatched", context: parent, ofKind: .server)
        defer { span.end() }
        span.attributes["http.request.method"] = request.method.rawValue
        do {
            var response = try await ServiceContext.$current.withValue(span.context) {
                try await next(request, context)
            }
            name(span, request, context, status: Int(response.status.code))
            InstrumentationSystem.instrument.inject(span.context, into: &response.headers, using: HeaderInjector())
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            name(span, request, context, status: status)
            throw error
        }
    }

    private func name(_ span: any Span, _ request: Request, _ context: Context, status: Int) {
        let route = context.endpointPath ?? "unmatched"
        span.operationName = "\(request.method.rawValue) \(route)"
        span.attributes["http.route"] = route
        span.attributes["http.response.status_code"] = status
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
    }
}

/// Reads propagation headers (`traceparent`, `tracestate`) from a request.
struct HeaderExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        guard let name = HTTPField.Name(key) else { return nil }
        return carrier[name]
    }
}

/// Writes propagation headers into a response.
struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
        guard let name = HTTPField.Name(key) else { return }
        carrier[name] = value
    }
}
