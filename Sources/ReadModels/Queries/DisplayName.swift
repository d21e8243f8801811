/// A person's name as lists show it: "First Last".
enum DisplayName {
    /// The names joined by a space; `nil` when both are missing.
    static func of(first: String?, last: String?) -> String? {
        let parts = [first, last].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
