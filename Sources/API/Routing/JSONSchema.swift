
/// A JSON Schema (the subset OpenAPI 3.1 documents need), for request and response bodies.
public indirect enum JSONSchema: Sendable, Encodable {
    case string(format: String? = nil, values: [String]? = nil, maxLength: Int? = nil)
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    case number
    case boolean
    case array(JSONSchema)
    /// An object with these properties; `required` names the ones that must be present.
    case object([String: JSONSchema], required: [String] = [])
    /// A named schema of `components.schemas`.
    case ref(String)
    /// The value or `null`.
    case nullable(JSONSchema)
    /// Any JSON value.
    case any

    /// `.string()` with no constraint.
    public static var text: JSONSchema { .string() }
    /// A UUID string.
    public static var uuid: JSONSchema { .string(format: "uuid") }
    /// An ISO 8601 UTC time.
    public static var dateTime: JSONSchema { .string(format: "date-time") }
    /// `{ amount: "1500.00", currency: "EUR" }`.
    public static var money: JSONSchema { .ref("Money") }
    /// A list page of `item`: `{ items, nextCursor }`.
    public static func page(_ item: JSONSchema) -> JSONSchema {
        .object(["items": .array(item), "nextCursor": .nullable(.text)], required: ["items", "nextCursor"])
    }
    /// One of the raw values of an enum.
    public static func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> JSONSchema where T.RawValue == String {
        .string(values: T.allCases.map(\.rawValue))
    }

    private enum Key: String, CodingKey {
        case type, format, `enum`, maxLength, minimum, maximum, items, properties, required, ref = "$ref", anyOf
        case additionalProperties
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .string(let format, let values, let maxLength):
            try c.encode("string", forKey: .type)
            try c.encodeIfPresent(format, forKey: .format)
            try c.encodeIfPresent(values, forKey: .enum)
            try c.encodeIfPresent(maxLength, forKey: .maxLength)
        case .integer(let minimum, let maximum):
            try c.encode("integer", forKey: .type)
            try c.encodeIfPresent(minimum, forKey: .minimum)
            try c.encodeIfPresent(maximum, forKey: .maximum)
        case .number:
            try c.encode("number", forKey: .type)
        case .boolean:
            try c.encode("boolean", forKey: .type)
        case .array(let item):
            try c.encode("array", forKey: .type)
            try c.encode(item, forKey: .items)
        case .object(let properties, let required):
            try c.encode("object", forKey: .type)
            // An optional member may also be null: bodies decode it with `decodeIfPresent`, where
            // null means absent, and the document must not call such a request invalid.
            var members: [String: JSONSchema] = [:]
            for (name, schema) in properties {
                switch schema {
                case .nullable, .any: members[name] = schema
                default: members[name] = required.contains(name) ? schema : .nullable(schema)
                }
            }
            try c.encode(members, forKey: .properties)
            if !required.isEmpty { try c.encode(required.sorted(), forKey: .required) }
        case .ref(let name):
            try c.encode("#/components/schemas/\(name)", forKey: .ref)
        case .nullable(let schema):
            var options = c.nestedUnkeyedContainer(forKey: .anyOf)
            try options.encode(schema)
            try options.encode(NullSchema())
        case .any:
            break
        }
    }
}

/// `{"type": "null"}`, the second option of `nullable`.
private struct NullSchema: Encodable {
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode("null", forKey: .type)
    }
    enum K: String, CodingKey { case type }
}

