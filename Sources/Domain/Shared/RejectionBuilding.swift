import Foundation

public import EventSourcing

/// The shape every context's `Rejection` shares: a category, a message, and the field at fault.
///
/// The static builders keep call sites short (`throw .conflict("…")`) and the wording in one place.
public protocol RejectionBuilding: DomainRejection {
    /// Creates a rejection.
    init(category: RejectionCategory, message: String, field: String?)
}

extension RejectionBuilding {
    /// A value is invalid (422), naming the input at fault.
    public static func invalid(_ field: String, _ message: String) -> Self {
        Self(category: .invalid, message: message, field: field)
    }

    /// A shared validator's failure.
    public static func invalid(_ error: FieldError) -> Self {
        Self(category: .invalid, message: error.message, field: error.field)
    }

    /// The command conflicts with the current state (409).
    public static func conflict(_ message: String, field: String? = nil) -> Self {
        Self(category: .conflict, message: message, field: field)
    }

    /// The actor may not do this (403).
    public static func forbidden(_ message: String) -> Self {
        Self(category: .forbidden, message: message, field: nil)
    }

    /// The target does not exist (404).
    public static func notFound(_ message: String) -> Self {
        Self(category: .notFound, message: message, field: nil)
    }
}

extension RejectionBuilding {
    /// Runs shared validators, turning their `FieldError` into this context's invalid rejection.
    public static func check<T>(_ body: () throws(FieldError) -> T) throws(Self) -> T {
        do {
            return try body()
        } catch {
            throw .invalid(error)
        }
    }
}

/// A context's rejection: one generic type, so every context shares the code while each keeps a
/// distinct `Rejection` type (`Refusal<Mentoring>` is not `Refusal<Communities>`) for typed throws.
public struct Refusal<Context>: RejectionBuilding {
    public let category: RejectionCategory
    public let message: String
    public let field: String?

    public init(category: RejectionCategory, message: String, field: String?) {
        self.category = category
        self.message = message
        self.field = field
    }
}
