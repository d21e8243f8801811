import Foundation
import Projections

extension ProjectionSet {
    /// The read model of the projection `name`, for the typed queries (`communities`, `events`, …).
    ///
    /// - Throws: `ReadModelError.unknown` when no `<name>.sql` was loaded.
    func readModel(_ name: String) throws -> SQLiteProjectionStorage {
        guard let storage = databases[name] else { throw ReadModelError.unknown(name) }
        return storage
    }
}
