import Foundation

/// A day of the week, as the contract spells it (`monday` … `sunday`).
public enum Weekday: String, Codable, Sendable, Hashable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// 0 for Monday … 6 for Sunday (ISO 8601 order).
    public var index: Int { Self.allCases.firstIndex(of: self)! }
}
