public import Hummingbird

/// Answers 405 with `Allow` when the path is a known route's and only the method is wrong.
///
/// The router alone cannot tell "no such path" from "not with this method": both end as its 404.
/// docs/api.md promises 405 for the second (HTTP semantics, and what schemathesis checks), so the
/// 404 is turned into 405 here when some route's template matches the path.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes the path is matched against (read at request time, once all are registered).
    let routes: RouteTable

    /// The middleware over `routes`.
    public init(routes: RouteTable) {
        self.routes = routes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = Self.methods(for: request.uri.path, in: routes.entries)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var headers = HTTPFields()
            headers[.allow] = allowed.joined(separator: ", ")
            throw HTTPError(.methodNotAllowed, headers: headers, message: "\(request.method.rawValue) is not allowed here; allowed: \(allowed.joined(separator: ", "))")
        }
    }

    /// The methods of the routes whose template matches `path` (`{name}` matches one non-empty segment).
    static func methods(for path: String, in entries: [RouteEntry]) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let matching = entries.filter { entry in
            let template = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { part, segment in
                (part.hasPrefix("{") && part.hasSuffix("}") && !segment.isEmpty) || part == segment
            }
        }
        return Array(Set(matching.map(\.method))).sorted()
    }
}
