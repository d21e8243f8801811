import Foundation

extension Optional {
    /// The value a read found, or a 404 naming what was asked for.
    func orNotFound(_ what: String, id: UUID) throws(APIError) -> Wrapped {
        guard let self else { throw .notFound("no \(what) with id \(id.uuidString.lowercased())") }
        return self
    }
}
