import Foundation
public import Hummingbird

/// `X-Min-Position` on routes that read read models: waits until every read model has applied
/// that log position (up to the configured timeout), else 503 with `Retry-After`.
public struct ReadYourWritesMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let readYourWrites: ReadYourWrites

    /// A middleware waiting through `readYourWrites`.
    public init(_ readYourWrites: ReadYourWrites) {
        self.readYourWrites = readYourWrites
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let text = request.headers[JSONResponse.minPosition] {
            guard let position = Int64(text.trimmingCharacters(in: .whitespaces)), position >= 0 else {
                throw APIError.badRequest("X-Min-Position must be a non-negative integer (a log position)", field: "X-Min-Position")
            }
            try await readYourWrites.wait(for: position)
        }
        return try await next(request, context)
    }
}
