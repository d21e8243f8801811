import EventLog

/// A realistic, varied data set for a newcomer (`serve --demo`, `protalent demo`), written through
/// the same deciders and `Platform.execute` the API's handlers use.
///
/// Deterministic for a given user count (a seeded generator), so two demos look alike. Every demo
/// account shares one password, hashed once (hashing hundreds of passwords at production cost
/// would take minutes).
public enum DemoData {
    /// The password of every demo account.
    public static let password = "protalent-demo-2026"

    /// The accounts to try first.
    public struct Logins: Sendable {
        public var student: String
        public var mentor: String
        public var admin: String
    }

    /// Seeds the platform when its log is empty; returns the logins to print (also when the log
    /// already held a demo).
    public static func seedIfEmpty(_ platform: Platform, users: Int, progress: (@Sendable (String) -> Void)?) async throws -> Logins {
        let logins = Logins(student: "awa.diop@demo.protalent.app", mentor: "moussa.ndiaye@demo.protalent.app", admin: "admin@demo.protalent.app")
        guard platform.log.head == 0 else { return logins }
        var seeder = try DemoSeeder(platform: platform, progress: progress)
        try await seeder.seed(users: max(users, 20), logins: logins)
        return logins
    }
}
