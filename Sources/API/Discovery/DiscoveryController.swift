import EventSourcing
import Domain
import Foundation
import Hummingbird
import ReadModels

/// `/ai/*` and `/users/search`: recommendations with scores and reasons, insights, a grounded chat,
/// and people search — all answered from the platform's own read models (`Discovery`).
struct DiscoveryController {
    let discovery: Discovery
    let clock: Clock

    struct RecommendationBody: Decodable {
        var limit: Int?
        var userId: String?
    }

    struct ChatBody: Decodable {
        var message: String
    }

    func addRoutes(to routes: RouteTable) {
        let recommendations = JSONSchema.object(["items": .array(.ref("Recommendation"))], required: ["items"])
        let body = JSONSchema.object(["limit": .integer(minimum: 1, maximum: 50), "userId": .uuid])
        for kind in ["career", "scholarships", "mentors"] {
            routes.add(.post, "/ai/recommendations/\(kind)", readsModels: true, RouteDocumentation(
                "Ranked \(kind) for the caller (admins may name userId), each with a score in [0, 1] and reasons in the user's language "
                    + "(preferences.language, else Accept-Language: fr or en)", tag: "Recommendations",
                request: body, response: recommendations, optionalBody: true
            )) { request, context in try await recommend(kind, &request, context) }
        }
        routes.add(.get, "/ai/insights/{userId}", RouteDocumentation(
            "Profile completeness, sessions, community activity, fitting deadlines and suggestions (self or admin)",
            tag: "Recommendations", response: .any
        )) { request, context in try insights(request, context) }
        routes.add(.post, "/ai/chat", readsModels: true, RouteDocumentation(
            "An answer from the platform's own data, with the items it cites; in the user's language (preferences.language, else "
                + "Accept-Language, else the message's)", tag: "Recommendations",
            request: .object(["message": .string(maxLength: 1_000)], required: ["message"]),
            response: .object([
                "reply": .text, "intent": .text,
                "citations": .array(.object(["id": .text, "kind": .text, "title": .text], required: ["id", "kind", "title"])),
            ], required: ["reply", "intent", "citations"])
        )) { request, context in try await chat(&request, context) }
        routes.add(.get, "/users/search", RouteDocumentation(
            "Search people by name, field and skills (public fields only, visibility respected), with facets", tag: "Users",
            response: .ref("SearchResults"),
            query: ["q": .text, "country": .text, "field": .text, "role": .oneOf(Role.self), "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try searchPeople(request, context) }
    }

    func recommend(_ kind: String, _ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireUser()
        let body = try await request.decodeJSONOrEmpty(RecommendationBody.self)
        let limit = body.limit ?? 10
        guard (1...50).contains(limit) else { throw APIError.invalid("limit", "limit must be from 1 to 50") }
        let subject = try subject(body.userId, caller: caller, field: "userId")
        let now = clock.now()
        // Reasons in the profile's language, else the one the request accepts.
        let language = AcceptLanguage.preferred(request.headers[.acceptLanguage])
        do {
            let result = switch kind {
            case "career": try discovery.careers(for: subject, now: now, limit: limit, language: language)
            case "scholarships": try discovery.scholarships(for: subject, now: now, limit: limit, language: language)
            default: try discovery.mentors(for: subject, now: now, limit: limit, language: language)
            }
            return try JSONResponse.json(result)
        } catch let error as DiscoveryError {
            throw APIError.notFound(error.description)
        }
    }

    func insights(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let caller = try context.requireUser()
        let subject = try context.parameters.uuid("userId", what: "user")
        guard subject == caller.id || caller.role == .admin else {
            throw APIError.forbidden("insights are for their owner (or an admin)")
        }
        do {
            let language = AcceptLanguage.preferred(request.headers[.acceptLanguage])
            return try JSONResponse.json(try discovery.insights(for: subject, now: clock.now(), language: language))
        } catch let error as DiscoveryError {
            throw APIError.notFound(error.description)
        }
    }

    func chat(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.requireUser()
        let body = try await request.decodeJSON(ChatBody.self)
        let message = body.message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !message.isEmpty else { throw APIError.invalid("message", "ask a question, e.g. \"bourses de master au Sénégal\"") }
        guard message.count <= 1_000 else { throw APIError.invalid("message", "keep the message under 1,000 characters") }
        let viewer = SearchViewer(userID: caller.id, isAdmin: caller.role == .admin)
        let language = AcceptLanguage.preferred(request.headers[.acceptLanguage])
        return try JSONResponse.json(try discovery.answer(message: message, for: viewer, now: clock.now(), language: language))
    }

    func searchPeople(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let query = QueryParameters(request)
        let role = try query.value("role", as: Role.self)
        let filters = SearchFilters(country: try query.string("country", maxLength: 3)?.uppercased(),
                                    field: try query.string("field"), role: role?.rawValue)
        let search = SearchRequest(text: try query.string("q") ?? "", kinds: [.person], filters: filters, page: try query.page())
        let viewer = SearchViewer(userID: context.principal?.userID, isAdmin: context.principal?.role == .admin)
        do {
            return try JSONResponse.json(try discovery.search(search, viewer: viewer, now: clock.now()))
        } catch let error as DiscoveryError {
            throw APIError.badRequest(error.description, field: "cursor")
        }
    }

    /// Whose recommendations: the caller's, or (admins only) the named user's.
    func subject(_ named: String?, caller: (id: UUID, role: Role), field: String) throws(APIError) -> UUID {
        guard let named else { return caller.id }
        guard let id = UUID(uuidString: named) else { throw .invalid(field, "\(field) must be a UUID") }
        guard id == caller.id || caller.role == .admin else { throw .forbidden("only an admin may ask for another user's recommendations") }
        return id
    }
}
