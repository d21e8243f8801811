public import Domain

/// One field of UNESCO's ISCED-F 2013 (International Standard Classification of Education: Fields
/// of Education and Training), with its official English and French (CITE-F 2013) names.
///
/// Codes nest by prefix: broad fields have two digits ("06"), narrow fields three ("061"),
/// detailed fields four ("0613"); a field belongs to every field whose code starts its own.
public struct ISCEDField: Sendable, Hashable {
    /// The ISCED-F code: "06", "061" or "0613".
    public let code: String
    /// The official English name.
    public let english: String
    /// The official French name (CITE-F 2013).
    public let french: String

    /// A field of the taxonomy.
    public init(_ code: String, _ english: String, _ french: String) {
        self.code = code
        self.english = english
        self.french = french
    }

    /// How deep in the hierarchy: broad, narrow or detailed.
    public var level: Level {
        switch code.count {
        case 2: .broad
        case 3: .narrow
        default: .detailed
        }
    }

    /// The name in `language`.
    public func name(in language: PreferredLanguage) -> String { language == .fr ? french : english }

    /// The three levels of ISCED-F.
    public enum Level: Sendable, Hashable {
        /// Two digits: "06".
        case broad
        /// Three digits: "061".
        case narrow
        /// Four digits: "0613".
        case detailed
    }
}
