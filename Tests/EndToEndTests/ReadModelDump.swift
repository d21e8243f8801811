import Foundation
import GRDB

/// Every row of every read model in a data directory, for comparing a model kept live across
/// crashes with one rebuilt from the log.
///
/// Reads the generation each `<name>.current` names; skips the engine's own `_projection_state`
/// and SQLite's and FTS5's internal tables (their layout depends on insertion history, their
/// content is compared through the virtual table itself). Rows are sorted text, so the comparison
/// ignores rowids and insertion order.
enum ReadModelDump {
    /// `"<model>.<table>"` → the table's rows, sorted. Open only on a stopped server's data.
    static func dump(dataDirectory: String) throws -> [String: [String]] {
        let directory = dataDirectory + "/readmodels"
        var tables: [String: [String]] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".current") }
        for pointer in names {
            let model = String(pointer.dropLast(".current".count))
            let file = try String(contentsOfFile: directory + "/" + pointer, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: directory + "/" + file, configuration: configuration)
            try queue.read { db in
                let schema = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'table'")
                let virtual = schema.compactMap { row -> String? in
                    let sql: String = row["sql"] ?? ""
                    return sql.uppercased().hasPrefix("CREATE VIRTUAL TABLE") ? row["name"] : nil
                }
                for row in schema {
                    let name: String = row["name"]
                    if name.hasPrefix("sqlite_") || name == "_projection_state" { continue }
                    if virtual.contains(where: { name.hasPrefix($0 + "_") }) { continue }
                    let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(name)\"").map { row in
                        row.columnNames.map { column in "\(column)=\(row[column].map { "\($0)" } ?? "NULL")" }.joined(separator: " | ")
                    }
                    tables["\(model).\(name)"] = rows.sorted()
                }
            }
        }
        return tables
    }

    /// Lines naming the differences between two dumps (empty when equal), at most `limit`.
    static func differences(_ a: [String: [String]], _ b: [String: [String]], limit: Int = 20) -> [String] {
        var found: [String] = []
        for table in Set(a.keys).union(b.keys).sorted() {
            let left = a[table] ?? []
            let right = b[table] ?? []
            guard left != right else { continue }
            let onlyLeft = Set(left).subtracting(right)
            let onlyRight = Set(right).subtracting(left)
            found.append("\(table): \(left.count) rows vs \(right.count); only before: \(Array(onlyLeft.prefix(2))); only after: \(Array(onlyRight.prefix(2)))")
            if found.count >= limit { break }
        }
        return found
    }
}
