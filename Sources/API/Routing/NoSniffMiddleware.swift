public import Hummingbird

/// Adds `X-Content-Type-Options: nosniff` to every answer the router gives, refusals included.
///
/// A browser then takes each answer for its declared type — JSON, problem+json, iCalendar, an
/// image — and never sniffs text it could run out of it. The outermost router middleware, so an
/// error thrown by any later step is turned into its answer here and gets the header too. (A
/// request the HTTP decoder rejects before routing gets Hummingbird's bare 400, without it.)
public struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
