/// The console's languages: French by default, English one click away.
enum ConsoleLanguage: String, Sendable {
    case fr, en

    /// The language `?lang=` names, if it names one.
    init?(query: String?) {
        guard let query, let language = ConsoleLanguage(rawValue: query.lowercased()) else { return nil }
        self = language
    }

    /// The other one (the link in the header).
    var other: ConsoleLanguage { self == .fr ? .en : .fr }

    /// The French or the English text.
    func callAsFunction(_ french: String, _ english: String) -> String {
        self == .fr ? french : english
    }
}
