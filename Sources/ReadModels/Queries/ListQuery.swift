import GRDB
import Projections

/// The `WHERE` of a keyset-paged list: filters and the cursor's position, in bound arguments.
///
/// Every list query builds one, so conditions and their arguments cannot drift apart.
struct ListQuery {
    private(set) var conditions: [String] = []
    private(set) var arguments = StatementArguments()

    /// Adds a condition with its `?` arguments.
    mutating func require(_ condition: String, _ values: [(any DatabaseValueConvertible)?] = []) {
        conditions.append(condition)
        arguments += StatementArguments(values)
    }

    /// Adds "`text`, or one of its other-language versions (`BilingualTerms.equivalents`: "santé
    /// publique" or "public health"), appears in one of `columns`" (plain, escaped substrings,
    /// accents and case ignored on both sides: `fold`, `ProjectionFunctions`); nothing when `text`
    /// is nil or empty.
    mutating func contains(_ text: String?, in columns: [String]) {
        guard let text, !text.isEmpty else { return }
        let patterns = ([text] + BilingualTerms.equivalents(of: text)).map { QueryText.containsPattern(TextFolding.fold($0)) }
        let tests = patterns.flatMap { _ in columns.map { #"fold(\#($0)) LIKE ? ESCAPE '\'"# } }
        require("(" + tests.joined(separator: " OR ") + ")", patterns.flatMap { pattern in columns.map { _ in pattern } })
    }

    /// `SELECT <columns> FROM <from> WHERE …`, every match in no particular order.
    func sql(select columns: String, from: String) -> (String, StatementArguments) {
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return ("SELECT \(columns) FROM \(from)\(filter)", arguments)
    }

    /// `SELECT <columns> FROM <from> WHERE … ORDER BY <order> LIMIT limit + 1`: the extra row says
    /// whether another page exists (`PageRequest.page`).
    func sql(select columns: String, from: String, orderBy order: String, limit: Int) -> (String, StatementArguments) {
        let (sql, arguments) = sql(select: columns, from: from)
        var all = arguments
        all += [limit + 1]
        return ("\(sql) ORDER BY \(order) LIMIT ?", all)
    }
}
