import GRDBSQLite

/// Parses the projection file format (`docs/projections.md`): a `-- @schema` section, then
/// `-- @on <event-type> [<event-type> ...]` sections of SQL statements with named parameters, and
/// at most one `-- @after-batch` section (statements without parameters, once per batch) and one
/// `-- @indexes` section (what a build creates once its rows are in: indexes, and triggers with
/// the INSERT that fills in one pass what they would keep current row by row).
///
/// Strict: text before the first directive must be comments, directives must be known, an event
/// type has one section, every statement's parameters must be among `parameterNames` or
/// `:p_<field>`, `:lower_<field>` or `:json_<field>`, and `?` placeholders are refused. Errors carry the file and line.
enum ProjectionFileParser {
    /// The parameters bound from every event.
    static let parameterNames: Set<String> = [
        "position", "stream", "version", "type", "eventId", "time", "timeMicros", "actor", "payload",
    ]

    /// Statements that would begin, end or split the runner's transaction, or reach another file.
    static let transactionControl: Set<String> = [
        "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "ATTACH", "DETACH", "VACUUM",
    ]

    private enum Section {
        case preamble
        case schema(line: Int)
        case on(types: [String], line: Int)
        case afterBatch(line: Int)
        case indexes(line: Int)
    }

    static func parse(_ text: String, file: String) throws(ProjectionFileError) -> ProjectionDefinition {
        var definition = ProjectionDefinition(schema: "", schemaLine: 0, handlers: [:], everyEvent: [])
        var section = Section.preamble
        var body: [(line: Int, text: String)] = []
        var sawOn = false
        var seenOnce: Set<String> = [] // the sections that may come once at most

        func fail(_ line: Int, _ message: String) -> ProjectionFileError {
            ProjectionFileError(file: file, line: line, message: message)
        }

        func close() throws(ProjectionFileError) {
            switch section {
            case .preamble:
                for (line, text) in body {
                    let trimmed = text.trimmingSpaces
                    if !trimmed.isEmpty, !trimmed.hasPrefix("--") {
                        throw fail(line, "SQL before the first section: start the file with '-- @schema' or '-- @on <event-type>'")
                    }
                }
            case .schema:
                definition.schema = body.map(\.text).joined(separator: "\n")
            case .on(let types, let line):
                let statements = try split(body, file: file)
                if statements.isEmpty { throw fail(line, "the section '-- @on \(types.joined(separator: " "))' has no statement") }
                try refuseTransactionControl(statements)
                for type in types {
                    if type == "*" {
                        definition.everyEvent = statements
                    } else {
                        definition.handlers[type] = statements
                    }
                }
            case .afterBatch(let line):
                definition.afterBatch = try parameterless("@after-batch", line, "run once per batch, not per event: they ")
                try refuseTransactionControl(definition.afterBatch)
            case .indexes(let line):
                let statements = try parameterless("@indexes", line, "")
                for statement in statements {
                    let words = statement.sql.uppercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
                    let allowed = words.count > 2 && (words[0] == "INSERT" || (words[0] == "CREATE" && (words[1] == "INDEX" || words[1] == "TRIGGER")))
                    guard allowed else {
                        throw fail(statement.line, "only CREATE INDEX, CREATE TRIGGER and INSERT go in '-- @indexes' (a UNIQUE index is a constraint the handlers rely on: keep it in '-- @schema')")
                    }
                }
                definition.deferredIndexes = statements
            }
            body = []
        }

        /// The statements of a section run apart from any event: at least one, none with a parameter.
        func parameterless(_ directive: String, _ line: Int, _ why: String) throws(ProjectionFileError) -> [ProjectionDefinition.Statement] {
            let statements = try split(body, file: file)
            if statements.isEmpty { throw fail(line, "the section '-- \(directive)' has no statement") }
            if let bound = statements.first(where: { !$0.parameters.isEmpty }) {
                throw fail(bound.line, "the statements of '-- \(directive)' \(why)take no parameter")
            }
            return statements
        }

        /// A batch, its rows and its checkpoint are one transaction that the runner opens and
        /// commits: a statement may not begin, end or split it, nor reach another database.
        func refuseTransactionControl(_ statements: [ProjectionDefinition.Statement]) throws(ProjectionFileError) {
            for statement in statements {
                let first = statement.sql.prefix { $0.isLetter }.uppercased()
                if transactionControl.contains(first) {
                    throw fail(statement.line, "\(first) is not allowed in an event or after-batch section: the runner applies each batch and its checkpoint in one transaction of its own")
                }
            }
        }

        var seenTypes: Set<String> = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            let trimmed = line.trimmingSpaces
            guard trimmed.hasPrefix("--"), trimmed.dropFirst(2).trimmingSpaces.hasPrefix("@") else {
                body.append((lineNumber, line))
                continue
            }
            let words = trimmed.dropFirst(2).trimmingSpaces.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            try close()
            switch words[0] {
            case "@schema":
                guard words.count == 1 else { throw fail(lineNumber, "'-- @schema' takes no argument") }
                guard case .preamble = section else {
                    throw fail(lineNumber, "'-- @schema' must come once, before every '-- @on' section")
                }
                definition.schemaLine = lineNumber
                section = .schema(line: lineNumber)
            case "@on":
                let types = Array(words.dropFirst())
                guard !types.isEmpty else { throw fail(lineNumber, "'-- @on' needs at least one event type, such as identity.account-registered, or *") }
                for type in types {
                    guard type == "*" || type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else {
                        throw fail(lineNumber, "'\(type)' is not an event type name (letters, digits, '.', '-', '_')")
                    }
                    guard seenTypes.insert(type).inserted else {
                        throw fail(lineNumber, "the event type '\(type)' already has a section: merge its statements into one")
                    }
                }
                sawOn = true
                section = .on(types: types, line: lineNumber)
            case "@after-batch", "@indexes":
                guard words.count == 1 else { throw fail(lineNumber, "'-- \(words[0])' takes no argument") }
                guard seenOnce.insert(words[0]).inserted else { throw fail(lineNumber, "'-- \(words[0])' must come once") }
                section = words[0] == "@indexes" ? .indexes(line: lineNumber) : .afterBatch(line: lineNumber)
            default:
                throw fail(lineNumber, "unknown directive '\(words[0])': the directives are '-- @schema', '-- @on <event-type> ...', '-- @after-batch' and '-- @indexes'")
            }
        }
        try close()
        if definition.schemaLine == 0, !sawOn {
            throw fail(1, "no section: a projection needs '-- @schema' and at least one '-- @on <event-type>' section")
        }
        if !sawOn { throw fail(definition.schemaLine, "no '-- @on <event-type>' section: the projection handles no event") }
        return definition
    }

    /// Splits a section into statements at top-level `;`, checking and rewriting parameters.
    private static func split(_ body: [(line: Int, text: String)], file: String) throws(ProjectionFileError) -> [ProjectionDefinition.Statement] {
        var statements: [ProjectionDefinition.Statement] = []
        var current = ""
        var startLine: Int?
        var inBlockComment = false
        var parameters: Set<String> = []
        var quote: Unicode.Scalar? // the closing quote of the string or identifier being read
        for (lineNumber, line) in body {
            let chars = Array(line.unicodeScalars)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if inBlockComment {
                    if c == "*", i + 1 < chars.count, chars[i + 1] == "/" { inBlockComment = false; i += 2 } else { i += 1 }
                    continue
                }
                if let q = quote {
                    current.unicodeScalars.append(c)
                    if c == q { quote = nil }
                    i += 1
                    continue
                }
                switch c {
                case "'", "\"", "`":
                    quote = c
                    current.unicodeScalars.append(c)
                    startLine = startLine ?? lineNumber
                    i += 1
                case "[":
                    quote = "]"
                    current.unicodeScalars.append(c)
                    i += 1
                case "-" where i + 1 < chars.count && chars[i + 1] == "-":
                    i = chars.count // line comment
                case "/" where i + 1 < chars.count && chars[i + 1] == "*":
                    inBlockComment = true
                    i += 2
                case ";" where isInsideTrigger(current):
                    // A `CREATE TRIGGER`'s body holds statements of its own, up to its `END;`.
                    current.unicodeScalars.append(c)
                    i += 1
                case ";":
                    if let start = startLine, !current.trimmingSpaces.isEmpty {
                        statements.append(.init(sql: current.trimmingSpaces, line: start, parameters: parameters))
                        parameters = []
                    }
                    current = ""
                    startLine = nil
                    i += 1
                case "?":
                    throw ProjectionFileError(file: file, line: lineNumber, message: "positional parameter '?': use a named one such as :payload or :p_field")
                case ":", "@", "$":
                    var j = i + 1
                    var name = ""
                    while j < chars.count, chars[j].properties.isAlphabetic || ("0"..."9").contains(chars[j]) || chars[j] == "_" {
                        name.unicodeScalars.append(chars[j])
                        j += 1
                    }
                    if name.isEmpty {
                        current.unicodeScalars.append(c)
                        i += 1
                        continue
                    }
                    startLine = startLine ?? lineNumber
                    if (name.hasPrefix("p_") && name.count > 2) || (name.hasPrefix("json_") && name.count > 5)
                        || (name.hasPrefix("lower_") && name.count > 6) || parameterNames.contains(name) {
                        // `:p_<field>` (the field's value), `:lower_<field>` (that value in
                        // lowercase) and `:json_<field>` (its JSON text) are worked out by
                        // `EventBinder` from one scan of the payload.
                        current += ":" + name
                        parameters.insert(name)
                    } else {
                        let known = parameterNames.sorted().map { ":" + $0 }.joined(separator: ", ")
                        throw ProjectionFileError(file: file, line: lineNumber, message: "unknown parameter '\(c)\(name)': the parameters are \(known) and :p_<field>, :lower_<field> or :json_<field> for a top-level payload field")
                    }
                    i = j
                default:
                    if !c.properties.isWhitespace { startLine = startLine ?? lineNumber }
                    current.unicodeScalars.append(c)
                    i += 1
                }
            }
            current += "\n"
        }
        if let start = startLine, !current.trimmingSpaces.isEmpty {
            statements.append(.init(sql: current.trimmingSpaces, line: start, parameters: parameters))
        }
        return statements
    }

    /// Whether `sql`, ended by a `;`, would still be an unfinished `CREATE TRIGGER` (SQLite's own
    /// judgement: `sqlite3_complete` knows where a trigger's body ends).
    private static func isInsideTrigger(_ sql: String) -> Bool {
        let words = sql.uppercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).prefix(3)
        guard words.first == "CREATE", words.contains("TRIGGER") else { return false }
        return sqlite3_complete(sql + ";") == 0
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
