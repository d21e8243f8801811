/// What a projection file says: its schema and, per event type, the statements that apply an event.
public struct ProjectionDefinition: Sendable, Equatable {
    /// One SQL statement of a handler, with where it came from.
    public struct Statement: Sendable, Equatable {
        /// The SQL as the file has it; `EventBinder` binds each parameter from the event (`:p_<field>`
        /// with the top-level field's value, `:lower_<field>` with that value in lowercase,
        /// `:json_<field>` with its JSON text).
        public var sql: String
        /// The 1-based line where the statement starts in the file.
        public var line: Int
        /// The parameters it reads (`p_<field>` for `:p_<field>`, and so on).
        public var parameters: Set<String>

        /// Whether it reads the payload, whole or a field (else it need not be decrypted for it).
        public var usesPayload: Bool { parameters.contains { $0 == "payload" || $0.hasPrefix("p_") || $0.hasPrefix("json_") || $0.hasPrefix("lower_") } }
    }

    /// The `-- @schema` section, executed as a whole on an empty database.
    public var schema: String
    /// The line of the `-- @schema` directive (0 when there is none).
    public var schemaLine: Int
    /// Statements per event type, in file order.
    public var handlers: [String: [Statement]]
    /// Statements of the `-- @on *` section, run after the type's own for every event.
    public var everyEvent: [Statement]
    /// Statements of the `-- @after-batch` section, run once at the end of every batch holding an
    /// event the projection handles, in its transaction, before the checkpoint; they take no parameter.
    public var afterBatch: [Statement] = []
    /// Statements of the `-- @indexes` section (`CREATE INDEX` only): run once a build's rows are in,
    /// before it goes live, instead of with the schema, so a build does not maintain them row by row.
    public var deferredIndexes: [Statement] = []

    /// The statements that apply an event of `type` (its own, then the `*` ones).
    public func statements(for type: String) -> [Statement] {
        guard let own = handlers[type] else { return everyEvent }
        return everyEvent.isEmpty ? own : own + everyEvent
    }

    /// Whether a statement run for `type` reads the payload.
    public func needsPayload(_ type: String) -> Bool {
        everyEvent.contains(where: \.usesPayload) || (handlers[type]?.contains(where: \.usesPayload) ?? false)
    }
}
