public import Foundation

/// An amount of money as the contract carries it: `{"amount": "1500.00", "currency": "EUR"}`.
///
/// The amount stays a decimal string so no binary rounding ever touches it; `validated(_:)`
/// canonicalises it to exactly two decimals.
public struct Money: Codable, Sendable, Hashable {
    /// A non-negative decimal with two decimals, e.g. `"1500.00"`.
    public var amount: String
    /// An ISO 4217 code: three uppercase letters.
    public var currency: String

    /// Wraps raw input; call `validated(_:)` before trusting it.
    public init(amount: String, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// The amount as a `Decimal` (for sorting and comparisons in read models).
    public var decimalAmount: Decimal? { Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")) }

    /// Checks the shape and returns the canonical form (`"15"` → `"15.00"`).
    ///
    /// - Parameter field: the input's name, e.g. `"hourlyRate"`; errors name `"hourlyRate.amount"`.
    public func validated(_ field: String) throws(FieldError) -> Money {
        let raw = amount.trimmingCharacters(in: .whitespaces)
        let parts = raw.split(separator: ".", omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard (1...2).contains(parts.count), digits(parts[0]), parts[0].count <= 12,
              parts.count == 1 || (digits(parts[1]) && parts[1].count <= 2)
        else {
            throw FieldError("\(field).amount", "\(field).amount must be a non-negative decimal with at most two decimals, e.g. \"1500.00\"")
        }
        let integer = String(parts[0].drop { $0 == "0" })
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let canonical = (integer.isEmpty ? "0" : integer) + "." + fraction.padding(toLength: 2, withPad: "0", startingAt: 0)
        let code = currency.trimmingCharacters(in: .whitespaces)
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw FieldError("\(field).currency", "\(field).currency must be an ISO 4217 code of three uppercase letters, e.g. \"EUR\"")
        }
        return Money(amount: canonical, currency: code)
    }
}
