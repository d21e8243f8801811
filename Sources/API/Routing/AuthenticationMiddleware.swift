import Cryptography
public import EventSourcing
import Foundation
public import Hummingbird

/// Reads the bearer token of every request into `context.principal`: a valid signature and
/// lifetime, and an account that still grants that access (`AccountAccess`: not erased, no
/// password reset or role change since the token was issued), acting with the account's current role.
///
/// It never refuses: whether a route needs a caller is the route's rule (`AccessMiddleware`), so a
/// stale token on a public route does not block browsing. A token that fails verification is kept
/// as `context.authenticationFailure`, and a route that needs a caller answers with it (401).
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let tokens: TokenService
    let access: AccountAccess
    let clock: Clock
    /// The operator's scrape token for `/metrics` (`PROTALENT_METRICS_TOKEN`), if any.
    let scrapeToken: [UInt8]?
    /// Waits for `X-Min-Position` when the account is not known yet: on a replica behind the
    /// primary, a person who just signed up there is not in this node's read models.
    let readYourWrites: ReadYourWrites?

    /// A middleware verifying access tokens with `tokens` and `access` at `clock`'s time, and
    /// recognising `scrapeToken`; an account `access` does not admit is looked for again once the
    /// read models reached the request's `X-Min-Position`, through `readYourWrites`.
    public init(tokens: TokenService, access: AccountAccess, clock: Clock, scrapeToken: String? = nil, readYourWrites: ReadYourWrites? = nil) {
        self.tokens = tokens
        self.access = access
        self.clock = clock
        self.scrapeToken = scrapeToken.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.readYourWrites = readYourWrites
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        var context = context
        if header.utf8.count <= 8_192, header.lowercased().hasPrefix("bearer ") {
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            if let scrapeToken, ConstantTime.equals(Array(token.utf8), scrapeToken) {
                context.isScraper = true
                return try await next(request, context)
            }
            do throws(APIError) {
                let verified = try tokens.verifyAccessToken(token, now: clock.now())
                do throws(APIError) {
                    context.principal = try access.admit(verified)
                } catch {
                    // Read-your-writes holds for the caller too: wait for the position (a 503 when it
                    // does not come), then ask again.
                    guard let readYourWrites, let text = request.headers[JSONResponse.minPosition],
                          let position = Int64(text.trimmingCharacters(in: .whitespaces)), position >= 0 else { throw error }
                    try await readYourWrites.wait(for: position)
                    context.principal = try access.admit(verified)
                }
                context.tokenID = verified.tokenID
                context.accessExpiresAt = verified.expiresAt
                context.accessGeneration = verified.generation
            } catch {
                // The read models did not reach the position in time: that is the answer (503).
                if error.status == .serviceUnavailable { throw error }
                context.authenticationFailure = error
            }
        } else {
            context.authenticationFailure = .unauthenticated("use `Authorization: Bearer <accessToken>`")
        }
        return try await next(request, context)
    }
}
