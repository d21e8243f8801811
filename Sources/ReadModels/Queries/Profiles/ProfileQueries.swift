public import Domain
public import Foundation
import GRDB
public import Projections

/// The profile queries over `projections/users.sql` (the export also reads `mentors.sql` and
/// `sessions.sql`).
public struct ProfileQueries: Sendable {
    let users: SQLiteProjectionStorage
    let mentors: MentorQueries
    let sessions: SessionQueries

    /// The queries over `set`'s `users`, `mentors` and `sessions` read models.
    public init(_ set: ProjectionSet) throws {
        users = try set.readModel("users")
        mentors = try MentorQueries(set)
        sessions = try SessionQueries(set)
    }

    /// `GET /users/profile`: the user's own account, profile and preferences; `nil` when the account
    /// is unknown or erased.
    public func profile(of userID: UUID) throws -> UserProfile? {
        guard let (account, details) = try self.account(userID), let (profile, preferences) = details else { return nil }
        return UserProfile(account: account, profile: profile, preferences: preferences)
    }

    /// `GET /users/{id}/public`: the profile as `viewer` may see it, by the owner's visibility:
    /// `public` for anyone, `members` for any signed-in viewer, `private` for the owner and admins.
    ///
    /// - Parameter viewer: the signed-in caller, `nil` when anonymous.
    /// - Returns: `nil` when the account is unknown, erased, or hidden from `viewer` (one answer for
    ///   all three, so a hidden profile does not show that it exists).
    public func publicProfile(of userID: UUID, viewer: Principal?) throws -> PublicProfile? {
        guard let full = try profile(of: userID) else { return nil }
        switch full.preferences.profileVisibility {
        case .public:
            break
        case .members:
            guard viewer != nil else { return nil }
        case .private:
            guard let viewer, viewer.isUser(userID) || viewer.isAdministrator else { return nil }
        }
        return PublicProfile(userId: full.account.userId, role: full.account.role, profile: full.profile)
    }

    /// `GET /users/me/export`: everything these read models hold about the user; `nil` when the
    /// account is unknown. The caller adds the other read models' sections (`UserExport.add`).
    public func export(of userID: UUID) throws -> UserExport? {
        guard let (account, details) = try self.account(userID) else { return nil }
        return UserExport(
            account: account, profile: details?.profile, preferences: details?.preferences, mentor: try mentors.mentor(userID),
            sessionsAsMentor: try sessions.all(of: userID, as: .mentor), sessionsAsMentee: try sessions.all(of: userID, as: .mentee)
        )
    }

    /// The account, and its profile and preferences unless erased.
    private func account(_ userID: UUID) throws -> (AccountView, (profile: ProfileView, preferences: PreferencesView)?)? {
        let key = userID.uuidString.lowercased()
        return try users.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.sql, arguments: [key]) else { return nil }
            let account = AccountView(
                userId: row["id"], email: row["email"],
                role: try Column.raw(Role.self, row["role"], projection: "users", column: "role"),
                emailVerified: row["email_verified"], status: row["status"], twoFactorEnabled: row["two_factor_enabled"],
                registeredAt: Timestamp.contract(row["registered_at"]),
                lastLoginAt: (row["last_login_at"] as String?).map(Timestamp.contract)
            )
            guard account.status == "active", let _: String = row["user_id"] else { return (account, nil) }
            return (account, (try Self.profile(row), try Self.preferences(row)))
        }
    }

    private static let sql = """
        SELECT u.id, u.email, u.role, u.email_verified, u.status, u.two_factor_enabled, u.registered_at, u.last_login_at,
               p.user_id, p.first_name, p.last_name, p.bio, p.current_education_level, p.field_of_study, p.career_goals,
               p.interests, p.languages, p.skills, p.experience, p.country_code, p.city, p.avatar_hash, p.avatar_media_type,
               p.language, p.profile_visibility, p.email_notifications
        FROM users u LEFT JOIN profiles p ON p.user_id = u.id
        WHERE u.id = ?
        """

    private static func profile(_ row: Row) throws -> ProfileView {
        let avatarHash: String? = row["avatar_hash"]
        let mediaType: String? = row["avatar_media_type"]
        return ProfileView(
            firstName: row["first_name"], lastName: row["last_name"], bio: row["bio"],
            currentEducationLevel: try (row["current_education_level"] as String?).map {
                try Column.raw(EducationLevel.self, $0, projection: "users", column: "current_education_level")
            },
            fieldOfStudy: row["field_of_study"],
            careerGoals: try Column.json([String].self, row["career_goals"], fallback: []),
            interests: try Column.json([String].self, row["interests"], fallback: []),
            languages: try Column.json([Profiles.Language].self, row["languages"], fallback: []),
            skills: try Column.json([Profiles.Skill].self, row["skills"], fallback: []),
            experience: try Column.json([Profiles.Experience].self, row["experience"], fallback: []),
            countryCode: row["country_code"], city: row["city"],
            avatar: avatarHash.flatMap { hash in mediaType.map { ProfileView.Avatar(contentHash: hash, mediaType: $0) } }
        )
    }

    private static func preferences(_ row: Row) throws -> PreferencesView {
        PreferencesView(
            language: try Column.raw(PreferredLanguage.self, row["language"], projection: "users", column: "language"),
            profileVisibility: try Column.raw(ProfileVisibility.self, row["profile_visibility"], projection: "users", column: "profile_visibility"),
            notifications: .init(email: row["email_notifications"])
        )
    }
}
