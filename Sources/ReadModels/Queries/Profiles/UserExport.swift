/// `GET /users/me/export`: everything the read models hold about one user.
///
/// This query fills the parts it owns (account, profile, preferences, mentor profile, sessions as
/// mentor and as mentee). Other read models' parts — community posts, event registrations, audit
/// entries — are added by the caller with `add(_:_:)` and appear as further top-level keys.
public struct UserExport: Encodable, Sendable {
    public var account: AccountView
    /// `nil` once the account is erased.
    public var profile: ProfileView?
    /// `nil` once the account is erased.
    public var preferences: PreferencesView?
    /// The mentor profile, when the user applied as a mentor.
    public var mentor: MentorView?
    /// Sessions the user gives, by scheduled start (newest first).
    public var sessionsAsMentor: [SessionView]
    /// Sessions the user booked, by scheduled start (newest first).
    public var sessionsAsMentee: [SessionView]
    /// The sections other read models contributed, by key (see `add(_:_:)`).
    public private(set) var sections: [String: any Encodable & Sendable] = [:]

    /// An export of the parts this module owns.
    public init(
        account: AccountView, profile: ProfileView?, preferences: PreferencesView?, mentor: MentorView?,
        sessionsAsMentor: [SessionView], sessionsAsMentee: [SessionView]
    ) {
        self.account = account
        self.profile = profile
        self.preferences = preferences
        self.mentor = mentor
        self.sessionsAsMentor = sessionsAsMentor
        self.sessionsAsMentee = sessionsAsMentee
    }

    /// The keys this type writes itself; a section cannot take one of them.
    public static let ownKeys: Set<String> = ["account", "profile", "preferences", "mentor", "sessionsAsMentor", "sessionsAsMentee"]

    /// Adds a section from another read model, e.g. `add("posts", posts)`, `add("eventRegistrations", …)`,
    /// `add("auditEntries", …)`. A later section with the same key replaces the earlier one.
    ///
    /// - Precondition: `key` is not one of `ownKeys`.
    public mutating func add(_ key: String, _ value: some Encodable & Sendable) {
        precondition(!Self.ownKeys.contains(key), "the export already writes '\(key)'")
        sections[key] = value
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(account, forKey: Key("account"))
        try container.encode(profile, forKey: Key("profile"))
        try container.encode(preferences, forKey: Key("preferences"))
        try container.encode(mentor, forKey: Key("mentor"))
        try container.encode(sessionsAsMentor, forKey: Key("sessionsAsMentor"))
        try container.encode(sessionsAsMentee, forKey: Key("sessionsAsMentee"))
        for (key, value) in sections.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: Key(key))
        }
    }
}
