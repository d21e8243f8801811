import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird
import Logging
public import ReadModels

extension Platform {
    /// Runs a read-model query, mapping its failures to the API's errors: a cursor of another list
    /// (`list` names the one asked) is a 400 naming `cursor`; a model not built yet, being swapped
    /// or unreadable is a 503 with `Retry-After` (logged, without personal data).
    public func query<T>(list: String? = nil, _ body: (ProjectionSet) throws -> T) throws(APIError) -> T {
        do {
            return try body(readModels)
        } catch let error as ReadModelError {
            if let list, error == .invalidCursor(list) {
                throw .badRequest("`cursor` belongs to another list; start again without it", field: "cursor")
            }
            logger.warning("a read model could not answer", metadata: ["error": "\(error)"])
            throw .unavailable("the read models are not ready to answer this; retry shortly", retryAfter: 1)
        } catch {
            logger.error("a read-model query failed", metadata: ["error": "\(error)"])
            throw .unavailable("the read models could not be read; retry shortly", retryAfter: 1)
        }
    }
}
