import Foundation
import Projections

/// Decodes the typed columns of read models: JSON lists and objects stored as the events carry
/// them, and enumerated values stored as their raw text.
enum Column {
    /// `text` decoded as `T`; `fallback` when the column is NULL.
    static func json<T: Decodable>(_ type: T.Type, _ text: String?, fallback: T) throws -> T {
        guard let text else { return fallback }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// `raw` as `T`, or `ReadModelError.unexpectedValue` naming the projection and column.
    static func raw<T: RawRepresentable>(_ type: T.Type, _ raw: String, projection: String, column: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw ReadModelError.unexpectedValue(projection, column, raw) }
        return value
    }
}
