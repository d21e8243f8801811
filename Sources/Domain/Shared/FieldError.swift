import Foundation

/// A value that failed validation, with the camelCase name of the input at fault.
///
/// Shared validators throw it; each context turns it into its own `Rejection` (category invalid).
public struct FieldError: Error, Sendable, Equatable {
    /// The input at fault, e.g. `"hourlyRate.amount"` or `"languages[2].code"`.
    public var field: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates the error.
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// The same error reported under a parent field: `"amount"` in `"hourlyRate"` → `"hourlyRate.amount"`.
    public func nested(in parent: String) -> FieldError {
        FieldError(field.isEmpty ? parent : "\(parent).\(field)", message)
    }
}
