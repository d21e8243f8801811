import EventLog
import EventSourcing
import Foundation

/// An event's payload as the console shows it: personal fields revealed while their owner's key
/// exists and marked erased once it is gone; secrets (hashes, tokens, ciphertexts) never shown.
struct ConsolePayload: Sendable {
    let revealer: PersonalDataRevealer

    /// Field names whose values stay hidden: what they hold is a credential, not history.
    static func isSecret(_ key: String) -> Bool {
        let key = key.lowercased()
        return ["hash", "secret", "ciphertext", "token", "sealed", "password"].contains { key.contains($0) }
    }

    /// The payload of `event` as indented markup; the raw size when it is not JSON.
    func render(_ event: RecordedEvent, language: ConsoleLanguage) -> HTML {
        guard let revealed = try? revealer.reveal(event.payload),
              let value = try? JSONDecoder().decode(JSONValue.self, from: Data(revealed))
        else { return "<pre>\(language("(binaire,", "(binary,")) \(event.payload.count) \(language("octets)", "bytes)"))</pre>" }
        return "<pre>\(render(value, indent: 0, language: language))</pre>"
    }

    /// A JSON value as decoded, booleans kept apart from numbers.
    indirect enum JSONValue: Decodable {
        case object([String: JSONValue]), array([JSONValue]), text(String), flag(Bool), number(Double), null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let text = try? container.decode(String.self) { self = .text(text) }
            else if let array = try? container.decode([JSONValue].self) { self = .array(array) }
            else { self = .object(try container.decode([String: JSONValue].self)) }
        }
    }

    private func render(_ value: JSONValue, indent: Int, language: ConsoleLanguage) -> HTML {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch value {
        case .object(let object):
            if object.isEmpty { return "{}" }
            let fields = object.keys.sorted().enumerated().map { index, key -> HTML in
                let inner: HTML = Self.isSecret(key)
                    ? "<span class=\"hidden\">\(language("(masqué)", "(hidden)"))</span>"
                    : render(object[key]!, indent: indent + 1, language: language)
                return "\(index > 0 ? "," : "" as String)\n\(pad)\"\(key)\": \(inner)"
            }
            return "{\(fields)\n\(closing)}"
        case .array(let array):
            if array.isEmpty { return "[]" }
            let items = array.enumerated().map { index, item -> HTML in
                "\(index > 0 ? "," : "" as String)\n\(pad)\(render(item, indent: indent + 1, language: language))"
            }
            return "[\(items)\n\(closing)]"
        case .text(let text):
            if text == "[erased]" { return "<span class=\"erased\">\(language("[effacé]", "[erased]"))</span>" }
            return "\"\(text)\""
        case .flag(let flag):
            return flag ? "true" : "false"
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? "\(Int64(number))" : "\(String(number))"
        case .null:
            return "null"
        }
    }
}
