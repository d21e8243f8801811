import Cryptography
import Domain
import Foundation
import Hummingbird
import ReadModels

/// `/scholarships/*`: the filtered list and detail for everyone signed in; publishing, updating
/// and closing for admins (the decider refuses updates of a closed scholarship: 409).
struct ScholarshipsController {
    let commands: CommandExecutor
    let scholarships: ScholarshipQueries

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/scholarships", RouteDocumentation(
            "Scholarships, soonest deadline first; an unrestricted list matches every country, level or field", tag: "Scholarships",
            response: .page(.ref("Scholarship")),
            query: ["q": .text, "country": .text, "level": .oneOf(EducationLevel.self), "field": .text, "open": .boolean,
                    "limit": .integer(minimum: 1, maximum: 100), "cursor": .text]
        )) { request, context in try list(request) }
        routes.add(.get, "/scholarships/{id}", RouteDocumentation(
            "One scholarship, with its eligibility: requirements (hard) and preferences (soft)", tag: "Scholarships",
            response: .ref("Scholarship")
        )) { request, context in try scholarship(context) }
        routes.add(.post, "/scholarships", RouteDocumentation(
            "Publish a scholarship (admin)", tag: "Scholarships", request: .ref("ScholarshipInput"), status: 201,
            response: .object(["scholarshipId": .uuid], required: ["scholarshipId"])
        )) { request, context in try await create(&request, context) }
        routes.add(.put, "/scholarships/{id}", RouteDocumentation(
            "Replace a scholarship's details (admin); a closed one cannot change (409)", tag: "Scholarships",
            request: .ref("ScholarshipInput"), status: 204
        )) { request, context in try await update(&request, context) }
        routes.add(.post, "/scholarships/{id}/close", RouteDocumentation(
            "Close a scholarship to applications (admin); closing twice changes nothing", tag: "Scholarships", status: 204
        )) { request, context in try await close(context) }
    }

    func list(_ request: Request) throws -> Response {
        let query = QueryParameters(request)
        var country = try query.string("country", maxLength: 3)
        if let code = country {
            guard (2...3).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw APIError.badRequest("`country` must be an ISO 3166-1 code such as SN", field: "country")
            }
            country = code.uppercased()
        }
        let filter = ScholarshipFilter(
            query: try query.string("q", maxLength: 200), country: country, level: try query.value("level", as: EducationLevel.self),
            field: try query.string("field", maxLength: 100), openOnly: try query.boolean("open") ?? false
        )
        let page = try query.page()
        let now = commands.now()
        let scholarships = try scholarships.list(filter, now: now, page: page)
        return try JSONResponse.json(scholarships)
    }

    func scholarship(_ context: AppRequestContext) throws -> Response {
        let id = try context.parameters.uuid("id", what: "scholarship")
        let now = commands.now()
        guard let scholarship = try scholarships.scholarship(id: id, now: now) else {
            throw APIError.notFound("no scholarship with id \(id.uuidString.lowercased())")
        }
        return try JSONResponse.json(scholarship)
    }

    func create(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let details = try await request.decodeJSON(ScholarshipBody.self).details()
        let id = SecureRandom.timeOrderedUUID()
        let committed = try await commands.execute(
            .create(scholarshipID: id, details, by: (try context.requirePrincipal()), now: commands.now()),
            on: Scholarships.self, stream: StreamName.scholarship(id), by: context.principal
        )
        return try JSONResponse.command(ScholarshipCreated(scholarshipId: id.uuidString.lowercased()), status: .created, position: committed.position)
    }

    func update(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "scholarship")
        let details = try await request.decodeJSON(ScholarshipBody.self).details()
        let committed = try await commands.execute(
            .update(details, by: (try context.requirePrincipal()), now: commands.now()),
            on: Scholarships.self, stream: StreamName.scholarship(id), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    func close(_ context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "scholarship")
        let committed = try await commands.execute(
            .close(by: (try context.requirePrincipal()), now: commands.now()),
            on: Scholarships.self, stream: StreamName.scholarship(id), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }
}
