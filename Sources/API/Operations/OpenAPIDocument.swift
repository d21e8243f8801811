public import Foundation

/// The OpenAPI 3.1 document of the server, generated from the routes actually registered (so it
/// cannot drift from the router) plus the named schemas they reference.
public enum OpenAPIDocument {
    /// The named schemas of `components.schemas`.
    public static let schemas: [String: JSONSchema] = SchemaCatalog.all

    /// The JSON document describing `entries`.
    public static func make(_ entries: [RouteEntry]) throws -> Data {
        var paths: [String: [String: Operation]] = [:]
        for entry in entries {
            paths[entry.path, default: [:]][entry.method.lowercased()] = Operation(entry)
        }
        let document = Document(
            info: Info(title: "ProTalent API", version: "1.0.0",
                       description: "Coach&Pro'Talent backend: an event-sourced command and query API. See docs/api.md."),
            paths: paths,
            components: Components(schemas: schemas)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    struct Document: Encodable {
        var openapi = "3.1.0"
        var info: Info
        var paths: [String: [String: Operation]]
        var components: Components
    }

    struct Info: Encodable {
        var title: String
        var version: String
        var description: String
    }

    struct Components: Encodable {
        var schemas: [String: JSONSchema]
        var securitySchemes = ["bearer": SecurityScheme()]
    }

    struct SecurityScheme: Encodable {
        var type = "http"
        var scheme = "bearer"
        var bearerFormat = "JWT"
    }

    struct Parameter: Encodable {
        var name: String
        var `in`: String
        var required: Bool
        var schema: JSONSchema
        var description: String?
        /// Query parameters only: an empty value (`?to=`) counts as absent (`QueryParameters`).
        var allowEmptyValue: Bool?
    }

    struct MediaType: Encodable { var schema: JSONSchema }

    struct RequestBody: Encodable {
        var required = true
        var content: [String: MediaType]
    }

    struct ResponseObject: Encodable {
        var description: String
        var content: [String: MediaType]?
        var headers: [String: Header]?
    }

    struct Header: Encodable {
        var description: String
        var schema: JSONSchema
    }

    struct Operation: Encodable {
        var summary: String
        var tags: [String]
        var operationId: String
        var security: [[String: [String]]]?
        var parameters: [Parameter]
        var requestBody: RequestBody?
        var responses: [String: ResponseObject]

        init(_ entry: RouteEntry) {
            let doc = entry.documentation
            summary = doc.summary
            tags = [doc.tag]
            operationId = entry.method.lowercased() + entry.path
                .split(separator: "/")
                .map { $0.replacingOccurrences(of: "{", with: "by-").replacingOccurrences(of: "}", with: "") }
                .map { $0.split(whereSeparator: { $0 == "-" || $0 == "." }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() }
                .joined()
            security = entry.access == .anonymous ? nil : [["bearer": []]]
            var parameters: [Parameter] = entry.path.split(separator: "/").compactMap { segment in
                guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return nil }
                let name = String(segment.dropFirst().dropLast())
                let schema: JSONSchema = (name == "id" || name.hasSuffix("Id")) ? .uuid : .text
                return Parameter(name: name, in: "path", required: true, schema: schema)
            }
            parameters += doc.query.keys.sorted().map {
                Parameter(name: $0, in: "query", required: false, schema: doc.query[$0]!, allowEmptyValue: true)
            }
            if entry.readsModels {
                parameters.append(Parameter(
                    name: "X-Min-Position", in: "header", required: false, schema: .integer(minimum: 0),
                    description: "Answer only once the read models reflect this log position (waits up to 5 s, else 503)"
                ))
            }
            self.parameters = parameters
            if doc.binaryRequest {
                requestBody = RequestBody(content: ["application/octet-stream": MediaType(schema: .string(format: "binary"))])
            } else if let request = doc.request {
                requestBody = RequestBody(required: !doc.optionalBody, content: ["application/json": MediaType(schema: request)])
            }
            var content: [String: MediaType]?
            if let response = doc.response { content = ["application/json": MediaType(schema: response)] }
            if let alternate = doc.alternateMediaType { content = (content ?? [:]).merging([alternate: MediaType(schema: .text)]) { $1 } }
            let changes = entry.method != "GET"
            let positionHeader = changes
                ? ["X-Log-Position": Header(description: "Global log position of the command's last event", schema: .integer(minimum: 0))]
                : nil
            let problem = ["application/problem+json": MediaType(schema: .ref("Problem"))]
            responses = [
                String(doc.status): ResponseObject(description: "Success", content: content, headers: positionHeader),
                "4XX": ResponseObject(description: "A client error (RFC 9457 problem)", content: problem),
                "503": ResponseObject(description: "Read model not caught up or storage unavailable; see Retry-After", content: problem),
            ]
        }
    }
}
