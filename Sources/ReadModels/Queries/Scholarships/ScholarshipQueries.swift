import Domain
public import Foundation
import GRDB
public import Projections

extension ProjectionSet {
    /// The typed queries over `projections/scholarships.sql`.
    ///
    /// - Throws: `ReadModelError.unknown` when the set has no `scholarships` projection.
    public var scholarships: ScholarshipQueries {
        get throws { ScholarshipQueries(storage: try readModel("scholarships")) }
    }
}

/// Reads of the scholarships read model: the filtered list and one scholarship.
///
/// Every method reads one consistent snapshot and throws `ReadModelError.notBuilt` before the
/// projection's first build.
public struct ScholarshipQueries: Sendable {
    /// The read model.
    public let storage: SQLiteProjectionStorage

    /// Queries over `storage` (a `scholarships.sql` read model).
    public init(storage: SQLiteProjectionStorage) {
        self.storage = storage
    }

    /// `GET /scholarships?q=&country=&level=&field=&open=true`: soonest deadline first (then id), paged.
    ///
    /// - Parameter now: the time `open` is judged at (and `filter.openOnly` filters by).
    public func list(_ filter: ScholarshipFilter = ScholarshipFilter(), now: Date, page: PageRequest = PageRequest()) throws -> Page<ScholarshipView> {
        let (sql, arguments) = Self.listSQL(filter, now: now, page)
        let rows = try storage.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.keyed($0, now: now) } }
        let page = page.page(rows) { PageCursor(key: $0.key, id: $0.view.id) }
        return Page(items: page.items.map(\.view), nextCursor: page.nextCursor)
    }

    /// `GET /scholarships/{id}`; `nil` when there is no such scholarship.
    public func scholarship(id: UUID, now: Date) throws -> ScholarshipView? {
        let sql = "SELECT \(Self.columns) FROM scholarships WHERE id = ?"
        return try storage.read { db in
            try Row.fetchOne(db, sql: sql, arguments: [QueryText.id(id)]).map { try Self.keyed($0, now: now).view }
        }
    }

    /// The page of `list`: the `(closed, deadline, id)` index range from `now` when only open ones
    /// are wanted, else the `(deadline, id)` index in order; the other filters test each row walked.
    static func listSQL(_ filter: ScholarshipFilter, now: Date, _ page: PageRequest) -> (String, StatementArguments) {
        var query = ListQuery()
        if filter.openOnly { query.require("closed = 0 AND deadline > ?", [Timestamp.stored(now)]) }
        if let country = filter.country {
            query.require("(any_country = 1 OR id IN (SELECT scholarship_id FROM scholarship_countries WHERE country = ?))", [country.uppercased()])
        }
        if let level = filter.level {
            query.require("(any_level = 1 OR id IN (SELECT scholarship_id FROM scholarship_levels WHERE level = ?))", [level.rawValue])
        }
        if let field = filter.field {
            query.require("(any_field = 1 OR id IN (SELECT scholarship_id FROM scholarship_fields WHERE field = ?))", [field])
        }
        query.contains(filter.query, in: ["title", "provider", "description"])
        if let cursor = page.cursor { query.require("(deadline, id) > (?, ?)", [cursor.key, cursor.id]) }
        let order = filter.openOnly ? "closed, deadline, id" : "deadline, id"
        return query.sql(select: columns, from: "scholarships", orderBy: order, limit: page.limit)
    }

    static let columns = """
        id, title, description, provider, amount, currency, application_fee, application_fee_currency, deadline,
        application_url, eligibility, closed, closed_at, created_at, updated_at
        """

    /// A row with its stored deadline (the cursor needs the stored form, milliseconds included).
    private static func keyed(_ row: Row, now: Date) throws -> Keyed {
        let deadline: String = row["deadline"]
        let closed: Bool = row["closed"]
        func money(_ amount: String, _ currency: String) -> Money? {
            guard let value: String = row[amount], let code: String = row[currency] else { return nil }
            return Money(amount: value, currency: code)
        }
        let view = ScholarshipView(
            id: row["id"], title: row["title"], description: row["description"], provider: row["provider"],
            amount: money("amount", "currency"), applicationFee: money("application_fee", "application_fee_currency"),
            deadline: Timestamp.contract(deadline), applicationUrl: row["application_url"],
            eligibility: try Column.json(Scholarships.Eligibility.self, row["eligibility"], fallback: Scholarships.Eligibility()),
            closed: closed, open: !closed && deadline > Timestamp.stored(now),
            closedAt: (row["closed_at"] as String?).map(Timestamp.contract),
            createdAt: Timestamp.contract(row["created_at"]), updatedAt: Timestamp.contract(row["updated_at"])
        )
        return Keyed(key: deadline, view: view)
    }

    private struct Keyed: Sendable, Encodable {
        var key: String
        var view: ScholarshipView
    }
}
