import Foundation
import Hummingbird

/// The fields of a posted `application/x-www-form-urlencoded` form.
struct ConsoleForm: Sendable {
    /// Forms of the console are small; anything bigger is not one of ours.
    static let maxBytes = 64 * 1024

    private var fields: [String: [String]] = [:]

    /// The form in `request`'s body: 413 past `maxBytes`.
    static func read(_ request: inout Request, context: AppRequestContext) async throws -> ConsoleForm {
        let buffer = try await request.collectBody(upTo: maxBytes)
        return ConsoleForm(String(buffer: buffer))
    }

    /// The form in `text` (`a=1&b=x+y`).
    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            fields[name, default: []].append(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The field's value, trimmed; `nil` when absent or empty.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// The field's value as typed (passwords are not trimmed); `nil` when absent.
    func raw(_ name: String) -> String? {
        fields[name]?.first
    }

    /// Every value of a repeated field (a multiple select), empty ones dropped.
    func all(_ name: String) -> [String] {
        (fields[name] ?? []).filter { !$0.isEmpty }
    }

    /// A field of one item per line, each trimmed, empty lines dropped.
    func lines(_ name: String) -> [String] {
        (self[name] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A comma- or line-separated list field, each item trimmed, empty items dropped.
    func list(_ name: String) -> [String] {
        (self[name] ?? "").split(whereSeparator: { $0 == "," || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
